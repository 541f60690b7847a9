import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import type { UseCases } from '../../src/adapters/http/http-dependencies';
import { documentedOperations, operationFor, type DocumentedOperation } from '../support/api-contract';
import { forgedTokens, nastyString, type TokenMaterial } from '../support/fuzz-arbitraries';
import type { Access } from '../support/fuzz-requests';
import { createFuzzFixture, observeThroughApi, ROUTE_FUZZERS, type FuzzFixture } from '../support/fuzz-routes';
import { FuzzRunner, fuzzParameters } from '../support/fuzz-runner';
import { FuzzTally } from '../support/fuzz-tally';
import { startTestApp, TEST_JWT_SECRET, type TestApp } from '../support/service';
import { chunkedPost, closeRawConnections, followUpOnSameConnection } from '../support/raw-http';

/**
 * Every route of the API, fuzzed on the in-memory adapters: generated bodies, ids, query
 * strings, tokens and headers. Whatever arrives, the answer is a documented 2xx or a 4xx
 * problem with a stable code from the error table (never a 5xx, never internals), and a
 * rejected request changes nothing: no mutating use case completes, and nothing a client
 * can read differs.
 *
 * FUZZ_RUNS sets the cases per route (default 100); FUZZ_SEED replays a failing run.
 */
const RUNS = Number(process.env['FUZZ_RUNS'] ?? 100);
const SEED = process.env['FUZZ_SEED'] === undefined ? undefined : Number(process.env['FUZZ_SEED']);
const MUTATING_USE_CASES = [
  'registerMember',
  'createPerformance',
  'holdSeats',
  'confirmReservation',
  'cancelReservation',
] as const satisfies readonly (keyof UseCases)[];
const API = '/api/v1';

