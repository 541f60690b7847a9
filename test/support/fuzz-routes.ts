import fc from 'fast-check';
import type { DocumentedOperation } from './api-contract';
import {
  boundaryString,
  nastyNumber,
  nastyString,
  pathId,
  queryString,
  toJsonText,
  withOneFieldReplaced,
} from './fuzz-arbitraries';
import { performanceBodies } from './fuzz-bodies';
import { bodyText, type Access, type FuzzRequest, type RouteShape } from './fuzz-requests';
import { API, type ApiClient, type ApiMember } from '../../testkit/api-client';
import { performanceBody, type PerformanceBody } from '../../testkit/performance-body';
import { DAY } from '../../testkit/time';
import type { RawResponse } from './raw-http';

/** What the route fuzzers aim at: two members, three performances, three reservations. */
export interface FuzzFixture {
  readonly nowMs: number;
  readonly alice: ApiMember;
  readonly bob: ApiMember;
  readonly adminToken: string;
  readonly onSale: string;
  readonly other: string;
  readonly closed: string;
  /** On sale through a waiting room. */
  readonly queued: string;
  readonly onSaleSeats: readonly string[];
  readonly otherSeats: readonly string[];
  readonly alicePending: string;
  readonly aliceConfirmed: string;
  readonly bobPending: string;
  /** A ticket of aliceConfirmed, with its signed code. */
  readonly aliceTicket: { readonly id: string; readonly code: string };
  /** A webhook to a public address literal (no DNS needed), registered last. */
  readonly webhook: string;
}

/** Creates the fixture over HTTP, as any client would, on whatever stores the service runs on. */
export async function createFuzzFixture(api: ApiClient, adminToken: string, nowMs: number): Promise<FuzzFixture> {
  const alice = await api.newMember();
  const bob = await api.newMember();
  const performance = async (
    title: string,
    openOffsetMs: number,
    sections: PerformanceBody['sections'],
    waitingRoom?: PerformanceBody['waitingRoom'],
  ) =>
    (
      await api.createPerformance(
        adminToken,
        performanceBody(nowMs, {
          title,
          venue: 'Fuzz Hall',
          salesOpenAt: new Date(nowMs + openOffsetMs).toISOString(),
          salesCloseAt: new Date(nowMs + openOffsetMs + 20 * DAY).toISOString(),
          sections,
          ...(waitingRoom && { waitingRoom }),
        }),
      )
    ).id as string;
  const onSale = await performance('Fuzz On Sale', -DAY, [
    { name: 'A', grade: 'VIP', rows: 5, seatsPerRow: 10 },
    { name: 'B', grade: 'R', rows: 5, seatsPerRow: 10 },
  ]);
  const other = await performance('Fuzz Other', -DAY, [{ name: 'A', grade: 'VIP', rows: 2, seatsPerRow: 5 }]);
  const closed = await performance('Fuzz Not Yet', DAY, [{ name: 'A', grade: 'VIP', rows: 2, seatsPerRow: 5 }]);
  const queued = await performance('Fuzz Queued', -DAY, [{ name: 'A', grade: 'VIP', rows: 1, seatsPerRow: 5 }], {
    admitPerMinute: 60,
  });
  const onSaleSeats = await api.seatIds(onSale);
  const otherSeats = await api.seatIds(other);
  const hold = async (member: ApiMember, seatIds: string[]) =>
    (
      await api.expect(201, 'POST', `${API}/reservations`, {
        token: member.token,
        body: { performanceId: onSale, seatIds },
      })
    ).id as string;
  const alicePending = await hold(alice, onSaleSeats.slice(0, 2));
  const aliceConfirmed = await hold(alice, onSaleSeats.slice(2, 4));
  await api.expect(200, 'POST', `${API}/reservations/${aliceConfirmed}/confirm`, { token: alice.token });
  const bobPending = await hold(bob, onSaleSeats.slice(4, 5));
  const [aliceTicket] = (await api.expect(200, 'GET', `${API}/reservations/${aliceConfirmed}`, { token: alice.token }))
    .tickets;
  const webhook = (await api.registerWebhook(adminToken, 'https://8.8.8.8/hooks', ['reservation.expired']))
    .id as string;
  return {
    nowMs,
    alice,
    bob,
    adminToken,
    onSale,
    other,
    closed,
    queued,
    onSaleSeats,
    otherSeats,
    alicePending,
    aliceConfirmed,
    bobPending,
    aliceTicket: { id: aliceTicket.id, code: aliceTicket.code },
    webhook,
  };
}

