import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import pino from 'pino';
import { StoreUnavailableError } from '../../src/application/shared/errors';
import { SeatsAlreadyClaimedError } from '../../src/domain/sales/reservation.errors';
import { startTestApp, type TestApp } from '../support/service';
import type { Json } from '../../testkit/api-client';
import { expectProblem } from '../support/problem-assertions';

/** A pino logger whose lines the test can read. */
function capturingLogger() {
  const lines: Record<string, Json>[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines };
}

describe('HTTP protocol errors', () => {
  let app: TestApp;
  let token: string;
  const limit = 4096;

  beforeAll(async () => {
    app = await startTestApp({ http: { bodyLimitBytes: limit } });
    token = await app.memberToken();
  });
  afterAll(() => app.close());

  const postReservation = (body: string, headers: Record<string, string> = { 'Content-Type': 'application/json' }) =>
    app.request('POST', '/api/v1/reservations', { token, body, headers });

  it('answers 400 MALFORMED_JSON for a body that is not JSON', async () => {
    expectProblem(await postReservation('{"performanceId": '), 400, 'MALFORMED_JSON');
    expectProblem(await postReservation('"just a string"'), 400, 'MALFORMED_JSON');
  });

  it('answers 400 MALFORMED_JSON for prototype pollution attempts', async () => {
    expectProblem(await postReservation('{"__proto__": {"admin": true}, "seatIds": []}'), 400, 'MALFORMED_JSON');
  });

  it('answers 400 VALIDATION_FAILED for an array, unknown fields or wrong types', async () => {
    expectProblem(await postReservation('[]'), 400, 'VALIDATION_FAILED');
    const unknown = expectProblem(
      await postReservation(
        JSON.stringify({ performanceId: randomUUID(), seatIds: [randomUUID()], memberId: randomUUID() }),
      ),
      400,
      'VALIDATION_FAILED',
    );
    expect(unknown.errors).toEqual([{ path: '', message: expect.stringContaining('memberId') }]);
    const wrongTypes = expectProblem(
      await postReservation(JSON.stringify({ performanceId: 42, seatIds: 'A-1-1' })),
      400,
      'VALIDATION_FAILED',
    );
    expect(wrongTypes.errors.map((issue: { path: string }) => issue.path).sort()).toEqual(['performanceId', 'seatIds']);
  });

  it('answers 400 VALIDATION_FAILED for a JSON request without a body', async () => {
    expectProblem(await app.request('POST', '/api/v1/reservations', { token }), 400, 'VALIDATION_FAILED');
  });

  it('answers 413 PAYLOAD_TOO_LARGE for a body over the limit, and takes one just under it', async () => {
    const padded = (size: number) => {
      const base = JSON.stringify({ performanceId: randomUUID(), seatIds: [randomUUID()], pad: '' });
      return base.replace('"pad":""', `"pad":"${'x'.repeat(size - base.length)}"`);
    };
    const problem = expectProblem(await postReservation(padded(limit + 1)), 413, 'PAYLOAD_TOO_LARGE');
    expect(problem.limitBytes).toBe(limit);
    // Under the limit it is read and judged on its content (here: the unknown field).
    expectProblem(await postReservation(padded(limit)), 400, 'VALIDATION_FAILED');
  });

  it.each(['text/plain', 'application/x-www-form-urlencoded', 'application/xml'])(
    'answers 415 UNSUPPORTED_MEDIA_TYPE for %s',
    async (type) => {
      const response = await postReservation(JSON.stringify({ performanceId: randomUUID(), seatIds: [randomUUID()] }), {
        'Content-Type': type,
      });
      expectProblem(response, 415, 'UNSUPPORTED_MEDIA_TYPE');
    },
  );

  it('accepts JSON with a charset parameter', async () => {
    const response = await postReservation(JSON.stringify({ performanceId: randomUUID(), seatIds: [randomUUID()] }), {
      'Content-Type': 'application/json; charset=utf-8',
    });
    expectProblem(response, 404, 'PERFORMANCE_NOT_FOUND');
  });

  it('answers 404 NOT_FOUND as problem details for an unknown route', async () => {
    const problem = expectProblem(await app.request('GET', '/api/v1/nothing-here'), 404, 'NOT_FOUND');
    expect(problem.instance).toBe('/api/v1/nothing-here');
    expectProblem(await app.request('POST', '/api/v2/reservations', { token, body: {} }), 404, 'NOT_FOUND');
  });

  it('answers 405 METHOD_NOT_ALLOWED with Allow for a known path', async () => {
    const response = await app.request('DELETE', '/api/v1/members/me', { token });
    const problem = expectProblem(response, 405, 'METHOD_NOT_ALLOWED');
    expect(response.headers.get('allow')).toBe('HEAD, GET, OPTIONS');
    // The body names the same methods as the header, in the same order.
    expect(problem.allow).toEqual(['HEAD', 'GET', 'OPTIONS']);
  });

  it('lists in a 405 body exactly the methods of its Allow header, on every path', async () => {
    for (const path of ['/api/v1/performances', '/api/v1/reservations', '/healthz', '/docs']) {
      const response = await app.request('PUT', path, { token });
      const problem = expectProblem(response, 405, 'METHOD_NOT_ALLOWED');
      expect({ path, allow: (problem.allow as string[]).join(', ') }).toEqual({
        path,
        allow: response.headers.get('allow'),
      });
    }
  });

  it('answers OPTIONS on a known path with the allowed methods', async () => {
    const response = await app.request('OPTIONS', '/api/v1/performances');
    expect(response.status).toBe(204);
    expect(response.headers.get('allow')).toBe('POST, HEAD, GET, OPTIONS');
  });

  it('echoes a safe X-Request-Id as the traceId and replaces an unsafe one', async () => {
    const kept = await app.request('GET', '/api/v1/nothing', { headers: { 'X-Request-Id': 'abc-123' } });
    expect(kept.body.traceId).toBe('abc-123');
    const replaced = await app.request('GET', '/api/v1/nothing', { headers: { 'X-Request-Id': 'a b\tc' } });
    expect(replaced.body.traceId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('sets security headers on every response, errors included', async () => {
    for (const response of [await app.request('GET', '/healthz'), await app.request('GET', '/api/v1/nothing')]) {
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('x-frame-options')).toBe('SAMEORIGIN');
      expect(response.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
      expect(response.headers.get('content-security-policy')).toBe("default-src 'none';frame-ancestors 'none'");
      expect(response.headers.get('x-powered-by')).toBeNull();
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
      expect(response.headers.get('cross-origin-opener-policy')).toBe('same-origin');
      expect(response.headers.get('x-xss-protection')).toBe('0');
    }
    // The Swagger UI loads its own scripts and images: helmet's default policy, not the API's.
    const docs = await app.request('GET', '/docs');
    expect(docs.headers.get('content-security-policy')).toContain("img-src 'self' data:");
    expect(docs.headers.get('content-security-policy')).not.toContain('upgrade-insecure-requests');
    expect(docs.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('sends no CORS headers when no origin is configured', async () => {
    const response = await app.request('GET', '/healthz', { headers: { Origin: 'https://shop.example' } });
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('failures of the application', () => {
  let app: TestApp;
  let log: ReturnType<typeof capturingLogger>;
  let releaseStuck: () => void = () => {};
  const claimedSeat = randomUUID();
  const holderReservation = randomUUID();

  beforeAll(async () => {
    log = capturingLogger();
    app = await startTestApp({
      logger: log.logger,
      http: { requestTimeoutMs: 100, corsOrigins: ['https://shop.example'] },
      useCases: {
        getSeatMap: {
          execute: async () => {
            throw new Error('database exploded at /srv/app/secret.ts:12');
          },
        },
        getPerformance: {
          execute: async () => {
            throw new StoreUnavailableError('database');
          },
        },
        holdSeats: {
          execute: async (_actor, input) => {
            throw new SeatsAlreadyClaimedError(input.performanceId, new Map([[claimedSeat, holderReservation]]));
          },
        },
        listPerformances: {
          // Never settles until the test lets it: the timeout must answer first.
          execute: () =>
            new Promise((resolve) => (releaseStuck = () => resolve({ items: [], page: 1, size: 20, total: 0 }))),
        },
      },
    });
  });
  afterAll(async () => {
    releaseStuck();
    await app.close();
  });

  it('answers 500 INTERNAL_ERROR with only a correlation id, and logs the stack under it', async () => {
    const response = await app.request('GET', `/api/v1/performances/${randomUUID()}/seats`);
    const problem = expectProblem(response, 500, 'INTERNAL_ERROR');
    expect(JSON.stringify(problem)).not.toContain('exploded');
    const logged = log.lines.find((line) => line.msg === 'unhandled error' && line.requestId === problem.traceId);
    expect(logged?.err.stack).toContain('database exploded');
    expect(logged?.route).toBe('/api/v1/performances/:id/seats');
  });

  it("answers 409 SEATS_ALREADY_CLAIMED, its own code, for the store's refusal of a claim, naming no holder", async () => {
    const response = await app.request('POST', '/api/v1/reservations', {
      token: await app.memberToken(),
      body: { performanceId: randomUUID(), seatIds: [claimedSeat] },
    });
    const problem = expectProblem(response, 409, 'SEATS_ALREADY_CLAIMED');
    expect(problem.seatIds).toEqual([claimedSeat]);
    expect(JSON.stringify(problem)).not.toContain(holderReservation);
  });

  it('answers 503 SERVICE_UNAVAILABLE with Retry-After when a store is down', async () => {
    const response = await app.request('GET', `/api/v1/performances/${randomUUID()}`);
    expectProblem(response, 503, 'SERVICE_UNAVAILABLE');
    expect(response.headers.get('retry-after')).toBe('2');
  });

  it('answers 503 REQUEST_TIMEOUT with Retry-After when a handler takes too long', async () => {
    const response = await app.request('GET', '/api/v1/performances');
    expectProblem(response, 503, 'REQUEST_TIMEOUT');
    expect(response.headers.get('retry-after')).toBe('2');
  });

  it('allows the configured CORS origin only', async () => {
    const allowed = await app.request('GET', '/healthz', { headers: { Origin: 'https://shop.example' } });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://shop.example');
    expect(allowed.headers.get('access-control-expose-headers')).toContain('Location');
    const preflight = await app.request('OPTIONS', '/api/v1/reservations', {
      headers: {
        Origin: 'https://shop.example',
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'authorization,content-type',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-headers')).toBe(
      'Authorization,Content-Type,X-Request-Id,Idempotency-Key',
    );
    const other = await app.request('GET', '/healthz', { headers: { Origin: 'https://evil.example' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('writes one access-log line per request with the route pattern, never ids, tokens, emails or passwords', async () => {
    const member = await app.newMember();
    const before = log.lines.length;
    const reservationId = randomUUID();
    const response = await app.request('GET', `/api/v1/reservations/${reservationId}`, { token: member.token });
    expect(response.status).toBe(404);
    const lines = log.lines.slice(before);
    expect(lines).toEqual([
      expect.objectContaining({
        msg: 'request',
        requestId: response.headers.get('x-request-id'),
        method: 'GET',
        route: '/api/v1/reservations/:id',
        status: 404,
        durationMs: expect.any(Number),
      }),
    ]);
    const everything = JSON.stringify(log.lines);
    expect(everything).not.toContain(member.token);
    expect(everything).not.toContain(member.email);
    expect(everything).not.toContain(member.password);
    expect(everything).not.toContain(reservationId);
  });

  it('logs an unmatched request under a placeholder route, not its path', async () => {
    const before = log.lines.length;
    const secret = randomUUID();
    await app.request('GET', `/wp-admin/${secret}`);
    expect(log.lines.slice(before)).toEqual([
      expect.objectContaining({ method: 'GET', route: '(unmatched)', status: 404 }),
    ]);
    expect(JSON.stringify(log.lines)).not.toContain(secret);
  });
});
