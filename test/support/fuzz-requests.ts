import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import type { DocumentedOperation } from './api-contract';
import {
  authorizationHeader,
  contentType,
  malformedJsonText,
  mutatedRecord,
  nastyString,
  queryString,
  toJsonText,
  wrongType,
  type TokenMaterial,
} from './fuzz-arbitraries';

/** One generated request, small enough to print as a counterexample. */
export interface FuzzRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body?: string | Buffer;
}

export type Access = 'anyone' | 'member' | 'admin';

/** Printable ASCII only: Node refuses to send other bytes in a header value. */
const headerText = (maxLength: number) =>
  fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)), maxLength });

/** Headers no route reads, sent to show they change nothing: correlation ids, cookies, proxies. */
const incidentalHeaders: fc.Arbitrary<Record<string, string>> = fc.record(
  {
    'X-Request-Id': fc.oneof(
      fc.uuid(),
      headerText(80),
      fc.constantFrom('../../etc', 'a'.repeat(65), '<script>', 'id\tx'),
    ),
    Accept: fc.constantFrom('*/*', 'text/html', 'application/xml', 'application/json;q=0', 'garbage', ''),
    'X-Forwarded-For': fc.constantFrom('127.0.0.1', '::1', "1.1.1.1' OR '1'='1", 'unknown'),
    Cookie: headerText(60),
    Origin: fc.constantFrom('https://evil.example', 'null', ''),
    // Honoured on idempotent routes, ignored elsewhere: reused keys, too long, odd characters.
    'Idempotency-Key': fc.oneof(
      fc.uuid(),
      fc.constantFrom('fuzz-key-1', 'fuzz-key-2', ' ', 'k'.repeat(256)),
      headerText(40),
    ),
  },
  { requiredKeys: [] },
);

/** A body: mostly a mutated record of the route's fields, else any JSON, broken JSON, raw bytes or none. */
export function bodyText(fields: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<string | Buffer | undefined> {
  return fc.oneof(
    { weight: 20, arbitrary: mutatedRecord(fields).map(toJsonText) },
    { weight: 1, arbitrary: wrongType.map(toJsonText) },
    { weight: 3, arbitrary: malformedJsonText },
    { weight: 1, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 40 }).map((bytes) => Buffer.from(bytes)) },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );
}

export interface RouteShape {
  readonly operation: DocumentedOperation;
  readonly access: Access;
  /** Replaces :id in the path. */
  readonly pathId?: fc.Arbitrary<string>;
  /** The query string, "?..." or empty; by default now and then random junk (only the listing reads one). */
  readonly query?: fc.Arbitrary<string>;
  readonly body?: fc.Arbitrary<string | Buffer | undefined>;
}

/** Every request this route may be sent: its method, a fuzzed path, query, headers and body. */
export function requestsFor(
  shape: RouteShape,
  tokens: TokenMaterial,
  forged: Record<string, string>,
): fc.Arbitrary<FuzzRequest> {
  const { operation } = shape;
  return fc
    .record({
      id: shape.pathId ?? fc.constant(''),
      query: shape.query ?? fc.oneof({ weight: 3, arbitrary: fc.constant('') }, { weight: 1, arbitrary: queryString }),
      authorization: authorizationHeader(shape.access, tokens, forged),
      contentType: shape.body
        ? contentType
        : fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: contentType }),
      body:
        shape.body ??
        fc.oneof({ weight: 6, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: nastyString(40) }),
      incidental: incidentalHeaders,
    })
    .map(({ id, query, authorization, contentType: type, body, incidental }) => {
      const headers: Record<string, string> = { ...incidental };
      if (authorization !== null) headers['Authorization'] = authorization;
      if (type !== undefined && type !== null) headers['Content-Type'] = type;
      const path = operation.path.replace(':id', id) + query;
      // A body on a GET is legal HTTP that no route reads; it must change nothing.
      return { method: operation.method, path, headers, ...(body !== undefined ? { body } : {}) };
    });
}

/** gzip of a value's JSON text, for Content-Encoding cases. */
export const gzipJson = (value: unknown): Buffer => gzipSync(Buffer.from(JSON.stringify(value)));
