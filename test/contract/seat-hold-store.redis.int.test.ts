import { connectRedis, createRedis } from '../../src/adapters/redis/redis-client';
import { RedisSeatHoldStore } from '../../src/adapters/redis/redis-seat-hold.store';
import { testRedisUrl } from '../support/environment';
import { seatHoldKey, waitForKeysToVanish } from '../support/redis-seat-keys';
import { describeSeatHoldStoreContract } from './seat-hold-store.contract';

const redis = createRedis(testRedisUrl);

beforeAll(() => connectRedis(redis));
// This worker's own db number (test/support/environment.ts): flushing it touches no one else.
beforeEach(() => redis.flushdb());
afterAll(() => redis.quit());

describeSeatHoldStoreContract('RedisSeatHoldStore', () => ({
  store: new RedisSeatHoldStore(redis),
  now: () => new Date(),
  waitForHoldsToEnd: (performanceId, seatIds, expiresAt) =>
    waitForKeysToVanish(
      redis,
      seatIds.map((seatId) => seatHoldKey(performanceId, seatId)),
      Math.max(0, expiresAt.getTime() - Date.now()) + 1_000,
    ),
}));
