import Redis, { ReplyError } from 'ioredis';
import { StoreUnavailableError } from '../../../src/application/shared/errors';
import { connectRedis, createRedis } from '../../../src/adapters/redis/redis-client';
import { RedisSeatHoldStore } from '../../../src/adapters/redis/redis-seat-hold.store';
import { testRedisUrl } from '../../support/environment';
import { seatHoldKey } from '../../support/redis-seat-keys';
import { aPerformanceId, aReservationId, millisecondsAfter } from '../../support/seat-hold.mother';

const redis = createRedis(testRedisUrl);
let store: RedisSeatHoldStore;
let performanceId: string;
const inAMinute = () => millisecondsAfter(new Date(), 60_000);

beforeAll(() => connectRedis(redis));
beforeEach(async () => {
  await redis.flushdb();
  store = new RedisSeatHoldStore(redis);
  performanceId = aPerformanceId();
});
afterAll(() => redis.quit());

describe('RedisSeatHoldStore keys', () => {
  it('keeps one key per seat under the performance hash tag, holding the reservation id until the hold ends', async () => {
    const reservationId = aReservationId();

    await store.tryHold(performanceId, ['A1', 'A2'], reservationId, inAMinute());

    expect((await redis.keys('*')).sort()).toEqual([
      `ticketing:hold:{${performanceId}}:A1`,
      `ticketing:hold:{${performanceId}}:A2`,
    ]);
    expect(await redis.get(seatHoldKey(performanceId, 'A1'))).toBe(reservationId);
    const ttl = await redis.pttl(seatHoldKey(performanceId, 'A2'));
    expect(ttl).toBeGreaterThan(55_000);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });

  it('drops the expiry of sold seats and deletes released ones', async () => {
    const reservationId = aReservationId();
    await store.tryHold(performanceId, ['B1', 'B2'], reservationId, inAMinute());

    await store.markSold(performanceId, ['B1'], reservationId);
    await store.release(performanceId, ['B2'], reservationId);

    expect(await redis.pttl(seatHoldKey(performanceId, 'B1'))).toBe(-1);
    expect(await redis.get(seatHoldKey(performanceId, 'B1'))).toBe(reservationId);
    expect(await redis.exists(seatHoldKey(performanceId, 'B2'))).toBe(0);
  });

  it('remembers each seat with its own holder, expiring only when given an end', async () => {
    const [held, sold] = [aReservationId(), aReservationId()];

    await store.remember(
      performanceId,
      new Map([
        ['C1', held],
        ['C2', held],
      ]),
      inAMinute(),
    );
    await store.remember(performanceId, new Map([['C3', sold]]), null);

    expect(await redis.mget(['C1', 'C2', 'C3'].map((seat) => seatHoldKey(performanceId, seat)))).toEqual([
      held,
      held,
      sold,
    ]);
    expect(await redis.pttl(seatHoldKey(performanceId, 'C2'))).toBeGreaterThan(55_000);
    expect(await redis.pttl(seatHoldKey(performanceId, 'C3'))).toBe(-1);
  });

  it('uses the key prefix it is given', async () => {
    await new RedisSeatHoldStore(redis, 'other-app:').tryHold(performanceId, ['D1'], aReservationId(), inAMinute());

    expect(await redis.keys('*')).toEqual([seatHoldKey(performanceId, 'D1', 'other-app:')]);
  });
});

describe('RedisSeatHoldStore on the wire', () => {
  it('sends each operation as one EVALSHA', async () => {
    const reservationId = aReservationId();
    const operations = [
      () => store.tryHold(performanceId, ['E1', 'E2'], reservationId, inAMinute()),
      () => store.markSold(performanceId, ['E1'], reservationId),
      () => store.release(performanceId, ['E2'], reservationId),
      () => store.remember(performanceId, new Map([['E3', reservationId]]), null),
    ];
    // ioredis sends a script by EVAL the first time a connection uses it, by EVALSHA after.
    for (const operation of operations) await operation();

    const address = /addr=(\S+)/.exec(String(await redis.call('CLIENT', 'INFO')))![1];
    const monitor = await new Redis(testRedisUrl, { lazyConnect: true }).monitor();
    const seen: string[] = [];
    monitor.on('monitor', (_time: string, args: string[], source: string) => {
      if (source === address) seen.push(String(args[0]).toLowerCase());
    });
    try {
      for (const operation of operations) await operation();
      await redis.echo('done');
      const deadline = Date.now() + 2_000;
      while (!seen.includes('echo') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
    } finally {
      monitor.disconnect();
    }

    expect(seen).toEqual(['evalsha', 'evalsha', 'evalsha', 'evalsha', 'echo']);
  });

  it('lets a Redis reply that reveals a bug through as itself, not as an outage', async () => {
    await redis.hset(seatHoldKey(performanceId, 'F1'), 'not', 'a string');

    const error = await store
      .tryHold(performanceId, ['F1'], aReservationId(), inAMinute())
      .catch((failure: unknown) => failure);

    expect(error).toBeInstanceOf(ReplyError);
    expect(error).not.toBeInstanceOf(StoreUnavailableError);
    expect((error as Error).message).toMatch(/WRONGTYPE/);
  });
});