/** The part of the state any client can read: the listing, the fixture seat maps, the fixture members' reservations. */
export async function observeThroughApi(api: ApiClient, fixture: FuzzFixture): Promise<string> {
  const parts: unknown[] = [];
  for (let page = 1; ; page++) {
    const listing = await api.expect(200, 'GET', `${API}/performances?page=${page}&size=100`);
    parts.push(listing.items);
    if (page * 100 >= listing.total) break;
  }
  for (const id of [fixture.onSale, fixture.other, fixture.closed]) {
    const seats = await api.expect(200, 'GET', `${API}/performances/${id}/seats`);
    parts.push(seats.seats.map((seat: { status: string }) => seat.status[0]).join(''));
  }
  for (const member of [fixture.alice, fixture.bob]) {
    parts.push(
      (await api.expect(200, 'GET', `${API}/members/me/reservations?size=100`, { token: member.token })).items,
    );
  }
  return JSON.stringify(parts);
}

/** One route's fuzzer: how to aim at it, and what a success must look like. */
export interface RouteFuzzer {
  readonly method: string;
  readonly path: string;
  readonly access: Access;
  shape(fixture: FuzzFixture, operation: DocumentedOperation): RouteShape;
  check?(fixture: FuzzFixture, request: FuzzRequest, response: RawResponse): void;
}

const fail = (message: string): never => {
  throw new Error(message);
};

/** A sign-up body (`POST /members`, and `POST /staff` which takes the same): valid, taken, hostile. */
function signUpBody(fixture: FuzzFixture): fc.Arbitrary<string | Buffer | undefined> {
  const email = fc.oneof(
    { weight: 4, arbitrary: fc.emailAddress() },
    {
      weight: 1,
      arbitrary: fc.constantFrom(fixture.alice.email, fixture.alice.email.toUpperCase(), ` ${fixture.alice.email} `),
    },
    { weight: 2, arbitrary: nastyString() },
    { weight: 1, arbitrary: boundaryString.map((local) => `${local}@example.com`) },
    {
      weight: 1,
      arbitrary: fc.constantFrom('🎵@example.com', 'a@b.c\u0000', 'x@例え.jp', `${'a'.repeat(240)}@example.com`),
    },
  );
  const password = fc.oneof(
    { weight: 4, arbitrary: fc.string({ minLength: 8, maxLength: 40 }) },
    { weight: 2, arbitrary: nastyString() },
    { weight: 1, arbitrary: boundaryString },
    { weight: 1, arbitrary: fc.constantFrom('password', 'aaaaaaaa', 'abcabcab', '🎵🎵🎵🎵🎵🎵🎵🎵') },
  );
  const name = fc.oneof(
    { weight: 4, arbitrary: fc.string({ minLength: 1, maxLength: 100 }) },
    { weight: 2, arbitrary: nastyString() },
    { weight: 2, arbitrary: boundaryString },
  );
  return bodyText({ email, password, name });
}

