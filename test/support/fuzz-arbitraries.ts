import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { SignJWT } from 'jose';

/**
 * fast-check arbitraries for what hostile or broken clients send: strings a database or a
 * template chokes on, numbers past every integer type, ids that are not ids, malformed
 * tokens and headers. Shared by the in-memory and the MariaDB+Redis fuzz suites.
 */

/** Strings that have broken some parser, query builder or template somewhere. */
export const INJECTIONS = [
  "' OR '1'='1",
  "'; DROP TABLE members; --",
  '" OR ""="',
  "admin'--",
  '1; SELECT SLEEP(10)',
  "' UNION SELECT id, email, password_hash FROM members --",
  '\\',
  "\\'",
  '%',
  '_',
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  '{{7*7}}',
  '${7*7}',
  '#{7*7}',
  '../../../../etc/passwd',
  '..\\..\\windows\\win.ini',
  '%00',
  '\u0000',
  'null',
  'undefined',
  'NaN',
  '__proto__',
  'constructor',
  'prototype',
  '\r\nSet-Cookie: pwned=1',
  '$where',
  '{"$gt": ""}',
  '`rm -rf /`',
  '$(reboot)',
  'A-1-1',
  ' ',
  '',
] as const;

/** Characters that differ in length between UTF-16, UTF-8 and MySQL's character count, or are invisible. */
const ODD_CHARACTERS = [
  '\u0000',
  '\u0001',
  '\u0007',
  '\b',
  '\t',
  '\n',
  '\r',
  '\u001b',
  '\u007f',
  '\u0085',
  '\u00a0',
  '\u200b',
  '\u200d',
  '\u202e',
  '\u2028',
  '\ufeff',
  '\ufffd',
  '\uffff',
  '\ud800',
  '\udfff',
  'é',
  'e\u0301',
  'Ω',
  '한',
  '語',
  '🎵',
  '👩‍👩‍👧',
  '🇰🇷',
  '𝕏',
  "'",
  '"',
  '\\',
  '`',
  '%',
  '-',
  ' ',
] as const;

export const oddCharacter = fc.constantFrom(...ODD_CHARACTERS);

/** A string of exactly `length` UTF-16 units, of one repeated unit or emoji. */
const exactLength = (length: number) => fc.constantFrom('x', 'é', '한', ' ').map((unit) => unit.repeat(length));

/** Strings just under, at and over the limits of the schemas and the columns. */
export const boundaryString = fc.oneof(
  fc
    .constantFrom(0, 1, 49, 50, 51, 63, 64, 65, 99, 100, 101, 128, 129, 199, 200, 201, 254, 255, 320, 321, 1024, 1025)
    .chain(exactLength),
  // 4-byte characters: each is 2 UTF-16 units but 1 MySQL character.
  fc.constantFrom(25, 50, 51, 100, 101).map((count) => '🎵'.repeat(count)),
);

/** Any string a client might send: ASCII, any code point (lone surrogates too), graphemes, injections. */
export const nastyString = (maxLength = 120): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 3, arbitrary: fc.string({ maxLength }) },
    { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength }) },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: Math.min(maxLength, 30) }) },
    { weight: 3, arbitrary: fc.string({ unit: oddCharacter, maxLength }) },
    { weight: 3, arbitrary: fc.constantFrom(...INJECTIONS) },
    { weight: 2, arbitrary: boundaryString },
  );

