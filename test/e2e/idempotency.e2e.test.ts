import { randomUUID } from 'node:crypto';
import { StoreUnavailableError } from '../../src/application/shared/errors';
import type { UseCases } from '../../src/adapters/http/http-dependencies';
import { startTestApp, type TestApp } from '../support/service';
import type { Json, ApiMember } from '../../testkit/api-client';
import { expectProblem } from '../support/problem-assertions';

const TTL_SECONDS = 3600;

describe('Idempotency-Key on POST /reservations and /confirm', () => {
  let app: TestApp;
  let performanceId: string;
  let seatIds: string[];
  let alice: ApiMember;
  let bob: ApiMember;
  let nextSeat = 0;
  const freshSeats = (count: number) => seatIds.slice(nextSeat, (nextSeat += count));
  /** Set by a test to slow holds down or make them fail. */
  let beforeHold: () => Promise<void> = async () => {};

  const hold = (member: ApiMember, seats: string[], key?: string, body?: unknown) =>
    app.request('POST', '/api/v1/reservations', {
      token: member.token,
      body: body ?? { performanceId, seatIds: seats },
      headers: key === undefined ? {} : { 'Idempotency-Key': key },
    });
  const reservationsOf = async (member: ApiMember): Promise<Json[]> =>
    (await app.request('GET', '/api/v1/members/me/reservations', { token: member.token })).body.items;

  beforeAll(async () => {
    app = await startTestApp({
      idempotencyTtlSeconds: TTL_SECONDS,
      // Tokens outlive the clock's jumps past IDEMPOTENCY_TTL_SECONDS.
      env: { TOKEN_TTL_SECONDS: String(4 * TTL_SECONDS) },
      wrap: {
        holdSeats: (holdSeats) => ({
          execute: async (...args: Parameters<UseCases['holdSeats']['execute']>) => {
            await beforeHold();
            return holdSeats.execute(...args);
          },
        }),
      },
    });
    const performance = await app.createPerformance({
      sections: [{ name: 'A', grade: 'VIP', rows: 10, seatsPerRow: 10 }],
      grades: [{ name: 'VIP', price: 150_000 }],
    });
    performanceId = performance.id;
    seatIds = await app.seatIds(performanceId);
    [alice, bob] = [await app.newMember(), await app.newMember()];
  });
  afterEach(() => {
    beforeHold = async () => {};
  });
  afterAll(() => app.close());

  it('answers a retry with the first answer, status, body and Location, and makes no second reservation', async () => {
    const key = randomUUID();
    const seats = freshSeats(2);
    const first = await hold(alice, seats, key);
    expect(first.status).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();

    app.clock.advance(60_000);
    const retry = await hold(alice, seats, key);

    expect(retry.status).toBe(201);
    expect(retry.body).toEqual(first.body);
    expect(retry.headers.get('location')).toBe(first.headers.get('location'));
    expect(retry.headers.get('content-type')).toBe(first.headers.get('content-type'));
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect((await reservationsOf(alice)).filter((reservation) => reservation.id === first.body.id)).toHaveLength(1);
    expect((await reservationsOf(alice)).map((reservation) => reservation.seats[0].id)).toEqual(
      expect.arrayContaining([seats[0]]),
    );
  });

  it('treats the same body with its keys in another order as the same request', async () => {
    const key = randomUUID();
    const seats = freshSeats(1);
    const first = await hold(alice, seats, key, { performanceId, seatIds: seats });
    const retry = await hold(alice, seats, key, { seatIds: seats, performanceId });
    expect(retry.status).toBe(201);
    expect(retry.body.id).toBe(first.body.id);
  });

  it('answers 422 IDEMPOTENCY_KEY_REUSED for the same key with another body, and holds nothing for it', async () => {
    const key = randomUUID();
    const [first, other] = [freshSeats(1), freshSeats(1)];
    expect((await hold(alice, first, key)).status).toBe(201);

    expectProblem(await hold(alice, other, key), 422, 'IDEMPOTENCY_KEY_REUSED');

    expect((await hold(bob, other)).status).toBe(201);
  });

  it('answers 422 IDEMPOTENCY_KEY_REUSED for the same key on another route or reservation', async () => {
    const key = randomUUID();
    const held = (await hold(alice, freshSeats(1), key)).body;
    expectProblem(
      await app.request('POST', `/api/v1/reservations/${held.id}/confirm`, {
        token: alice.token,
        headers: { 'Idempotency-Key': key },
      }),
      422,
      'IDEMPOTENCY_KEY_REUSED',
    );
  });

  it('keeps keys apart per member: the same key from another member is a request of its own', async () => {
    const key = randomUUID();
    const [mine, theirs] = [freshSeats(1), freshSeats(1)];
    const first = await hold(alice, mine, key);
    const other = await hold(bob, theirs, key);
    expect(other.status).toBe(201);
    expect(other.body.id).not.toBe(first.body.id);
    expect(other.headers.get('idempotent-replayed')).toBeNull();
  });

  it('records a 4xx problem and replays it, even once the request would succeed', async () => {
    const key = randomUUID();
    const seats = freshSeats(1);
    const taken = (await hold(bob, seats)).body;
    const refused = await hold(alice, seats, key);
    expectProblem(refused, 409, 'SEAT_UNAVAILABLE');

    await app.request('POST', `/api/v1/reservations/${taken.id}/cancel`, { token: bob.token });
    const retry = await hold(alice, seats, key);

    expect(retry.status).toBe(409);
    expect(retry.body).toEqual(refused.body);
    expect(retry.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect((await hold(alice, seats)).status).toBe(201);
  });

  it('does not record a 5xx: the retry runs again', async () => {
    const key = randomUUID();
    const seats = freshSeats(1);
    beforeHold = async () => {
      throw new StoreUnavailableError('MySQL');
    };
    expectProblem(await hold(alice, seats, key), 503, 'SERVICE_UNAVAILABLE');
    beforeHold = async () => {
      throw new Error('a bug');
    };
    expectProblem(await hold(alice, seats, key), 500, 'INTERNAL_ERROR');
    beforeHold = async () => {};

    const retry = await hold(alice, seats, key);
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBeNull();
  });

  it('answers 409 IDEMPOTENCY_KEY_IN_USE with Retry-After while the first request runs, then its answer', async () => {
    const key = randomUUID();
    const seats = freshSeats(1);
    let release: () => void = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    let entered: () => void = () => {};
    const running = new Promise<void>((resolve) => (entered = resolve));
    beforeHold = async () => {
      entered();
      await released;
    };
    const first = hold(alice, seats, key);
    await running;

    const concurrent = await hold(alice, seats, key);
    const problem = expectProblem(concurrent, 409, 'IDEMPOTENCY_KEY_IN_USE');
    expect(Number(concurrent.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(problem.retryAfterSeconds).toBe(Number(concurrent.headers.get('retry-after')));

    release();
    const answered = await first;
    expect(answered.status).toBe(201);
    const after = await hold(alice, seats, key);
    expect(after.body).toEqual(answered.body);
  });

  it('forgets a key after IDEMPOTENCY_TTL_SECONDS: the same key then makes a new request', async () => {
    const key = randomUUID();
    const first = await hold(alice, freshSeats(1), key);
    app.clock.advance(TTL_SECONDS * 1000 - 1);
    expect((await hold(alice, [first.body.seats[0].id], key)).headers.get('idempotent-replayed')).toBe('true');

    app.clock.advance(1);
    const fresh = await hold(alice, freshSeats(1), key);
    expect(fresh.status).toBe(201);
    expect(fresh.body.id).not.toBe(first.body.id);
  });

  it('makes confirm idempotent too', async () => {
    const held = (await hold(alice, freshSeats(1))).body;
    const key = randomUUID();
    const confirm = () =>
      app.request('POST', `/api/v1/reservations/${held.id}/confirm`, {
        token: alice.token,
        headers: { 'Idempotency-Key': key },
      });
    const first = await confirm();
    expect(first.status).toBe(200);
    expect(first.body.status).toBe('CONFIRMED');
    app.clock.advance(1000);
    const retry = await confirm();
    expect(retry.status).toBe(200);
    expect(retry.body).toEqual(first.body);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
  });

  it.each([
    ['empty', ''],
    ['too long', 'k'.repeat(256)],
    ['not ASCII', 'clé-à-molette'],
    ['with a tab inside', 'key\tone'],
  ])('answers 400 INVALID_IDEMPOTENCY_KEY for a key that is %s, and holds nothing', async (_name, key) => {
    const seats = freshSeats(1);
    expectProblem(await hold(alice, seats, key), 400, 'INVALID_IDEMPOTENCY_KEY');
    expect((await hold(bob, seats)).status).toBe(201);
  });

  it('accepts a key of 255 printable characters, spaces inside included', async () => {
    const key = `${'k'.repeat(120)} ${'~'.repeat(134)}`;
    expect(key).toHaveLength(255);
    const seats = freshSeats(1);
    expect((await hold(alice, seats, key)).status).toBe(201);
    expect((await hold(alice, seats, key)).headers.get('idempotent-replayed')).toBe('true');
  });

  it('is documented on both routes, with its problems', async () => {
    const doc = (await app.request('GET', '/openapi.json')).body;
    for (const operation of [
      doc.paths['/api/v1/reservations'].post,
      doc.paths['/api/v1/reservations/{id}/confirm'].post,
    ]) {
      expect(operation.parameters).toEqual(
        expect.arrayContaining([expect.objectContaining({ in: 'header', name: 'Idempotency-Key', required: false })]),
      );
      expect(operation.responses['409'].description).toContain('IDEMPOTENCY_KEY_IN_USE');
      expect(operation.responses['422'].description).toContain('IDEMPOTENCY_KEY_REUSED');
      expect(operation.responses['400'].description).toContain('INVALID_IDEMPOTENCY_KEY');
    }
  });
});
