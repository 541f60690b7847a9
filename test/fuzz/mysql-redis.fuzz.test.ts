import net from 'node:net';
import fc from 'fast-check';
import type { Knex } from 'knex';
import { SignJWT } from 'jose';
import { contractViolations, documentedOperations, type DocumentedOperation } from '../support/api-contract';
import { forgedTokens, toJsonText, withOneFieldReplaced, type TokenMaterial } from '../support/fuzz-arbitraries';
import { performanceBodies } from '../support/fuzz-bodies';
import { createFuzzFixture, observeThroughApi, ROUTE_FUZZERS, type FuzzFixture } from '../support/fuzz-routes';
import { FuzzRunner, fuzzParameters } from '../support/fuzz-runner';
import { FuzzTally } from '../support/fuzz-tally';
import { performanceBody } from '../../testkit/performance-body';
import { startFullStack, type TestService } from '../support/service';
import { deleteAllRows, openTestDatabase } from '../support/mysql';
import { closeRawConnections, rawRequest } from '../support/raw-http';

/**
 * The fuzz of every route again, fewer cases, on the real service over MariaDB and Redis:
 * what passes the schemas and the domain must not then fail in the driver (a string longer
 * than its column, a key two strings share under the column's collation, a date a DATETIME
 * cannot hold, a number past BIGINT, a foreign key). A rejected request must leave every
 * table as it was.
 *
 * FUZZ_STACK_RUNS sets the cases per route (default 20); FUZZ_SEED replays a failing run.
 */
const RUNS = Number(process.env['FUZZ_STACK_RUNS'] ?? 20);
const SEED = process.env['FUZZ_SEED'] === undefined ? undefined : Number(process.env['FUZZ_SEED']);
const JWT_SECRET = 'a-fuzz-secret-that-is-long-enough-0123456789';
const API = '/api/v1';
const TABLES = [
  'members',
  'performances',
  'performance_grades',
  'performance_sections',
  'seats',
  'reservations',
  'reservation_seats',
];