/** Numbers that are not what an integer field wants, or are at the edge of what it wants. */
export const nastyNumber: fc.Arbitrary<number> = fc.oneof(
  fc.integer(),
  fc.integer({ min: -5, max: 5 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(
    0,
    -0,
    -1,
    0.5,
    1.5,
    -1.5,
    199,
    200,
    201,
    255,
    256,
    32_767,
    32_768,
    65_535,
    65_536,
    2 ** 31 - 1,
    2 ** 31,
    2 ** 32,
    2 ** 53 - 1,
    2 ** 53,
    2 ** 53 + 2,
    2 ** 63,
    2 ** 64,
    1e21,
    1e308,
    Number.MAX_SAFE_INTEGER,
    Number.MIN_SAFE_INTEGER,
    Number.EPSILON,
    Number.MIN_VALUE,
  ),
);

/** JSON number literals that JavaScript numbers cannot say (sent as raw text). */
export const RAW_NUMBER_LITERALS = [
  '1e400',
  '-1e400',
  '123456789012345678901234567890',
  '18446744073709551616',
  '-0',
  '0.0000000000000001',
  '1E2',
  '1.0',
  '9007199254740993',
] as const;

/** A value to put where JSON sends raw text: `toJsonText` writes it unquoted. */
export class RawJson {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

export const rawNumber = fc.constantFrom(...RAW_NUMBER_LITERALS).map((text) => new RawJson(text));

/** Like JSON.stringify, but writes RawJson values as given (numbers JSON allows but JS cannot hold). */
export function toJsonText(value: unknown): string {
  if (value instanceof RawJson) return value.text;
  if (Array.isArray(value))
    return `[${value.map((item) => (item === undefined ? 'null' : toJsonText(item))).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const members = Object.entries(value)
      .filter(([, member]) => member !== undefined)
      .map(([key, member]) => `${JSON.stringify(key)}:${toJsonText(member)}`);
    return `{${members.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** Any JSON value of the wrong kind for a field (string, number, boolean, null, array, object). */
export const wrongType: fc.Arbitrary<unknown> = fc.oneof(
  nastyString(40),
  nastyNumber,
  rawNumber,
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 4 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }),
);

/** Marks a field as left out of the body. */
export const OMIT = Symbol('omit');

/**
 * A body built from per-field arbitraries of plausible values, each field sometimes of the
 * wrong type, hostile, or missing, and sometimes with a field the schema does not know.
 */
export function mutatedRecord(fields: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<Record<string, unknown>> {
  const mutated = Object.fromEntries(
    Object.entries(fields).map(([name, plausible]) => [
      name,
      fc.oneof(
        { weight: 14, arbitrary: plausible },
        { weight: 1, arbitrary: wrongType },
        { weight: 1, arbitrary: fc.constant(OMIT) },
      ),
    ]),
  );
  const extra = fc.oneof(
    { weight: 9, arbitrary: fc.constant(null) },
    {
      weight: 1,
      arbitrary: fc.tuple(
        fc.oneof(
          fc.constantFrom('role', 'id', 'memberId', 'status', '__proto__', 'constructor', 'admin'),
          fc.string({ maxLength: 10 }),
        ),
        fc.jsonValue({ maxDepth: 1 }),
      ),
    },
  );
  return fc.tuple(fc.record(mutated), extra).map(([record, extraField]) => {
    const body: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(record)) if (value !== OMIT) body[name] = value;
    // defineProperty, so a "__proto__" key is a real member of the JSON, as an attacker would send it.
    if (extraField)
      Object.defineProperty(body, extraField[0], {
        value: extraField[1],
        enumerable: true,
        configurable: true,
        writable: true,
      });
    return body;
  });
}

/**
 * A valid body with one field replaced by a hostile value: for bodies with many fields, where
 * mutating each one at random would almost never get a request past the schema to the rules
 * and the stores behind it.
 */
export function withOneFieldReplaced(
  valid: fc.Arbitrary<Record<string, unknown>>,
  replacements: Record<string, fc.Arbitrary<unknown>>,
): fc.Arbitrary<Record<string, unknown>> {
  const field = fc.constantFrom(...Object.keys(replacements));
  return fc
    .tuple(valid, field)
    .chain(([body, name]) =>
      replacements[name]!.map((value) =>
        value instanceof Fields ? { ...body, ...value.fields } : { ...body, [name]: value },
      ),
    );
}

/** A replacement of several fields at once (e.g. grades and the sections that use them). */
export class Fields {
  constructor(readonly fields: Record<string, unknown>) {}
}

/** Body texts that are not one well-formed JSON object. */
export const malformedJsonText: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    '{',
    '}',
    '{"a":}',
    '{"a":1,}',
    "{'a':1}",
    '{a:1}',
    '[',
    '[1,]',
    'nul',
    'tru',
    'undefined',
    'NaN',
    '{"a":NaN}',
    '{"a":Infinity}',
    '{"a":01}',
    '{"a":"\\x41"}',
    '{"a":"\\u12"}',
    '{"a":"\u0001"}',
    '\ufeff{}',
    '{}{}',
    '{} x',
    '"string"',
    '42',
    'true',
    'null',
    '{"__proto__":{"role":"ADMIN"}}',
    '{"constructor":{"prototype":{"role":"ADMIN"}}}',
    '\u0000',
    '\\',
    '<xml/>',
    'a=1&b=2',
  ),
  fc.string({ unit: 'binary', maxLength: 60 }),
  // Deep nesting: a recursive parser or validator would overflow its stack.
  fc.integer({ min: 1_000, max: 5_000 }).map((depth) => '['.repeat(depth) + ']'.repeat(depth)),
  fc.integer({ min: 1_000, max: 5_000 }).map((depth) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth)),
  // Valid JSON cut short.
  fc
    .jsonValue()
    .map((value) => JSON.stringify(value))
    .filter((text) => text.length > 2)
    .map((text) => text.slice(0, -1)),
);

/** Content types: the JSON ones the server takes, and the many it must refuse with 415. */
export const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'application/json;charset=UTF-8',
  'APPLICATION/JSON',
  'application/problem+json',
  'application/vnd.ticketing+json',
  'application/json; charset=utf-16',
  'application/json; charset=latin1',
  'application/json; charset=bogus-charset',
  'application/json; charset="utf-8',
  'application/json;;;',
  'application/json, text/plain',
  'application/jsonx',
  'json',
  'text/json',
  'text/plain',
  'text/html',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=----x',
  'application/xml',
  'application/octet-stream',
  '*/*',
  '',
  ';',
  'application/',
] as const;

