import type Redis from 'ioredis';
import { BestEffortSeatHoldStore } from '../../../src/application/sales/best-effort-seat-hold-store';
import { StoreUnavailableError } from '../../../src/application/shared/errors';
import { connectRedis, createRedis, isRedisUp } from '../../../src/adapters/redis/redis-client';
import { RedisSeatHoldStore } from '../../../src/adapters/redis/redis-seat-hold.store';
import { TEST_REDIS_SERVER_URL, testRedisDb } from '../../support/environment';
import { TcpProxy } from '../../support/tcp-proxy';
import { aPerformanceId, aReservationId, millisecondsAfter } from '../../support/seat-hold.mother';

/** Nothing listens here: a Redis that is down, without stopping the one other tests share. */
const CLOSED_PORT_URL = 'redis://127.0.0.1:6390';
/** Well below the 500 ms command timeout: an answer this fast was not waiting on Redis. */
const FAST_MS = 250;

const redisServer = new URL(TEST_REDIS_SERVER_URL);
const clients: Redis[] = [];

function client(url: string, options?: { commandTimeoutMs?: number }): Redis {
  const redis = createRedis(url, options);
  // Reconnect failures are the point of these tests; keep ioredis from printing each one.
  redis.on('error', () => {});
  clients.push(redis);
  return redis;
}

async function timed(operation: () => Promise<unknown>): Promise<{ error: unknown; elapsedMs: number }> {
  const started = performance.now();
  const error = await operation().then(
    () => undefined,
    (failure: unknown) => failure,
  );
  return { error, elapsedMs: performance.now() - started };
}

async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

afterAll(() => {
  for (const redis of clients) redis.disconnect();
});

describe('RedisSeatHoldStore when Redis is unreachable', () => {
  const performanceId = aPerformanceId();
  const reservationId = aReservationId();
  const expiresAt = millisecondsAfter(new Date(), 60_000);

  it('answers every operation at once with StoreUnavailableError', async () => {
    const store = new RedisSeatHoldStore(client(CLOSED_PORT_URL));
    const operations = [
      () => store.tryHold(performanceId, ['A1'], reservationId, expiresAt),
      () => store.markSold(performanceId, ['A1'], reservationId),
      () => store.release(performanceId, ['A1'], reservationId),
      () => store.remember(performanceId, new Map([['A1', reservationId]]), null),
    ];

    for (const operation of operations) {
      const { error, elapsedMs } = await timed(operation);
      expect(error).toBeInstanceOf(StoreUnavailableError);
      expect(elapsedMs).toBeLessThan(FAST_MS);
    }
  });

  it('still fails fast while it keeps trying to reconnect, and reports itself down', async () => {
    const redis = client(CLOSED_PORT_URL);
    const store = new RedisSeatHoldStore(redis);

    const connecting = await timed(() => connectRedis(redis, 300));
    expect(connecting.error).toBeInstanceOf(StoreUnavailableError);
    expect(connecting.elapsedMs).toBeLessThan(1_000);
    expect(redis.status).toBe('reconnecting');

    const holding = await timed(() => store.tryHold(performanceId, ['A1'], reservationId, expiresAt));
    expect(holding.error).toBeInstanceOf(StoreUnavailableError);
    expect((holding.error as Error).cause).toBeInstanceOf(Error);
    expect(holding.elapsedMs).toBeLessThan(FAST_MS);

    const probing = await timed(async () => expect(await isRedisUp(redis)).toBe(false));
    expect(probing.error).toBeUndefined();
    expect(probing.elapsedMs).toBeLessThan(FAST_MS);
  });
});

describe('the seat-hold failure policy over a Redis that is unreachable', () => {
  it('skips every operation at once, tryHold answering that MySQL alone decides', async () => {
    const skipped: StoreUnavailableError[] = [];
    const store = new BestEffortSeatHoldStore(new RedisSeatHoldStore(client(CLOSED_PORT_URL)), (error) =>
      skipped.push(error),
    );
    const performanceId = aPerformanceId();
    const reservationId = aReservationId();

    const holding = await timed(async () =>
      expect(await store.tryHold(performanceId, ['A1'], reservationId, millisecondsAfter(new Date(), 60_000))).toEqual({
        granted: false,
        storeUnavailable: true,
      }),
    );
    const releasing = await timed(() => store.release(performanceId, ['A1'], reservationId));

    for (const { error, elapsedMs } of [holding, releasing]) {
      expect(error).toBeUndefined();
      expect(elapsedMs).toBeLessThan(FAST_MS);
    }
    expect(skipped).toHaveLength(2);
  });
});

describe('RedisSeatHoldStore behind a connection that fails', () => {
  let proxy: TcpProxy;

  beforeEach(async () => {
    proxy = await TcpProxy.start({ host: redisServer.hostname, port: Number(redisServer.port || 6379) });
  });
  afterEach(() => proxy.stop());

  const viaProxy = () => `redis://127.0.0.1:${proxy.port}/${testRedisDb}`;

  it('gives up after the command timeout when Redis stops answering', async () => {
    const redis = client(viaProxy(), { commandTimeoutMs: 200 });
    await connectRedis(redis);
    const store = new RedisSeatHoldStore(redis);
    const performanceId = aPerformanceId();
    const expiresAt = millisecondsAfter(new Date(), 60_000);
    expect(await store.tryHold(performanceId, ['B1'], aReservationId(), expiresAt)).toEqual({ granted: true });

    proxy.stall();
    const { error, elapsedMs } = await timed(() => store.tryHold(performanceId, ['B2'], aReservationId(), expiresAt));

    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect(((error as Error).cause as Error).message).toBe('Command timed out');
    expect(elapsedMs).toBeGreaterThanOrEqual(190);
    expect(elapsedMs).toBeLessThan(1_000);
  });

  it('fails fast while Redis is gone and serves again by itself once it is back', async () => {
    const redis = client(viaProxy());
    await connectRedis(redis);
    const store = new RedisSeatHoldStore(redis);
    const performanceId = aPerformanceId();
    const [holder, other] = [aReservationId(), aReservationId()];
    const expiresAt = millisecondsAfter(new Date(), 60_000);
    expect(await store.tryHold(performanceId, ['C1'], holder, expiresAt)).toEqual({ granted: true });

    await proxy.stop();
    await waitFor(() => redis.status !== 'ready', 2_000);
    const down = await timed(() => store.tryHold(performanceId, ['C1'], other, expiresAt));
    expect(down.error).toBeInstanceOf(StoreUnavailableError);
    expect(down.elapsedMs).toBeLessThan(FAST_MS);

    await proxy.restart();
    await waitFor(() => isRedisUp(redis), 5_000);
    // Reconnected with no help, and the hold made before the outage still counts.
    expect(await store.tryHold(performanceId, ['C1'], other, expiresAt)).toEqual({ granted: false, conflicts: ['C1'] });
  });
});
