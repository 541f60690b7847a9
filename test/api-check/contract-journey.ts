import { randomUUID } from 'node:crypto';
import type { ContractClient } from './contract-client';

const API = '/api/v1';
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

export interface JourneySettings {
  readonly admin: { readonly email: string; readonly password: string };
  /** MAX_SEATS_PER_RESERVATION and MAX_SEATS_PER_MEMBER of the service under test. */
  readonly maxSeatsPerReservation: number;
  readonly maxSeatsPerMember: number;
  /** HOLD_TTL_SECONDS: short, so that a hold can be seen expiring. */
  readonly holdSeconds: number;
  /** RATE_LIMIT_LOGIN_PER_IP_PER_MINUTE and RATE_LIMIT_HOLDS_PER_MEMBER_PER_MINUTE of the rate-limited instance. */
  readonly loginsPerMinute: number;
  readonly holdsPerMemberPerMinute: number;
}

const performanceBody = (title: string, salesOpenAt: Date, overrides: Record<string, unknown> = {}) => {
  const startsAt = new Date(salesOpenAt.getTime() + 30 * DAY_MS);
  return {
    title,
    venue: 'Contract Hall',
    startsAt: startsAt.toISOString(),
    salesOpenAt: salesOpenAt.toISOString(),
    salesCloseAt: new Date(startsAt.getTime() - HOUR_MS).toISOString(),
    currency: 'KRW',
    grades: [
      { name: 'VIP', price: 150_000 },
      { name: 'R', price: 90_000 },
    ],
    sections: [
      { name: 'A', grade: 'VIP', rows: 2, seatsPerRow: 10 },
      { name: 'B', grade: 'R', rows: 3, seatsPerRow: 10 },
    ],
    ...overrides,
  };
};

const JSON_TYPE = /^application\/json/;
/** A well-formed HS256 JWT signed with a key the service does not have. */
const FORGED_TOKEN =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIwMTkwZjJjNC0xZDVlLTdhM2ItOWMxZC0yZTNmNGE1YjZjN2QiLCJyb2xlIjoiQURNSU4iLCJleHAiOjQxMDI0NDQ4MDB9.' +
  'c2lnbmVkLWJ5LWFub3RoZXIta2V5LW5vdC10aGUtc2VydmljZXM';
const PROBLEM_TYPE = /^application\/problem\+json/;
const REPLAYED = { 'idempotent-replayed': /^true$/ };

/**
 * The journey of the README (sign up, log in, me, browse, hold, confirm, list, cancel, admin
 * create) and every 4xx the document lists that a client can provoke, against a service with
 * its rate limits off. Cases the document allows go through the strict proxy; cases outside
 * the document's bounds through the lenient one, which must see the request as invalid.
 */
