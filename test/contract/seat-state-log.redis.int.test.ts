import { connectRedis, createRedis } from '../../src/adapters/redis/redis-client';
import { RedisSeatStateLog } from '../../src/adapters/redis/redis-seat-state.log';
import { testRedisUrl } from '../support/environment';
import { seatStateLogContract } from './seat-state-log.contract';

const redis = createRedis(testRedisUrl);

beforeAll(() => connectRedis(redis));
// This worker's own db number (test/support/environment.ts): flushing it touches no one else.
beforeEach(() => redis.flushdb());
afterAll(() => redis.quit());

seatStateLogContract('RedisSeatStateLog', () => ({
  log: new RedisSeatStateLog(redis, () => createRedis(testRedisUrl, { commandTimeoutMs: 10_000 }), {
    retainedChanges: 20,
  }),
  retainedChanges: 20,
  forget: async () => {
    await redis.flushdb();
  },
}));