describe('fuzzing every route on the in-memory adapters', () => {
  const tally = new FuzzTally();
  let app: TestApp;
  let runner: FuzzRunner;
  let operations: DocumentedOperation[];
  let fixture: FuzzFixture;
  let tokens: TokenMaterial;
  let forged: Record<string, string>;
  let committed = 0;

  beforeAll(async () => {
    app = await startTestApp({
      http: { bodyLimitBytes: 64 * 1024 },
      // Alice sends most of the fuzzed holds; the default cap of 4 would stop them at the door.
      policy: { maxSeatsPerMember: 40 },
      // Counts the mutating use cases that completed: a rejected request must not have run one.
      wrap: Object.fromEntries(
        MUTATING_USE_CASES.map((name) => [
          name,
          (useCase: { execute: (...args: unknown[]) => Promise<unknown> }) => ({
            execute: async (...args: unknown[]) => {
              const result = await useCase.execute(...args);
              committed++;
              return result;
            },
          }),
        ]),
      ),
    });
    operations = documentedOperations((await app.request('GET', '/openapi.json')).body);
    fixture = await createFuzzFixture(app.api, await app.adminToken(), app.clock.now().getTime());
    tokens = {
      secret: TEST_JWT_SECRET,
      memberToken: fixture.alice.token,
      adminToken: fixture.adminToken,
      memberId: fixture.alice.id,
      nowMs: app.clock.now().getTime(),
    };
    forged = await forgedTokens(tokens);
    runner = new FuzzRunner({
      baseUrl: app.baseUrl,
      tally,
      operations,
      observe: () => observeThroughApi(app.api, fixture),
      committed: () => committed,
    });
    await runner.start();
  }, 60_000);

  afterAll(async () => {
    console.log(tally.summary('in-memory'));
    closeRawConnections();
    await app?.close();
  });

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

  it('answers methods no route serves with 405 and Allow, and unknown paths with 404', async () => {
    const method = fc.constantFrom(
      'GET',
      'POST',
      'PUT',
      'PATCH',
      'DELETE',
      'HEAD',
      'OPTIONS',
      'TRACE',
      'PROPFIND',
      'MKCOL',
      'LINK',
    );
    const knownPath = fc.constantFrom(
      ...operations.map((op) => op.path.replace(':id', fixture.onSale)),
      `${API}/reservations/${fixture.alicePending}/confirm`,
    );
    const unknownPath = fc.oneof(
      fc.constantFrom(
        '/',
        '/api',
        `${API}`,
        `${API}/`,
        `${API}/performances/`,
        `${API}//performances`,
        '/API/V1/PERFORMANCES',
        '/docs/',
        '/docs/../package.json',
        '/docs/..%2f..%2fpackage.json',
        '/docs/%2e%2e/%2e%2e/package.json',
        '/docs/index.html',
        '/node_modules/swagger-ui-dist/package.json',
        '/.env',
        '/.git/config',
        '/admin',
        '/metrics',
        `${API}/members/1`,
        `${API}/performances/${fixture.onSale}/seats/1`,
        '/%ff',
        '/%',
        '/\u00e9',
        `/${'a'.repeat(4000)}`,
      ),
      nastyString(40).map((text) => `/${encodeURIComponent(text.replace(/[\ud800-\udfff]/g, '?'))}`),
    );
    await fc.assert(
      fc.asyncProperty(method, fc.oneof(knownPath, unknownPath), async (verb, path) => {
        const op = operationFor(operations, verb, path);
        const response = await runner.exercise(
          '(routing: any method, any path)',
          { method: verb, path, headers: {} },
          {
            mutating: verb !== 'GET' && verb !== 'HEAD',
            ...(op ? { operation: op } : {}),
          },
        );
        if (response.status === 405) {
          expect(response.headers['allow']).toEqual(expect.stringContaining('OPTIONS'));
          // The body (none for HEAD) names the same methods as the header.
          if (verb !== 'HEAD') expect(JSON.parse(response.text).allow.join(', ')).toBe(response.headers['allow']);
        }
        // Nothing outside the API and the listed Swagger assets is ever served.
        if (verb === 'GET' && /package\.json|\.env|\.git/.test(path)) expect(response.status).toBe(404);
      }),
      fuzzParameters(RUNS * 2, SEED),
    );
  });

  it('answers 413 PAYLOAD_TOO_LARGE to a 1 MB body on every body route, with or without Content-Length', async () => {
    const megabyte = 'x'.repeat(1024 * 1024);
    const bodyRoutes: { path: string; access: Access }[] = [
      { path: `${API}/members`, access: 'anyone' },
      { path: `${API}/auth/login`, access: 'anyone' },
      { path: `${API}/performances`, access: 'admin' },
      { path: `${API}/reservations`, access: 'member' },
    ];
    for (const route of bodyRoutes) {
      const op = operation('POST', route.path);
      const label = `POST ${route.path}`;
      const headers: Record<string, string> = { 'Content-Type': 'application/json' };
      if (route.access !== 'anyone')
        headers['Authorization'] = `Bearer ${route.access === 'admin' ? tokens.adminToken : tokens.memberToken}`;
      for (const body of [
        JSON.stringify({ email: megabyte, password: 'x', name: 'x' }),
        `{"title":"${megabyte}`,
        megabyte,
      ]) {
        for (const chunkBytes of [undefined, 64 * 1024]) {
          const request = {
            method: 'POST',
            path: route.path,
            headers,
            body,
            freshConnection: true,
            ...(chunkBytes ? { chunkBytes } : {}),
          };
          const response = await runner.exercise(label, request, { mutating: true, operation: op });
          expect({ status: response.status, code: response.json?.code }).toEqual({
            status: 413,
            code: 'PAYLOAD_TOO_LARGE',
          });
        }
      }
      // Authentication comes first: a stranger learns nothing about the body limit.
      if (route.access !== 'anyone') {
        const stranger = {
          method: 'POST',
          path: route.path,
          headers: { 'Content-Type': 'application/json' },
          body: megabyte,
          freshConnection: true,
        };
        expect((await runner.exercise(label, stranger, { mutating: true, operation: op })).status).toBe(401);
      }
    }
  });

  it('reads a compressed body like a plain one, and answers a corrupt or unknown encoding with a 4xx', async () => {
    const valid = { performanceId: fixture.other, seatIds: [fixture.otherSeats[0]] };
    const compress = { gzip: gzipSync, deflate: deflateSync, br: brotliCompressSync } as const;
    const names = Object.keys(compress) as (keyof typeof compress)[];
    const payload = fc.oneof(
      fc.constant(Buffer.from(JSON.stringify(valid))),
      fc.uint8Array({ minLength: 1, maxLength: 64 }).map((bytes) => Buffer.from(bytes)),
      fc.constant(Buffer.from(' '.repeat(2 * 1024 * 1024))), // inflates past the body limit
    );
    const encoded = fc.oneof(
      // Correctly compressed: valid JSON, garbage, or a small bomb.
      fc
        .tuple(fc.constantFrom(...names), payload)
        .map(([encoding, data]) => ({ encoding: encoding as string, body: compress[encoding](data) })),
      // Announced as compressed but not, or cut short, or an encoding nobody supports.
      fc
        .tuple(fc.constantFrom('gzip', 'deflate', 'br', 'x-gzip'), fc.uint8Array({ minLength: 1, maxLength: 64 }))
        .map(([encoding, bytes]) => ({ encoding, body: Buffer.from(bytes) })),
      fc.constantFrom(...names).map((encoding) => ({
        encoding: encoding as string,
        body: compress[encoding](Buffer.from(JSON.stringify(valid))).subarray(0, 12),
      })),
      fc.constantFrom('compress', 'zstd', 'identity, gzip', 'gzip, gzip', 'bogus').map((encoding) => ({
        encoding,
        body: Buffer.from(JSON.stringify(valid)),
      })),
    );
    const op = operation('POST', `${API}/reservations`);
    await fc.assert(
      fc.asyncProperty(encoded, async ({ encoding, body }) => {
        const headers = {
          'Content-Type': 'application/json',
          'Content-Encoding': encoding,
          Authorization: `Bearer ${tokens.memberToken}`,
        };
        const request = { method: 'POST', path: `${API}/reservations`, headers, body, freshConnection: true };
        await runner.exercise('(Content-Encoding) POST /api/v1/reservations', request, {
          mutating: true,
          operation: op,
        });
      }),
      fuzzParameters(Math.max(30, Math.round(RUNS / 3)), SEED),
    );
  });

  it('answers the next request on a kept-alive connection, or closes it, after refusing a body it read only in part', async () => {
    // A body refused mid-stream (past the limit, or a corrupt encoding) leaves bytes on the
    // socket. The connection must then be closed or drained; one left open but never read
    // again hangs whatever a client or a proxy's upstream pool sends on it next.
    const oversized = Buffer.from(JSON.stringify({ email: 'x'.repeat(1024 * 1024), password: 'x', name: 'x' }));
    const corrupt = Buffer.concat([gzipSync(Buffer.from('{"email":')).subarray(0, 10), Buffer.alloc(1024 * 1024, 7)]);
    const cases: { name: string; headers: Record<string, string>; body: Buffer }[] = [
      { name: 'chunked body past the limit', headers: { 'Content-Type': 'application/json' }, body: oversized },
      {
        name: 'corrupt gzip body',
        headers: { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' },
        body: corrupt,
      },
    ];
    const outcomes: Record<string, { firstStatus: number; followUp: string }> = {};
    for (const { name, headers, body } of cases) {
      const outcome = await followUpOnSameConnection(
        app.baseUrl,
        chunkedPost(`${API}/members`, headers, body),
        '/healthz',
      );
      tally.record('(keep-alive after a half-read body) POST /api/v1/members', outcome.firstStatus);
      outcomes[name] = outcome;
    }
    expect(outcomes).toEqual({
      'chunked body past the limit': { firstStatus: 413, followUp: expect.stringMatching(/^(answered|closed)$/) },
      'corrupt gzip body': { firstStatus: 400, followUp: expect.stringMatching(/^(answered|closed)$/) },
    });
  });

  it('still lets every seat that shows AVAILABLE be held: no rejected request left a phantom hold', async () => {
    const seats = (await app.request('GET', `${API}/performances/${fixture.onSale}/seats`)).body.seats as {
      id: string;
      status: string;
    }[];
    const available = seats.filter((seat) => seat.status === 'AVAILABLE').map((seat) => seat.id);
    for (let start = 0; start < available.length; start += 4) {
      const member = await app.newMember();
      const response = await app.request('POST', `${API}/reservations`, {
        token: member.token,
        body: { performanceId: fixture.onSale, seatIds: available.slice(start, start + 4) },
      });
      expect({ status: response.status, body: response.status === 201 ? 'held' : response.body }).toEqual({
        status: 201,
        body: 'held',
      });
    }
  });

  it('fuzzed every operation of the OpenAPI document', () => {
    const cases = Object.fromEntries(
      operations.map((op) => [`${op.method} ${op.path}`, tally.cases(`${op.method} ${op.path}`)]),
    );
    expect(Object.entries(cases).filter(([, count]) => count < Math.min(RUNS, 30))).toEqual([]);
  });
});