/** Every operation of the API and how to fuzz it. */
export const ROUTE_FUZZERS: readonly RouteFuzzer[] = [
  {
    method: 'POST',
    path: `${API}/members`,
    access: 'anyone',
    shape: (fixture, operation) => ({ operation, access: 'anyone', body: signUpBody(fixture) }),
    check: (fixture, request, response) => {
      if (response.status === 201 && response.json.role !== 'USER') fail(`a sign-up made a ${response.json.role}`);
    },
  },
  {
    method: 'POST',
    path: `${API}/staff`,
    access: 'admin',
    shape: (fixture, operation) => ({ operation, access: 'admin', body: signUpBody(fixture) }),
    check: (fixture, request, response) => {
      if (response.status === 201 && response.json.role !== 'STAFF')
        fail(`a staff sign-up made a ${response.json.role}`);
    },
  },
  {
    method: 'GET',
    path: `${API}/tickets/:id/qr.svg`,
    access: 'member',
    shape: (fixture, operation) => ({ operation, access: 'member', pathId: pathId([fixture.aliceTicket.id]) }),
  },
  {
    method: 'POST',
    path: `${API}/check-ins`,
    // STAFF or ADMIN: the fuzzer's admin token stands for the doors, a member's is refused.
    access: 'admin',
    shape: (fixture, operation) => {
      const code = fixture.aliceTicket.code;
      const flip = fc
        .integer({ min: 0, max: code.length - 1 })
        .map((at) => `${code.slice(0, at)}${code[at] === 'A' ? 'B' : 'A'}${code.slice(at + 1)}`);
      const codes = fc.oneof(
        { weight: 1, arbitrary: fc.constant(code) },
        { weight: 3, arbitrary: flip },
        { weight: 2, arbitrary: nastyString() },
        { weight: 1, arbitrary: boundaryString },
      );
      return { operation, access: 'admin', body: bodyText({ code: codes }) };
    },
    check: (fixture, request, response) => {
      // Only the real code checks in; anything else is refused.
      if (response.status === 200 && response.json.ticketId !== fixture.aliceTicket.id) {
        fail(`checked in ${response.json.ticketId}`);
      }
    },
  },
  {
    method: 'POST',
    path: `${API}/auth/login`,
    access: 'anyone',
    shape: (fixture, operation) => {
      const email = fc.oneof(
        fc.constant(fixture.alice.email),
        fc.constant(fixture.alice.email.toUpperCase()),
        fc.emailAddress(),
        nastyString(),
        boundaryString,
      );
      const password = fc.oneof(fc.constant(fixture.alice.password), nastyString(), boundaryString);
      return { operation, access: 'anyone', body: bodyText({ email, password }) };
    },
  },
  {
    method: 'GET',
    path: `${API}/members/me`,
    access: 'member',
    shape: (fixture, operation) => ({ operation, access: 'member' }),
    // Only Alice's genuine token gets through (every forged one claims ADMIN), and it shows Alice.
    check: (fixture, request, response) => {
      if (response.status === 200 && response.json.id !== fixture.alice.id) fail(`showed member ${response.json.id}`);
    },
  },
  {
    method: 'GET',
    path: `${API}/members/me/reservations`,
    access: 'member',
    shape: (fixture, operation) => ({ operation, access: 'member' }),
    check: (fixture, request, response) => {
      if (response.status !== 200) return;
      for (const reservation of response.json.items) {
        if (reservation.memberId !== fixture.alice.id)
          fail(`listed reservation ${reservation.id} of ${reservation.memberId}`);
      }
    },
  },
  {
    method: 'POST',
    path: `${API}/performances`,
    access: 'admin',
    shape: (fixture, operation) => {
      const bodies = performanceBodies(fixture.nowMs);
      return {
        operation,
        access: 'admin',
        body: fc.oneof(
          { weight: 2, arbitrary: bodies.valid.map(toJsonText) },
          { weight: 6, arbitrary: withOneFieldReplaced(bodies.valid, bodies.replacements).map(toJsonText) },
          { weight: 3, arbitrary: bodyText(bodies.fields) },
        ),
      };
    },
    check: (fixture, request, response) => {
      if (response.status === 201 && !(response.json.seatCount > 0)) fail('created a hall without seats');
    },
  },
  {
    method: 'GET',
    path: `${API}/performances`,
    access: 'anyone',
    shape: (fixture, operation) => ({ operation, access: 'anyone', query: queryString }),
    check: (fixture, request, response) => {
      if (response.status === 200 && response.json.items.length > response.json.size)
        fail('a page longer than its size');
    },
  },
  {
    method: 'GET',
    path: `${API}/performances/:id`,
    access: 'anyone',
    shape: (fixture, operation) => ({
      operation,
      access: 'anyone',
      pathId: pathId([fixture.onSale, fixture.other, fixture.closed]),
    }),
  },
  {
    method: 'GET',
    path: `${API}/performances/:id/seats`,
    access: 'anyone',
    shape: (fixture, operation) => ({
      operation,
      access: 'anyone',
      pathId: pathId([fixture.onSale, fixture.other, fixture.closed]),
    }),
  },
  {
    method: 'GET',
    path: `${API}/performances/:id/seats/stream`,
    access: 'anyone',
    // Unknown and malformed ids only: a stream of a real performance never ends (its events
    // are what test/e2e/seat-stream.e2e.test.ts checks).
    shape: (_fixture, operation) => ({ operation, access: 'anyone', pathId: pathId([]) }),
  },
  {
    method: 'POST',
    path: `${API}/reservations`,
    access: 'member',
    shape: (fixture, operation) => {
      const seat = fc.constantFrom(...fixture.onSaleSeats);
      const seatIds = fc.oneof(
        { weight: 4, arbitrary: fc.uniqueArray(seat, { minLength: 1, maxLength: 4 }) },
        { weight: 2, arbitrary: fc.array(seat, { minLength: 1, maxLength: 3 }).map((seats) => [...seats, seats[0]!]) },
        { weight: 2, arbitrary: fc.uniqueArray(seat, { minLength: 5, maxLength: 8 }) },
        { weight: 2, arbitrary: fc.tuple(seat, fc.constantFrom(...fixture.otherSeats)).map((pair) => [...pair]) },
        { weight: 1, arbitrary: fc.constantFrom(...fixture.otherSeats).map((other) => [other]) },
        { weight: 1, arbitrary: fc.array(fc.uuid(), { minLength: 1, maxLength: 4 }) },
        { weight: 1, arbitrary: fc.constant([]) },
        { weight: 1, arbitrary: fc.array(fc.uuid(), { minLength: 101, maxLength: 110 }) },
        { weight: 1, arbitrary: seat.map((id) => [id.toUpperCase()]) },
        { weight: 2, arbitrary: fc.array(fc.oneof(nastyString(40), nastyNumber), { minLength: 1, maxLength: 3 }) },
        { weight: 1, arbitrary: fc.array(seat, { minLength: 2, maxLength: 2 }).map((seats) => [seats, seats]) },
      );
      const performanceId = fc.oneof(
        { weight: 6, arbitrary: fc.constant(fixture.onSale) },
        { weight: 1, arbitrary: fc.constantFrom(fixture.other, fixture.closed) },
        { weight: 1, arbitrary: fc.constant(fixture.queued) },
        { weight: 1, arbitrary: fc.uuid() },
        { weight: 1, arbitrary: fc.constant(fixture.onSale.toUpperCase()) },
        { weight: 1, arbitrary: nastyString(40) },
      );
      return { operation, access: 'member', body: bodyText({ performanceId, seatIds }) };
    },
    check: (fixture, request, response) => {
      if (response.status !== 201) return;
      const seats = response.json.seats.map((seat: { id: string }) => seat.id);
      if (response.json.status !== 'PENDING') fail(`a new hold is ${response.json.status}`);
      if (response.json.performanceId === fixture.queued) fail('a hold in a waiting room without an admission');
      if (new Set(seats).size !== seats.length) fail('a hold with a seat twice');
      // Both fixture halls are on sale; a hold must stay within the hall it names.
      const hall = response.json.performanceId === fixture.onSale ? fixture.onSaleSeats : fixture.otherSeats;
      if (seats.some((seat: string) => !hall.includes(seat))) fail('a hold on a seat of another performance');
    },
  },
  {
    method: 'GET',
    path: `${API}/performances/:id/sales`,
    access: 'admin',
    shape: (fixture, operation) => ({
      operation,
      access: 'admin',
      pathId: pathId([fixture.onSale, fixture.queued]),
    }),
    // Whatever the race, a report adds up: grades sum to the totals, nothing negative.
    check: (_fixture, _request, response) => {
      if (response.status !== 200 || !response.json) return;
      const { grades, totals } = response.json as {
        grades: { seats: number; sold: number; held: number; available: number; revenue: number }[];
        totals: { seats: number; sold: number; held: number; available: number; revenue: number };
      };
      for (const field of ['seats', 'sold', 'held', 'available', 'revenue'] as const) {
        const sum = grades.reduce((total, grade) => total + grade[field], 0);
        if (sum !== totals[field]) fail(`the grades' ${field} add up to ${sum}, the totals say ${totals[field]}`);
      }
      for (const grade of grades) {
        if (grade.available < 0 || grade.sold + grade.held + grade.available !== grade.seats) {
          fail(`a grade that does not add up: ${JSON.stringify(grade)}`);
        }
      }
    },
  },
  ...(['POST /performances/:id/queue', 'GET /performances/:id/queue/me'] as const).map((route): RouteFuzzer => {
    const [method, path] = route.split(' ') as [string, string];
    return {
      method,
      path: `${API}${path}`,
      access: 'member',
      shape: (fixture, operation) => ({
        operation,
        access: 'member',
        pathId: pathId([fixture.queued, fixture.queued, fixture.onSale]),
      }),
    };
  }),
  {
    method: 'GET',
    path: `${API}/performances/:id/queue/me/stream`,
    access: 'member',
    // Unknown and malformed ids only: the stream of a member in a queue lasts until its admission
    // (test/e2e/waiting-room.e2e.test.ts follows one).
    shape: (_fixture, operation) => ({ operation, access: 'member', pathId: pathId([]) }),
  },
  ...(['GET /reservations/:id', 'POST /reservations/:id/confirm', 'POST /reservations/:id/cancel'] as const).map(
    (route): RouteFuzzer => {
      const [method, path] = route.split(' ') as [string, string];
      return {
        method,
        path: `${API}${path}`,
        access: 'member',
        shape: (fixture, operation) => ({
          operation,
          access: 'member',
          pathId: pathId([fixture.alicePending, fixture.aliceConfirmed, fixture.bobPending]),
        }),
        // Bob's reservation is never shown to, confirmed or cancelled by Alice's token.
        check: (fixture, request, response) => {
          if (request.path.includes(fixture.bobPending) && response.status < 300)
            fail(`Alice reached Bob's reservation: ${response.status}`);
        },
      };
    },
  ),
  {
    method: 'POST',
    path: `${API}/reservations/:id/checkout`,
    access: 'member',
    shape: (fixture, operation) => ({
      operation,
      access: 'member',
      pathId: pathId([fixture.alicePending, fixture.aliceConfirmed, fixture.bobPending]),
      body: bodyText({
        card: fc.oneof(
          { weight: 2, arbitrary: fc.constantFrom('4242 4242 4242 4242', '4000000000000002', '1') },
          { weight: 1, arbitrary: nastyString() },
        ),
      }),
    }),
    // Bob's reservation is never paid for with Alice's token.
    check: (fixture, request, response) => {
      if (request.path.includes(fixture.bobPending) && response.status < 300)
        fail(`Alice checked out Bob's reservation: ${response.status}`);
    },
  },
  {
    method: 'POST',
    path: `${API}/payments/webhooks/:provider`,
    access: 'anyone',
    shape: (_fixture, operation) => ({
      operation,
      access: 'anyone',
      body: bodyText({
        id: nastyString(),
        type: fc.constantFrom('payment_intent.succeeded', 'payment_intent.payment_failed', 'charge.refunded'),
        data: fc.constant({ object: { id: 'pi_1', amount: 100, currency: 'krw' } }),
      }),
    }),
    // Never signed here: nothing may be accepted.
    check: (_fixture, request, response) => {
      if (response.status < 300) fail(`an unsigned payment webhook was accepted: ${response.status}`);
    },
  },
  {
    method: 'POST',
    path: `${API}/webhooks`,
    access: 'admin',
    shape: (fixture, operation) => {
      const url = fc.oneof(
        { weight: 3, arbitrary: fc.constantFrom('https://8.8.8.8/hooks', 'https://[2606:4700:4700::1111]:8443/x?y=1') },
        {
          weight: 3,
          arbitrary: fc.constantFrom(
            'https://127.0.0.1/hooks',
            'https://169.254.169.254/latest/meta-data/',
            'https://[::1]/',
            'https://[::ffff:10.0.0.1]/',
            'https://localhost/hooks',
            'http://8.8.8.8/hooks',
            'https://user:pass@8.8.8.8/',
            'file:///etc/passwd',
            'javascript:alert(1)',
            'https://no-such-name.invalid/hooks',
          ),
        },
        { weight: 2, arbitrary: nastyString() },
        { weight: 1, arbitrary: boundaryString.map((tail) => `https://8.8.8.8/${tail}`) },
      );
      const eventType = fc.constantFrom(
        'reservation.held',
        'reservation.confirmed',
        'reservation.cancelled',
        'reservation.expired',
      );
      const events = fc.oneof(
        { weight: 4, arbitrary: fc.uniqueArray(eventType, { minLength: 1, maxLength: 4 }) },
        { weight: 1, arbitrary: fc.array(fc.oneof(eventType, nastyString()), { maxLength: 6 }) },
      );
      return { operation, access: 'admin', body: bodyText({ url, events }) };
    },
    check: (fixture, request, response) => {
      if (response.status !== 201) return;
      if (!/^whsec_[A-Za-z0-9+/]{43}=$/.test(response.json.secret)) fail('a webhook without a proper secret');
      if (!response.json.url.startsWith('https://')) fail(`registered ${response.json.url}`);
    },
  },
  {
    method: 'GET',
    path: `${API}/webhooks`,
    access: 'admin',
    shape: (fixture, operation) => ({ operation, access: 'admin' }),
    check: (fixture, request, response) => {
      if (response.status === 200 && response.text.includes('whsec_')) fail('a listing shows a secret');
    },
  },
  ...(['DELETE /webhooks/:id', 'POST /webhooks/:id/rotate-secret', 'GET /webhooks/:id/deliveries'] as const).map(
    (route): RouteFuzzer => {
      const [method, path] = route.split(' ') as [string, string];
      return {
        method,
        path: `${API}${path}`,
        access: 'admin',
        shape: (fixture, operation) => ({
          operation,
          access: 'admin',
          pathId: pathId([fixture.webhook]),
          ...(method === 'GET' && { query: queryString }),
        }),
      };
    },
  ),
  // /metrics exists only where the service is built with metrics (not in the bare HTTP test app).
  ...['/healthz', '/readyz', '/metrics', '/openapi.json', '/docs', '/', '/.well-known/jwks.json'].map(
    (path): RouteFuzzer => ({
      method: 'GET',
      path,
      access: 'anyone',
      shape: (fixture, operation) => ({ operation, access: 'anyone' }),
    }),
  ),
];
