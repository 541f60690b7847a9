import { connectRedis, createRedis } from '../../src/adapters/redis/redis-client';
import { RedisWaitingRoomStore } from '../../src/adapters/redis/redis-waiting-room.store';
import { testRedisUrl } from '../support/environment';
import { describeWaitingRoomStoreContract } from './waiting-room-store.contract';

const redis = createRedis(testRedisUrl);

beforeAll(() => connectRedis(redis));
// This worker's own db number (test/support/environment.ts): flushing it touches no one else.
beforeEach(() => redis.flushdb());
afterAll(() => redis.quit());

describeWaitingRoomStoreContract('RedisWaitingRoomStore', () => new RedisWaitingRoomStore(redis));