export const contentType = fc.oneof(
  { weight: 12, arbitrary: fc.constant('application/json') },
  { weight: 4, arbitrary: fc.constantFrom(...CONTENT_TYPES) },
  { weight: 1, arbitrary: fc.constant(undefined) },
);

/** Path segments where an id belongs: unknown, malformed, hostile, or raw bytes. */
export function pathId(knownIds: readonly string[]): fc.Arbitrary<string> {
  const known = knownIds.length > 0 ? fc.constantFrom(...knownIds) : fc.uuid();
  return fc.oneof(
    { weight: 3, arbitrary: known },
    { weight: 2, arbitrary: fc.uuid() },
    { weight: 1, arbitrary: known.map((id) => id.toUpperCase()) },
    { weight: 1, arbitrary: known.map((id) => `{${id}}`) },
    { weight: 1, arbitrary: known.map((id) => id.replaceAll('-', '')) },
    { weight: 1, arbitrary: known.map((id) => `${id}x`) },
    {
      weight: 3,
      arbitrary: fc.constantFrom(
        '00000000-0000-0000-0000-000000000000',
        'ffffffff-ffff-ffff-ffff-ffffffffffff',
        '-1',
        '0',
        '1',
        '1e9',
        '99999999999999999999999999',
        'null',
        'undefined',
        'NaN',
        'me',
        '..',
        '.',
        '%',
        '%zz',
        '%E0%A4%A',
        '%ff',
        '%00',
        '%2e%2e',
        '%2F',
        '%20',
        '%F0%9F%8E%B5',
        'a'.repeat(2_000),
        "1' OR '1'='1",
        '<script>',
      ),
    },
    { weight: 2, arbitrary: nastyString(60).map((text) => encodeURIComponent(text.replace(/[\ud800-\udfff]/g, '?'))) },
  );
}

/** Query strings a client should not send: negative, huge, fractional, repeated, nested, hostile. */
const QUERY_VALUES = [
  '-1',
  '0',
  '1',
  '2',
  '100',
  '101',
  '100000',
  '100001',
  '1e9',
  '1e400',
  '9999999999999999999999',
  '1.5',
  '0x10',
  '+1',
  ' 1',
  '',
  'abc',
  'NaN',
  'Infinity',
  'null',
  'true',
  '[]',
  '%ff',
  '%00',
  "1' OR '1'='1",
  '<script>',
] as const;

const queryValue = fc.oneof(
  fc.constantFrom(...QUERY_VALUES),
  fc.integer().map(String),
  nastyString(20).map((text) => encodeURIComponent(text.replace(/[\ud800-\udfff]/g, '?'))),
);

export const queryString: fc.Arbitrary<string> = fc
  .array(
    fc.tuple(
      fc.oneof(
        { weight: 4, arbitrary: fc.constantFrom('page', 'size') },
        { weight: 1, arbitrary: fc.constantFrom('page[]', 'size[]', 'page[a]', '__proto__', 'sort', 'q', 'page.x') },
      ),
      queryValue,
    ),
    { maxLength: 4 },
  )
  .map((pairs) => (pairs.length === 0 ? '' : `?${pairs.map(([key, value]) => `${key}=${value}`).join('&')}`));

/** What the tokens are made from; the fuzz suites pass their service's secret and identities. */
export interface TokenMaterial {
  readonly secret: string;
  readonly memberToken: string;
  readonly adminToken: string;
  readonly memberId: string;
  /** The service's clock, which tokens are checked on; the system's by default. */
  readonly nowMs?: number;
}