export async function runJourney(client: ContractClient, settings: JourneySettings): Promise<void> {
  const suffix = randomUUID().slice(0, 8);
  const password = 'correct horse battery staple';
  const emailOf = (who: string) => `${who}-${suffix}@example.com`;

  // Members and tokens.
  const signedUp = await client.check(
    'sign up',
    'strict',
    { method: 'POST', path: `${API}/members`, body: { email: emailOf('alice'), password, name: 'Alice' } },
    { status: 201, headers: { location: /^\/api\/v1\/members\/me$/, 'content-type': JSON_TYPE } },
  );
  await client.check(
    'sign up bob',
    'strict',
    { method: 'POST', path: `${API}/members`, body: { email: emailOf('bob'), password, name: '  Bob  ' } },
    { status: 201 },
  );
  await client.check(
    'sign up again with the same email, in another case',
    'strict',
    { method: 'POST', path: `${API}/members`, body: { email: emailOf('ALICE'), password, name: 'Alice' } },
    { status: 409, code: 'EMAIL_TAKEN', headers: { 'content-type': PROBLEM_TYPE } },
  );
  const logIn = (who: string, pass = password) =>
    client.check(
      `log in as ${who}`,
      'strict',
      { method: 'POST', path: `${API}/auth/login`, body: { email: who, password: pass } },
      { status: 200 },
    );
  const alice = (await logIn(emailOf('alice'))).body?.accessToken as string;
  const bob = (await logIn(emailOf('bob'))).body?.accessToken as string;
  const admin = (await logIn(settings.admin.email, settings.admin.password)).body?.accessToken as string;
  await client.check(
    'log in with a wrong password',
    'strict',
    { method: 'POST', path: `${API}/auth/login`, body: { email: emailOf('alice'), password: 'not the password' } },
    { status: 401, code: 'INVALID_CREDENTIALS', headers: { 'www-authenticate': /^Bearer/ } },
  );
  await client.check(
    'log in with an unknown email',
    'strict',
    { method: 'POST', path: `${API}/auth/login`, body: { email: emailOf('nobody'), password } },
    { status: 401, code: 'INVALID_CREDENTIALS' },
  );
  const me = await client.check(
    'me',
    'strict',
    { method: 'GET', path: `${API}/members/me`, token: alice },
    { status: 200 },
  );
  if (me.body?.id !== signedUp.body?.id) client.fail('me is not the member who signed up');
  await client.check(
    'me with a garbage token',
    'strict',
    { method: 'GET', path: `${API}/members/me`, token: 'not.a.token' },
    { status: 401, code: 'INVALID_TOKEN', headers: { 'www-authenticate': /invalid_token/ } },
  );
  await client.check(
    'me without a token',
    'lenient',
    { method: 'GET', path: `${API}/members/me` },
    { status: 401, code: 'UNAUTHENTICATED', headers: { 'www-authenticate': /^Bearer/ } },
  );

  // Sign-up bounds the document states; the service refuses past them.
  const signUp = (name: string, body: Record<string, unknown>, status: number, code: string) =>
    client.check(name, 'lenient', { method: 'POST', path: `${API}/members`, body }, { status, code });
  await signUp(
    'password shorter than minLength',
    { email: emailOf('c1'), password: 'shorty1', name: 'C' },
    422,
    'WEAK_PASSWORD',
  );
  await signUp(
    'password longer than maxLength',
    { email: emailOf('c2'), password: 'ab1'.repeat(43), name: 'C' },
    422,
    'WEAK_PASSWORD',
  );
  await signUp('email without the pattern', { email: 'not-an-email', password, name: 'C' }, 422, 'INVALID_EMAIL');
  await signUp(
    'email without a dot in its domain',
    { email: `c3-${suffix}@localhost`, password, name: 'C' },
    422,
    'INVALID_EMAIL',
  );
  await signUp('name of white space only', { email: emailOf('c4'), password, name: '   ' }, 422, 'VALIDATION_FAILED');
  await signUp(
    'name longer than its trimmed bound',
    { email: emailOf('c5'), password, name: 'n'.repeat(101) },
    422,
    'VALIDATION_FAILED',
  );
  await signUp(
    'a property the schema does not have',
    { email: emailOf('c6'), password, name: 'C', role: 'ADMIN' },
    400,
    'VALIDATION_FAILED',
  );
  await signUp(
    'email past the input maxLength',
    { email: `${'e'.repeat(320)}@example.com`, password, name: 'C' },
    400,
    'VALIDATION_FAILED',
  );
  // No MALFORMED_JSON case: Prism's own server answers a body that is not JSON before any
  // proxying (400 invalid_json); the fuzz suites hold the service's answer to the document.
  await client.check(
    'sign up with another media type',
    'lenient',
    { method: 'POST', path: `${API}/members`, rawBody: 'email=a', headers: { 'content-type': 'text/plain' } },
    { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
  );
  await client.check(
    'log in with a password past maxLength',
    'lenient',
    { method: 'POST', path: `${API}/auth/login`, body: { email: emailOf('alice'), password: 'p'.repeat(1025) } },
    { status: 400, code: 'VALIDATION_FAILED' },
  );

  // The admin creates performances; nobody else may.
  const now = Date.now();
  const onSale = await client.check(
    'admin creates a performance on sale',
    'strict',
    {
      method: 'POST',
      path: `${API}/performances`,
      token: admin,
      body: performanceBody(`On sale ${suffix}`, new Date(now - HOUR_MS)),
    },
    { status: 201, headers: { location: /^\/api\/v1\/performances\/[0-9a-f-]{36}$/ } },
  );
  const performanceId = onSale.body?.id as string;
  const later = await client.check(
    'admin creates a performance whose sales open later',
    'strict',
    {
      method: 'POST',
      path: `${API}/performances`,
      token: admin,
      body: performanceBody(`Later ${suffix}`, new Date(now + DAY_MS)),
    },
    { status: 201 },
  );
  await client.check(
    'a member may not create a performance',
    'strict',
    { method: 'POST', path: `${API}/performances`, token: alice, body: performanceBody('Not mine', new Date(now)) },
    { status: 403, code: 'FORBIDDEN' },
  );
  const createOutside = (
    name: string,
    overrides: Record<string, unknown>,
    status = 422,
    code = 'INVALID_PERFORMANCE',
  ) =>
    client.check(
      name,
      'lenient',
      {
        method: 'POST',
        path: `${API}/performances`,
        token: admin,
        body: performanceBody(`Refused ${suffix}`, new Date(now), overrides),
      },
      { status, code },
    );
  const section = (fields: Record<string, unknown>) => [
    { name: 'A', grade: 'VIP', rows: 2, seatsPerRow: 10, ...fields },
  ];
  await createOutside('rows below minimum', { sections: section({ rows: 0 }) });
  await createOutside('rows above maximum', { sections: section({ rows: 100_000 }) });
  await createOutside('seatsPerRow above maximum', { sections: section({ seatsPerRow: 201 }) });
  await createOutside('section name with a dash', { sections: section({ name: 'A-1' }) });
  await createOutside('grade name with surrounding spaces', {
    grades: [{ name: 'VIP ', price: 1 }],
    sections: section({ grade: 'VIP ' }),
  });
  await createOutside('no grades', { grades: [] });
  await createOutside('no sections', { sections: [] });
  await createOutside('a blank title', { title: '   ' });
  await createOutside('a date before the year 1000', { startsAt: '0999-12-31T00:00:00Z' });
  await createOutside(
    'a negative price',
    { grades: [{ name: 'VIP', price: -1 }], sections: section({}) },
    400,
    'VALIDATION_FAILED',
  );
  await createOutside(
    'a price past 2^53 - 1',
    { grades: [{ name: 'VIP', price: 2 ** 53 }], sections: section({}) },
    400,
    'VALIDATION_FAILED',
  );
  await createOutside('a currency that is no ISO code', { currency: 'won' }, 400, 'VALIDATION_FAILED');
  await client.check(
    'a body past the size limit',
    'lenient',
    {
      method: 'POST',
      path: `${API}/performances`,
      token: admin,
      body: performanceBody('Too big', new Date(now), { venue: 'v'.repeat(70_000) }),
    },
    { status: 413, code: 'PAYLOAD_TOO_LARGE' },
  );

  // Browsing.
  await client.check(
    'list performances',
    'strict',
    { method: 'GET', path: `${API}/performances?page=1&size=10` },
    { status: 200 },
  );
  await client.check(
    'list performances, defaults',
    'strict',
    { method: 'GET', path: `${API}/performances` },
    { status: 200 },
  );
  await client.check(
    'list performances, size past maximum',
    'lenient',
    { method: 'GET', path: `${API}/performances?size=101` },
    { status: 400, code: 'VALIDATION_FAILED' },
  );
  await client.check(
    'list performances, page below minimum',
    'lenient',
    { method: 'GET', path: `${API}/performances?page=0` },
    { status: 400, code: 'VALIDATION_FAILED' },
  );
  await client.check(
    'get a performance',
    'strict',
    { method: 'GET', path: `${API}/performances/${performanceId}` },
    { status: 200 },
  );
  await client.check(
    'get an unknown performance',
    'strict',
    { method: 'GET', path: `${API}/performances/${randomUUID()}` },
    { status: 404, code: 'PERFORMANCE_NOT_FOUND' },
  );
  await client.check(
    'get a performance by a malformed id',
    'lenient',
    { method: 'GET', path: `${API}/performances/not-a-uuid` },
    { status: 400, code: 'INVALID_ID' },
  );
  const seatMap = await client.check(
    'seat map',
    'strict',
    { method: 'GET', path: `${API}/performances/${performanceId}/seats` },
    { status: 200 },
  );
  await client.check(
    'seat map of an unknown performance',
    'strict',
    { method: 'GET', path: `${API}/performances/${randomUUID()}/seats` },
    { status: 404, code: 'PERFORMANCE_NOT_FOUND' },
  );
  const seats: string[] = (seatMap.body?.seats ?? []).map((seat: { id: string }) => seat.id);
  const laterSeats = await client.check(
    'seat map of the later performance',
    'strict',
    { method: 'GET', path: `${API}/performances/${later.body?.id as string}/seats` },
    { status: 200 },
  );
  const laterSeat = laterSeats.body?.seats?.[0]?.id as string;
  let nextSeat = 0;
  const take = (count: number) => seats.slice(nextSeat, (nextSeat += count));

  // Holds.
  const hold = (
    name: string,
    token: string,
    seatIds: readonly string[],
    expected: { status: number; code?: string; headers?: Record<string, RegExp> },
    key?: string,
    id = performanceId,
  ) =>
    client.check(
      name,
      'strict',
      {
        method: 'POST',
        path: `${API}/reservations`,
        token,
        body: { performanceId: id, seatIds },
        ...(key && { headers: { 'Idempotency-Key': key } }),
      },
      expected,
    );
  const key = `contract-${suffix}`;
  const expiring = await hold('hold a seat that will expire', bob, take(1), { status: 201 });
  const expiringAt = Date.now() + settings.holdSeconds * 1000;
  const heldSeats = take(2);
  const held = await hold(
    'hold two seats with an Idempotency-Key',
    alice,
    heldSeats,
    { status: 201, headers: { location: /^\/api\/v1\/reservations\// } },
    key,
  );
  const reservationId = held.body?.id as string;
  await hold(
    'the same hold again: the first answer replayed',
    alice,
    heldSeats,
    { status: 201, headers: REPLAYED },
    key,
  );
  await hold('the same key for another request', alice, take(1), { status: 422, code: 'IDEMPOTENCY_KEY_REUSED' }, key);
  await client.check(
    'an Idempotency-Key past its pattern',
    'lenient',
    {
      method: 'POST',
      path: `${API}/reservations`,
      token: alice,
      body: { performanceId, seatIds: take(1) },
      headers: { 'Idempotency-Key': 'k'.repeat(256) },
    },
    { status: 400, code: 'INVALID_IDEMPOTENCY_KEY' },
  );
  await hold('seats someone else holds', bob, heldSeats, { status: 409, code: 'SEAT_UNAVAILABLE' });
  await hold(
    'a performance whose sales are not open',
    alice,
    [laterSeat],
    { status: 422, code: 'SALES_CLOSED' },
    undefined,
    later.body?.id as string,
  );
  await hold('a seat of another performance', bob, [laterSeat], { status: 422, code: 'SEAT_NOT_FOUND' });
  await hold(
    'an unknown performance',
    bob,
    take(1),
    { status: 404, code: 'PERFORMANCE_NOT_FOUND' },
    undefined,
    randomUUID(),
  );
  await hold(
    "more than the member's seat cap across reservations",
    alice,
    take(Math.min(settings.maxSeatsPerReservation, settings.maxSeatsPerMember - 1)),
    { status: 422, code: 'MEMBER_SEAT_LIMIT' },
  );
  const priciest = await client.check(
    'admin creates a performance priced at the largest amount',
    'strict',
    {
      method: 'POST',
      path: `${API}/performances`,
      token: admin,
      body: performanceBody(`Priciest ${suffix}`, new Date(now - HOUR_MS), {
        grades: [{ name: 'VIP', price: Number.MAX_SAFE_INTEGER }],
        sections: [{ name: 'A', grade: 'VIP', rows: 1, seatsPerRow: 2 }],
      }),
    },
    { status: 201 },
  );
  const priciestSeats = await client.check(
    'seat map of the priciest performance',
    'strict',
    { method: 'GET', path: `${API}/performances/${priciest.body?.id as string}/seats` },
    { status: 200 },
  );
  await hold(
    'seats whose total price exceeds the largest amount',
    bob,
    (priciestSeats.body?.seats ?? []).map((seat: { id: string }) => seat.id),
    { status: 422, code: 'VALIDATION_FAILED' },
    undefined,
    priciest.body?.id as string,
  );
  const holdOutside = (name: string, seatIds: readonly string[], status: number, code: string) =>
    client.check(
      name,
      'lenient',
      { method: 'POST', path: `${API}/reservations`, token: bob, body: { performanceId, seatIds } },
      { status, code },
    );
  await holdOutside(
    'more seats than maxItems (MAX_SEATS_PER_RESERVATION)',
    take(settings.maxSeatsPerReservation + 1),
    422,
    'TOO_MANY_SEATS',
  );
  const twice = take(1)[0]!;
  await holdOutside('the same seat twice (uniqueItems)', [twice, twice], 422, 'DUPLICATE_SEATS');
  await holdOutside('no seats (minItems)', [], 400, 'VALIDATION_FAILED');
  await holdOutside('a seat id that is no UUID', ['seat-1'], 400, 'VALIDATION_FAILED');

  // Confirm, read, list, cancel.
  const confirmPath = `${API}/reservations/${reservationId}/confirm`;
  await client.check('confirm', 'strict', { method: 'POST', path: confirmPath, token: alice }, { status: 200 });
  await client.check(
    'confirm again: the same answer',
    'strict',
    { method: 'POST', path: confirmPath, token: alice },
    { status: 200 },
  );
  await client.check(
    "confirm someone else's reservation",
    'strict',
    { method: 'POST', path: confirmPath, token: bob },
    { status: 404, code: 'RESERVATION_NOT_FOUND' },
  );
  await client.check(
    'get the reservation',
    'strict',
    { method: 'GET', path: `${API}/reservations/${reservationId}`, token: alice },
    { status: 200 },
  );
  await client.check(
    'the admin gets it too',
    'strict',
    { method: 'GET', path: `${API}/reservations/${reservationId}`, token: admin },
    { status: 200 },
  );
  await client.check(
    "get someone else's reservation",
    'strict',
    { method: 'GET', path: `${API}/reservations/${reservationId}`, token: bob },
    { status: 404, code: 'RESERVATION_NOT_FOUND' },
  );
  await client.check(
    'get an unknown reservation',
    'strict',
    { method: 'GET', path: `${API}/reservations/${randomUUID()}`, token: alice },
    { status: 404, code: 'RESERVATION_NOT_FOUND' },
  );
  const mine = await client.check(
    'my reservations, first page',
    'strict',
    { method: 'GET', path: `${API}/members/me/reservations?page=1&size=1`, token: alice },
    { status: 200 },
  );
  if (mine.body?.total !== 1 || mine.body?.items?.[0]?.id !== reservationId) {
    client.fail(
      `listed ${JSON.stringify(mine.body?.items?.map((item: { id: string }) => item.id))} of ${mine.body?.total}`,
    );
  }
  await client.check(
    'my reservations, defaults',
    'strict',
    { method: 'GET', path: `${API}/members/me/reservations`, token: bob },
    { status: 200 },
  );
  await client.check(
    'my reservations, size past maximum',
    'lenient',
    { method: 'GET', path: `${API}/members/me/reservations?size=1000`, token: alice },
    { status: 400, code: 'VALIDATION_FAILED' },
  );
  const cancelPath = `${API}/reservations/${reservationId}/cancel`;
  await client.check('cancel', 'strict', { method: 'POST', path: cancelPath, token: alice }, { status: 200 });
  const again = await client.check(
    'cancel again: the same answer',
    'strict',
    { method: 'POST', path: cancelPath, token: alice },
    { status: 200 },
  );
  if (again.body?.status !== 'CANCELLED') client.fail(`status ${String(again.body?.status)}`);
  await client.check(
    'confirm a cancelled reservation',
    'strict',
    { method: 'POST', path: confirmPath, token: alice },
    { status: 409, code: 'RESERVATION_NOT_ACTIVE' },
  );
  await client.check(
    'cancel a reservation by a malformed id',
    'lenient',
    { method: 'POST', path: `${API}/reservations/123/cancel`, token: alice },
    { status: 400, code: 'INVALID_ID' },
  );

  // Every route that needs a token, without one (the document requires it) and with a refused one.
  const tokenRoutes: [string, 'GET' | 'POST', string, unknown?][] = [
    ['create a performance', 'POST', `${API}/performances`, performanceBody(`No token ${suffix}`, new Date(now))],
    ['hold', 'POST', `${API}/reservations`, { performanceId, seatIds: take(1) }],
    ['confirm', 'POST', confirmPath],
    ['cancel', 'POST', cancelPath],
    ['get a reservation', 'GET', `${API}/reservations/${reservationId}`],
    ['my reservations', 'GET', `${API}/members/me/reservations`],
  ];
  for (const [name, method, path, body] of tokenRoutes) {
    await client.check(
      `${name} without a token`,
      'lenient',
      { method, path, body },
      { status: 401, code: 'UNAUTHENTICATED' },
    );
    await client.check(
      `${name} with a token signed by another key`,
      'strict',
      { method, path, body, token: FORGED_TOKEN },
      { status: 401, code: 'INVALID_TOKEN' },
    );
  }
  for (const [name, method, path] of [
    ['seat map', 'GET', `${API}/performances/x/seats`],
    ['confirm', 'POST', `${API}/reservations/x/confirm`],
    ['get a reservation', 'GET', `${API}/reservations/x`],
  ] as const) {
    await client.check(
      `${name} by a malformed id`,
      'lenient',
      { method, path, token: alice },
      { status: 400, code: 'INVALID_ID' },
    );
  }
  for (const [name, path, token] of [
    ['log in', `${API}/auth/login`, undefined],
    ['create a performance', `${API}/performances`, admin],
    ['hold', `${API}/reservations`, alice],
  ] as const) {
    await client.check(
      `${name} with another media type`,
      'lenient',
      { method: 'POST', path, token, rawBody: 'a=b', headers: { 'content-type': 'text/plain' } },
      { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
    );
  }
  for (const [name, path, token, body] of [
    ['sign up', `${API}/members`, undefined, { email: emailOf('big'), password, name: 'n'.repeat(70_000) }],
    ['log in', `${API}/auth/login`, undefined, { email: emailOf('alice'), password: 'p'.repeat(70_000) }],
    [
      'hold',
      `${API}/reservations`,
      alice,
      { performanceId, seatIds: Array.from({ length: 1_900 }, () => randomUUID()) },
    ],
  ] as const) {
    await client.check(
      `${name} with a body past the size limit`,
      'lenient',
      { method: 'POST', path, token, body },
      { status: 413, code: 'PAYLOAD_TOO_LARGE' },
    );
  }
  const confirmKey = `confirm-${suffix}`;
  await client.check(
    'confirm with an Idempotency-Key (the answer is recorded)',
    'strict',
    { method: 'POST', path: confirmPath, token: alice, headers: { 'Idempotency-Key': confirmKey } },
    { status: 409, code: 'RESERVATION_NOT_ACTIVE' },
  );
  await client.check(
    'the same Idempotency-Key to confirm another reservation',
    'strict',
    {
      method: 'POST',
      path: `${API}/reservations/${randomUUID()}/confirm`,
      token: alice,
      headers: { 'Idempotency-Key': confirmKey },
    },
    { status: 422, code: 'IDEMPOTENCY_KEY_REUSED' },
  );
  await client.check(
    'confirm with an Idempotency-Key past its pattern',
    'lenient',
    { method: 'POST', path: confirmPath, token: alice, headers: { 'Idempotency-Key': 'k'.repeat(300) } },
    { status: 400, code: 'INVALID_IDEMPOTENCY_KEY' },
  );
  await client.check(
    'cancel an unknown reservation',
    'strict',
    { method: 'POST', path: `${API}/reservations/${randomUUID()}/cancel`, token: alice },
    { status: 404, code: 'RESERVATION_NOT_FOUND' },
  );

  // The hold made first has expired by now (HOLD_TTL_SECONDS is short here).
  const wait = expiringAt + 250 - Date.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  const expiredPath = `${API}/reservations/${expiring.body?.id as string}`;
  await client.check(
    'confirm an expired hold',
    'strict',
    { method: 'POST', path: `${expiredPath}/confirm`, token: bob },
    { status: 409, code: 'HOLD_EXPIRED' },
  );
  await client.check(
    'cancel an expired hold',
    'strict',
    { method: 'POST', path: `${expiredPath}/cancel`, token: bob },
    { status: 409, code: 'RESERVATION_NOT_ACTIVE' },
  );

  // Documentation and probes.
  await client.check('the OpenAPI document', 'strict', { method: 'GET', path: '/openapi.json' }, { status: 200 });
  await client.check('the docs page', 'strict', { method: 'GET', path: '/docs' }, { status: 200 });
  await client.check('liveness', 'strict', { method: 'GET', path: '/healthz' }, { status: 200 });
  await client.check('readiness', 'strict', { method: 'GET', path: '/readyz' }, { status: 200 });
}

/**
 * Against the instance with rate limits on (small quotas): the RateLimit headers on answers
 * counted, and 429 RATE_LIMITED with Retry-After on every rate-limited operation.
 */
export async function runRateLimitCases(client: ContractClient, settings: JourneySettings): Promise<void> {
  const loginHeaders = { ratelimit: /^"login-per-ip";r=\d+;t=\d+$/, 'ratelimit-policy': /^"login-per-ip";q=\d+;w=60$/ };
  const perIp = { ratelimit: /^"per-ip";r=\d+;t=\d+$/, 'ratelimit-policy': /^"per-ip";q=\d+;w=60$/ };
  const limited = { 'retry-after': /^\d+$/ };
  const suffix = randomUUID().slice(0, 8);
  const rita = { email: `rita-${suffix}@example.com`, password: 'correct horse battery staple' };
  const logIn = (name: string, body: object, status = 200) =>
    client.check(
      name,
      'limited',
      { method: 'POST', path: `${API}/auth/login`, body },
      status === 200
        ? { status, headers: loginHeaders }
        : { status, code: 'RATE_LIMITED', headers: { ...loginHeaders, ...limited } },
    );

  const admin = (await logIn('log in (login quota 1 of 3)', settings.admin)).body?.accessToken as string;
  await client.check(
    'sign up (per-address quota)',
    'limited',
    { method: 'POST', path: `${API}/members`, body: { ...rita, name: 'Rita' } },
    { status: 201, headers: perIp },
  );
  const token = (await logIn('log in (login quota 2 of 3)', rita)).body?.accessToken as string;
  await logIn('log in (login quota 3 of 3)', rita);
  await logIn('log in past the login quota', rita, 429);

  const performance = await client.check(
    'create a performance (per-address quota)',
    'limited',
    {
      method: 'POST',
      path: `${API}/performances`,
      token: admin,
      body: performanceBody(`Limited ${suffix}`, new Date(Date.now() - HOUR_MS)),
    },
    { status: 201, headers: perIp },
  );
  const performanceId = performance.body?.id as string;
  const seatMap = await client.check(
    'seat map (per-address quota)',
    'limited',
    { method: 'GET', path: `${API}/performances/${performanceId}/seats` },
    { status: 200, headers: perIp },
  );
  const seats: string[] = (seatMap.body?.seats ?? []).map((seat: { id: string }) => seat.id);
  const holdHeaders = {
    ratelimit: /^"holds-per-ip";r=\d+;t=\d+, "holds-per-member";r=\d+;t=\d+$/,
    'ratelimit-policy': /^"holds-per-ip";q=\d+;w=60, "holds-per-member";q=\d+;w=60$/,
  };
  const hold = (
    name: string,
    seatId: string,
    expected: { status: number; code?: string; headers: Record<string, RegExp> },
  ) =>
    client.check(
      name,
      'limited',
      { method: 'POST', path: `${API}/reservations`, token, body: { performanceId, seatIds: [seatId] } },
      expected,
    );
  let reservationId = '';
  for (let attempt = 1; attempt <= settings.holdsPerMemberPerMinute; attempt++) {
    const held = await hold(`hold (member quota ${attempt} of ${settings.holdsPerMemberPerMinute})`, seats[attempt]!, {
      status: 201,
      headers: holdHeaders,
    });
    reservationId ||= held.body?.id as string;
  }
  await hold('hold past the member quota', seats[0]!, {
    status: 429,
    code: 'RATE_LIMITED',
    headers: { ...holdHeaders, ...limited },
  });

  // Spend what is left of the per-address quota, as the RateLimit header counts it.
  const remaining = Number(/r=(\d+)/.exec(seatMap.headers.get('ratelimit') ?? '')?.[1] ?? '0');
  for (let request = 1; request <= remaining; request++) {
    await client.check(
      `browse (per-address quota, ${request} of the ${remaining} left)`,
      'limited',
      { method: 'GET', path: `${API}/performances` },
      { status: 200, headers: perIp },
    );
  }
  const refused: [string, 'GET' | 'POST', string, string?, unknown?][] = [
    [
      'sign up',
      'POST',
      `${API}/members`,
      undefined,
      { email: `late-${suffix}@example.com`, password: rita.password, name: 'Late' },
    ],
    ['me', 'GET', `${API}/members/me`, token],
    ['create a performance', 'POST', `${API}/performances`, admin, performanceBody(`Late ${suffix}`, new Date())],
    ['list performances', 'GET', `${API}/performances`],
    ['get a performance', 'GET', `${API}/performances/${performanceId}`],
    ['seat map', 'GET', `${API}/performances/${performanceId}/seats`],
    ['confirm', 'POST', `${API}/reservations/${reservationId}/confirm`, token],
    ['cancel', 'POST', `${API}/reservations/${reservationId}/cancel`, token],
    ['get a reservation', 'GET', `${API}/reservations/${reservationId}`, token],
    ['my reservations', 'GET', `${API}/members/me/reservations`, token],
    ['the OpenAPI document', 'GET', '/openapi.json'],
    ['the docs page', 'GET', '/docs'],
  ];
  for (const [name, method, path, bearer, body] of refused) {
    await client.check(
      `${name} past the per-address quota`,
      'limited',
      { method, path, token: bearer, body },
      { status: 429, code: 'RATE_LIMITED', headers: { ...perIp, ...limited } },
    );
  }
  await client.check('probes are never limited', 'limited', { method: 'GET', path: '/readyz' }, { status: 200 });
}

/** Answers of one operation (method and path template) that the cases saw. */
export function exercised(client: ContractClient): Map<string, Set<string>> {
  const seen = new Map<string, Set<string>>();
  for (const result of client.results) {
    if (result.failures.length > 0) continue;
    if (!seen.has(result.operation)) seen.set(result.operation, new Set());
    seen.get(result.operation)!.add(result.actual);
  }
  return seen;
}