describe('fuzzing every route on the real service over MariaDB and Redis', () => {
  const tally = new FuzzTally();
  let service: TestService;
  let knex: Knex;
  let runner: FuzzRunner;
  let operations: DocumentedOperation[];
  let fixture: FuzzFixture;
  let tokens: TokenMaterial;
  let forged: Record<string, string>;

  beforeAll(async () => {
    knex = await openTestDatabase({ poolMax: 2 });
    await deleteAllRows(knex);
    // No seat-map micro-cache: a rejected request is judged by comparing reads taken right before and after it.
    // Alice sends most of the fuzzed holds; the default cap of 4 seats would stop them at the door.
    service = await startFullStack({ JWT_SECRET, SEAT_MAP_CACHE_MS: '0', MAX_SEATS_PER_MEMBER: '40' });
    const adminToken = await service.adminToken();
    operations = documentedOperations(
      (await rawRequest(service.baseUrl, { method: 'GET', path: '/openapi.json' })).json,
    );
    fixture = await createFuzzFixture(service.api, adminToken, Date.now());
    tokens = { secret: JWT_SECRET, memberToken: fixture.alice.token, adminToken, memberId: fixture.alice.id };
    forged = await forgedTokens(tokens);
    runner = new FuzzRunner({ baseUrl: service.baseUrl, tally, operations, observe });
    await runner.start();
  }, 60_000);

  afterAll(async () => {
    console.log(tally.summary('MariaDB+Redis'));
    closeRawConnections();
    await service?.close();
    await knex?.destroy();
  });

  /** Row counts of every table and every reservation's status, next to what the API shows. */
  async function observe(): Promise<string> {
    const counts = await Promise.all(TABLES.map(async (table) => Number((await knex(table).count({ n: '*' }))[0]!.n)));
    const statuses = await knex('reservations').select('id', 'status', 'version').orderBy('id');
    const active = await knex('reservation_seats').whereNotNull('active_seat_id').count({ n: '*' });
    return JSON.stringify({
      counts,
      statuses,
      active: Number(active[0]!.n),
      api: await observeThroughApi(service.api, fixture),
    });
  }

  function operation(method: string, path: string): DocumentedOperation {
    const found = operations.find((candidate) => candidate.method === method && candidate.path === path);
    if (!found) throw new Error(`the document has no ${method} ${path}`);
    return found;
  }

  for (const route of ROUTE_FUZZERS) {
    it(`${route.method} ${route.path}`, async () => {
      const op = operations.find((candidate) => candidate.method === route.method && candidate.path === route.path);
      if (!op) return; // not served by this build of the app; the last test checks the document is covered
      await runner.fuzzRoute(
        route.shape(fixture, op),
        tokens,
        forged,
        fuzzParameters(RUNS, SEED),
        (request, response) => route.check?.(fixture, request, response),
      );
    });
  }

  it('stores every hall layout the domain accepts: names that differ only by case or a trailing space, 200 × 200 halls, dates past year 9999', async () => {
    const bodies = performanceBodies(Date.now(), 'Layout Fuzz');
    const op = operation('POST', `${API}/performances`);
    const headers = { 'Content-Type': 'application/json', Authorization: `Bearer ${tokens.adminToken}` };
    // Only the layout and the dates: what the schema and the domain let through to MySQL.
    const { layout, startsAt, salesOpenAt, salesCloseAt, title, venue } = bodies.replacements;
    const replacements = {
      layout: layout!,
      startsAt: startsAt!,
      salesOpenAt: salesOpenAt!,
      salesCloseAt: salesCloseAt!,
      title: title!,
      venue: venue!,
    };
    await fc.assert(
      fc.asyncProperty(withOneFieldReplaced(bodies.valid, replacements), async (body) => {
        await runner.exercise(
          `POST ${API}/performances`,
          { method: 'POST', path: `${API}/performances`, headers, body: toJsonText(body) },
          {
            mutating: true,
            operation: op,
          },
        );
      }),
      fuzzParameters(RUNS * 2, SEED),
    );
  });

  /** Known hazards between the schemas, the domain and MySQL's columns, each a named case. */
  const HAZARDS: { name: string; body: (now: number) => Record<string, unknown> }[] = [
    {
      name: 'grades "VIP" and "VIP " (equal under a PAD SPACE collation)',
      body: () => ({
        grades: [
          { name: 'VIP', price: 1 },
          { name: 'VIP ', price: 2 },
        ],
        sections: [
          { name: 'A', grade: 'VIP', rows: 1, seatsPerRow: 1 },
          { name: 'B', grade: 'VIP ', rows: 1, seatsPerRow: 1 },
        ],
      }),
    },
    {
      name: 'sections "A" and "A " (equal under a PAD SPACE collation)',
      body: () => ({
        grades: [{ name: 'VIP', price: 1 }],
        sections: [
          { name: 'A', grade: 'VIP', rows: 1, seatsPerRow: 1 },
          { name: 'A ', grade: 'VIP', rows: 1, seatsPerRow: 1 },
        ],
      }),
    },
    {
      name: 'sections "A" and "a"',
      body: () => ({
        grades: [{ name: 'VIP', price: 1 }],
        sections: [
          { name: 'A', grade: 'VIP', rows: 1, seatsPerRow: 1 },
          { name: 'a', grade: 'VIP', rows: 1, seatsPerRow: 1 },
        ],
      }),
    },
    {
      name: 'a start in year 10000 UTC (9999-12-31T23:59:59-23:59)',
      body: (now) => ({
        startsAt: '9999-12-31T23:59:59-23:59',
        salesOpenAt: new Date(now - 60_000).toISOString(),
        salesCloseAt: new Date(now + 86_400_000).toISOString(),
      }),
    },
    {
      name: 'sales opening in year 0000',
      body: (now) => ({
        salesOpenAt: '0000-01-01T00:00:00Z',
        salesCloseAt: new Date(now + 86_400_000).toISOString(),
        startsAt: new Date(now + 2 * 86_400_000).toISOString(),
      }),
    },
    {
      name: 'title and venue of 100 emoji (200 UTF-16 units, 100 characters, 400 bytes)',
      body: () => ({ title: '🎵'.repeat(100), venue: '🎵'.repeat(100) }),
    },
    {
      name: 'a grade priced 2^53 - 1',
      body: () => ({
        grades: [{ name: 'VIP', price: Number.MAX_SAFE_INTEGER }],
        sections: [{ name: 'A', grade: 'VIP', rows: 1, seatsPerRow: 4 }],
      }),
    },
    {
      name: 'a section of 50 characters in a 200 × 200 hall (the longest labels)',
      body: () => ({
        grades: [{ name: 'VIP', price: 1 }],
        sections: [{ name: 'x'.repeat(50), grade: 'VIP', rows: 200, seatsPerRow: 200 }],
      }),
    },
  ];

  it.each(HAZARDS.map((hazard) => [hazard.name, hazard] as const))(
    'answers a 201 or a 4xx, never a 5xx, to %s',
    async (_name, hazard) => {
      const now = Date.now();
      const base = performanceBody(now, {
        title: 'Hazard',
        venue: 'Hall',
        grades: [{ name: 'VIP', price: 1000 }],
        sections: [{ name: 'A', grade: 'VIP', rows: 1, seatsPerRow: 2 }],
      });
      const request = {
        method: 'POST',
        path: `${API}/performances`,
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${tokens.adminToken}` },
        body: JSON.stringify({ ...base, ...hazard.body(now) }),
      };
      const response = await runner.exercise(`POST ${API}/performances`, request, {
        mutating: true,
        operation: operation('POST', `${API}/performances`),
      });
      if (response.status === 201) {
        // What was accepted reads back whole.
        const id = response.json.id;
        for (const path of [`${API}/performances/${id}`, `${API}/performances/${id}/seats`]) {
          const read = await rawRequest(service.baseUrl, { method: 'GET', path });
          expect(
            contractViolations(read, { method: 'GET', path, operation: operation('GET', path.replace(id, ':id')) }),
          ).toEqual([]);
          expect(read.status).toBe(200);
        }
      }
    },
  );

  it('answers a documented 4xx, not a 5xx, to a hold whose total passes 2^53 (two seats at 2^53 - 1)', async () => {
    const created = await rawRequest(service.baseUrl, {
      method: 'POST',
      path: `${API}/performances`,
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${tokens.adminToken}` },
      body: JSON.stringify(
        performanceBody(Date.now(), {
          title: 'Priceless',
          venue: 'Hall',
          grades: [{ name: 'VIP', price: Number.MAX_SAFE_INTEGER }],
          sections: [{ name: 'A', grade: 'VIP', rows: 1, seatsPerRow: 2 }],
        }),
      ),
    });
    expect(created.status).toBe(201);
    await runner.start();
    const seats = (
      await rawRequest(service.baseUrl, { method: 'GET', path: `${API}/performances/${created.json.id}/seats` })
    ).json.seats;
    const hold = await runner.exercise(
      `POST ${API}/reservations`,
      {
        method: 'POST',
        path: `${API}/reservations`,
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${fixture.bob.token}` },
        body: JSON.stringify({ performanceId: created.json.id, seatIds: seats.map((seat: { id: string }) => seat.id) }),
      },
      { mutating: true, operation: operation('POST', `${API}/reservations`) },
    );
    expect(hold.status).toBeGreaterThanOrEqual(400);
  });

  it('answers a genuine token of a member that no longer exists with 401 on every member route, never a 5xx', async () => {
    // Signed with the service's own key (a member deleted, or a database restored from before
    // the sign-up): the signature is right, the member is not there.
    const ghost = await new SignJWT({ role: 'USER' })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject('01900000-0000-7000-8000-000000000000')
      .setIssuer('ticketing-service')
      .setAudience('ticketing-api')
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(JWT_SECRET));
    const headers = { 'Content-Type': 'application/json', Authorization: `Bearer ${ghost}` };
    const untouched = await service.createHall({ rows: 1, seatsPerRow: 1, title: 'Ghost Hall' });
    await runner.start();
    const requests = [
      { method: 'GET', path: `${API}/members/me` },
      { method: 'GET', path: `${API}/members/me/reservations` },
      {
        method: 'POST',
        path: `${API}/reservations`,
        // A seat nobody holds, so the hold reaches MySQL, whose foreign key finds the member gone
        // (seats taken already are refused with 409 first, without a database read).
        body: JSON.stringify({ performanceId: untouched.id, seatIds: [untouched.seatIds[0]] }),
      },
      { method: 'GET', path: `${API}/reservations/${fixture.alicePending}` },
      { method: 'POST', path: `${API}/reservations/${fixture.alicePending}/confirm` },
      { method: 'POST', path: `${API}/reservations/${fixture.alicePending}/cancel` },
    ];
    const answers: Record<string, number> = {};
    for (const request of requests) {
      const op = operations.find(
        (candidate) =>
          candidate.method === request.method &&
          new RegExp(`^${candidate.path.replace(/:\w+/g, '[^/]+')}$`).test(request.path),
      );
      const response = await runner.exercise(
        `(ghost member) ${request.method} ${op?.path}`,
        { ...request, headers },
        { mutating: request.method === 'POST', ...(op ? { operation: op } : {}) },
      );
      answers[`${request.method} ${op?.path}`] = response.status;
    }
    // Not even the listing, which would be empty: the token's member is gone, so is the credential.
    expect(Object.values(answers)).toEqual(requests.map(() => 401));
  });

  it('answers requests the HTTP parser refuses (headers over 16 KB, raw bytes in the path) with a problem, not a bare status', async () => {
    const url = new URL(service.baseUrl);
    const send = (head: string) =>
      new Promise<string>((resolve) => {
        const socket = net.connect(Number(url.port), url.hostname);
        let received = '';
        socket.on('data', (data: Buffer) => (received += data.toString('latin1')));
        socket.on('error', () => resolve(received));
        socket.on('close', () => resolve(received));
        socket.setTimeout(3_000, () => socket.destroy());
        socket.write(Buffer.from(head, 'latin1'));
      });
    const cases = {
      'an Authorization header of 20 KB': `GET ${API}/members/me HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${'a'.repeat(20_000)}\r\nConnection: close\r\n\r\n`,
      'a raw 0xE9 byte in the path': `GET ${API}/performances/\u00e9 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`,
      'a header line without a colon': `GET /healthz HTTP/1.1\r\nHost: x\r\nnot a header\r\nConnection: close\r\n\r\n`,
    };
    const answers: Record<string, { status: number; problem: boolean }> = {};
    for (const [name, head] of Object.entries(cases)) {
      const raw = await send(head);
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(raw)?.[1] ?? 0);
      tally.record('(HTTP parser errors)', status);
      answers[name] = { status, problem: /content-type: application\/problem\+json/i.test(raw) };
    }
    expect(answers).toEqual({
      'an Authorization header of 20 KB': { status: 431, problem: true },
      'a raw 0xE9 byte in the path': { status: 400, problem: true },
      'a header line without a colon': { status: 400, problem: true },
    });
  });

  it('still lets a new member hold every seat that shows AVAILABLE: no rejected request left a claim or a Redis hold behind', async () => {
    const seats = (
      await rawRequest(service.baseUrl, { method: 'GET', path: `${API}/performances/${fixture.onSale}/seats` })
    ).json.seats as { id: string; status: string }[];
    const available = seats.filter((seat) => seat.status === 'AVAILABLE').map((seat) => seat.id);
    const refused: unknown[] = [];
    for (let start = 0; start < available.length; start += 4) {
      const member = await service.newMember();
      const response = await rawRequest(service.baseUrl, {
        method: 'POST',
        path: `${API}/reservations`,
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${member.token}` },
        body: JSON.stringify({ performanceId: fixture.onSale, seatIds: available.slice(start, start + 4) }),
      });
      if (response.status !== 201) refused.push(response.json);
    }
    expect(refused).toEqual([]);
  });

  it('fuzzed every operation of the OpenAPI document', () => {
    const cases = Object.fromEntries(
      operations.map((op) => [`${op.method} ${op.path}`, tally.cases(`${op.method} ${op.path}`)]),
    );
    expect(Object.entries(cases).filter(([, count]) => count < Math.min(RUNS, 10))).toEqual([]);
  });
});
