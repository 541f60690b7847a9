import { connectRedis, createRedis } from '../../src/adapters/redis/redis-client';
import { RedisBestAvailableStore } from '../../src/adapters/redis/redis-best-available.store';
import { RedisSeatHoldStore } from '../../src/adapters/redis/redis-seat-hold.store';
import { testRedisUrl } from '../support/environment';
import { seatHoldKey, waitForKeysToVanish } from '../support/redis-seat-keys';
import { describeBestAvailableStoreContract } from './best-available-store.contract';

const redis = createRedis(testRedisUrl);

beforeAll(() => connectRedis(redis));
// This worker's own db number (test/support/environment.ts): flushing it touches no one else.
beforeEach(() => redis.flushdb());
afterAll(() => redis.quit());

describeBestAvailableStoreContract('RedisBestAvailableStore', () => ({
  store: new RedisBestAvailableStore(redis),
  holds: new RedisSeatHoldStore(redis),
  now: () => new Date(),
  waitForHoldsToEnd: (performanceId, seatIds, expiresAt) =>
    waitForKeysToVanish(
      redis,
      seatIds.map((seatId) => seatHoldKey(performanceId, seatId)),
      Math.max(0, expiresAt.getTime() - Date.now()) + 1_000,
    ),
}));