const ISSUER = 'ticketing-service';
const AUDIENCE = 'ticketing-api';
const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Tokens that must all be refused with 401 INVALID_TOKEN: forged, expired, of another algorithm or audience. */
export async function forgedTokens(material: TokenMaterial): Promise<Record<string, string>> {
  const key = new TextEncoder().encode(material.secret);
  const now = Math.floor((material.nowMs ?? Date.now()) / 1000);
  const claims = { sub: material.memberId, role: 'ADMIN', iss: ISSUER, aud: AUDIENCE, iat: now, exp: now + 3600 };
  const sign = (payload: Record<string, unknown>, alg = 'HS256', secret = key) =>
    new SignJWT(payload).setProtectedHeader({ alg, typ: 'JWT' }).sign(secret);
  const [header, payload, signature] = material.memberToken.split('.') as [string, string, string];
  return {
    algNone: `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(claims)}.`,
    algNoneUpper: `${base64url({ alg: 'NONE', typ: 'JWT' })}.${base64url(claims)}.`,
    hs512SameSecret: await sign(claims, 'HS512'),
    hs384SameSecret: await sign(claims, 'HS384'),
    rs256HeaderHmacSignature: `${base64url({ alg: 'RS256', typ: 'JWT' })}.${base64url(claims)}.${signature}`,
    otherSecret: await sign(claims, 'HS256', new TextEncoder().encode('another-secret-that-is-long-enough-0123456789')),
    expired: await sign({ ...claims, iat: now - 7200, exp: now - 3600 }),
    notYetValid: await sign({ ...claims, nbf: now + 3600 }),
    wrongIssuer: await sign({ ...claims, iss: 'someone-else' }),
    wrongAudience: await sign({ ...claims, aud: 'another-api' }),
    noSubject: await sign({ role: 'ADMIN', iss: ISSUER, aud: AUDIENCE, exp: now + 3600 }),
    noExpiry: await sign({ sub: material.memberId, role: 'ADMIN', iss: ISSUER, aud: AUDIENCE }),
    numericSubject: await sign({ ...claims, sub: 42 }),
    unknownRole: await sign({ ...claims, role: 'SUPERUSER' }),
    lowercaseRole: await sign({ ...claims, role: 'admin' }),
    // The member's own token with the role claim raised to ADMIN: the signature no longer matches.
    elevatedPayload: `${header}.${base64url({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), role: 'ADMIN' })}.${signature}`,
    truncatedSignature: `${header}.${payload}.${signature.slice(0, -4)}`,
    swappedParts: `${payload}.${header}.${signature}`,
    twoParts: `${header}.${payload}`,
    fourParts: `${header}.${payload}.${signature}.${signature}`,
    overLongToken: `${header}.${payload}.${'A'.repeat(4_200)}`,
  };
}

/**
 * Authorization header values for a route of the given access level. `null` means no header.
 * The genuine token of the right role comes often, so requests get past authentication to
 * the validation behind it.
 */
export function authorizationHeader(
  access: 'anyone' | 'member' | 'admin',
  material: TokenMaterial,
  forged: Record<string, string>,
): fc.Arbitrary<string | null> {
  const genuine = access === 'admin' ? material.adminToken : material.memberToken;
  return fc.oneof(
    { weight: access === 'anyone' ? 2 : 22, arbitrary: fc.constant(`Bearer ${genuine}`) },
    { weight: 2, arbitrary: fc.constant(`Bearer ${material.memberToken}`) },
    { weight: 2, arbitrary: fc.constant(null) },
    { weight: 3, arbitrary: fc.constantFrom(...Object.values(forged)).map((token) => `Bearer ${token}`) },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        'Bearer',
        'Bearer ',
        'Bearer  ',
        'bearer',
        `bearer ${genuine}`,
        `BEARER   ${genuine}  `,
        `Bearer ${genuine} extra`,
        `Basic ${Buffer.from('admin:admin').toString('base64')}`,
        `Token ${genuine}`,
        genuine,
        'Bearer null',
        'Bearer undefined',
        'Bearer a.b.c',
        'Bearer ...',
        'Bearer eyJ',
        `Bearer ${'a'.repeat(4_097)}`,
        `Bearer ${'a'.repeat(12_000)}`,
        `Digest username="x"`,
        'Negotiate YII=',
        '*',
        `Bearer ${randomUUID()}`,
      ),
    },
    {
      weight: 2,
      arbitrary: fc
        .string({ unit: fc.constantFrom(...'abcXYZ0189-_.=+/'.split('')), minLength: 1, maxLength: 300 })
        .map((garbage) => `Bearer ${garbage}`),
    },
  );
}
