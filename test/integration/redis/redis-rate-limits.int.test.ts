import { randomUUID } from 'node:crypto';
import type Redis from 'ioredis';
import type { HttpContext } from '../../../src/adapters/http/http-context';
import { FlexibleRateLimits, type RateLimitSettings } from '../../../src/adapters/http/rate-limits';
import { connectRedis, createRedis } from '../../../src/adapters/redis/redis-client';
import { redisRateLimiterFactory } from '../../../src/adapters/redis/redis-rate-limiter';
import { TEST_REDIS_SERVER_URL, testRedisDb, testRedisUrl } from '../../support/environment';
import { LOOSE_RATE_LIMITS, startFullStack, type TestService } from '../../support/service';
import { TcpProxy } from '../../support/tcp-proxy';

const CLOSED_PORT_URL = 'redis://127.0.0.1:6390';
const clients: Redis[] = [];

function client(url: string, options?: { commandTimeoutMs?: number }): Redis {
  const redis = createRedis(url, options);
  redis.on('error', () => {});
  clients.push(redis);
  return redis;
}

afterAll(() => {
  for (const redis of clients) redis.disconnect();
});

/**
 * One instance's limits, counting in `redis`: holds limited to `points` a minute per address.
 * Tests use a fresh address each, so earlier runs' counters in this Redis db never matter.
 */
function instance(redis: Redis, points: number) {
  const failures: unknown[] = [];
  const settings: RateLimitSettings = { ...LOOSE_RATE_LIMITS, holdsPerIp: { points, durationSeconds: 60 } };
  const limits = new FlexibleRateLimits(settings, redisRateLimiterFactory(redis), (error) => failures.push(error));
  const check = (ip: string) =>
    // Only what the limits use of a request: its address, and the RateLimit headers they set.
    limits.check('holds', { ip, set: () => {} } as unknown as HttpContext, undefined).then(
      () => 'allowed' as const,
      (error: { code?: string }) => error.code,
    );
  return { check, failures };
}

describe('rate limits counted in Redis', () => {
  it('hold across instances: both count against one limit', async () => {
    const [a, b] = [instance(client(testRedisUrl), 4), instance(client(testRedisUrl), 4)];
    await Promise.all(clients.slice(-2).map((redis) => connectRedis(redis)));
    const ip = `shared-${randomUUID()}`;

    const outcomes = [
      await a.check(ip),
      await b.check(ip),
      await a.check(ip),
      await b.check(ip),
      await a.check(ip),
      await b.check(ip),
    ];

    expect(outcomes).toEqual(['allowed', 'allowed', 'allowed', 'allowed', 'RATE_LIMITED', 'RATE_LIMITED']);
    expect(a.failures).toEqual([]);
  });

  it('fall back to per-instance limits at once when Redis is unreachable, and never fail the request', async () => {
    const down = instance(client(CLOSED_PORT_URL), 3);
    const ip = `unreachable-${randomUUID()}`;
    const started = performance.now();

    const outcomes = [];
    for (let i = 0; i < 5; i++) outcomes.push(await down.check(ip));

    expect(outcomes).toEqual(['allowed', 'allowed', 'allowed', 'RATE_LIMITED', 'RATE_LIMITED']);
    expect(performance.now() - started).toBeLessThan(250);
    expect(down.failures).toEqual([]);
  });

  it('fall back after the command timeout when Redis stops answering', async () => {
    const server = new URL(TEST_REDIS_SERVER_URL);
    const proxy = await TcpProxy.start({ host: server.hostname, port: Number(server.port || 6379) });
    try {
      const redis = client(`redis://127.0.0.1:${proxy.port}/${testRedisDb}`, { commandTimeoutMs: 200 });
      await connectRedis(redis);
      const stalled = instance(redis, 2);
      const ip = `stalled-${randomUUID()}`;
      expect(await stalled.check(ip)).toBe('allowed');

      proxy.stall();
      const started = performance.now();
      const outcomes = [await stalled.check(ip), await stalled.check(ip), await stalled.check(ip)];

      // The insurance counts from zero: per-instance limits while Redis is away.
      expect(outcomes).toEqual(['allowed', 'allowed', 'RATE_LIMITED']);
      expect(performance.now() - started).toBeLessThan(3 * 1_000);
      expect(stalled.failures).toEqual([]);
    } finally {
      await proxy.stop();
    }
  });
});

describe('the login guard on two instances sharing Redis', () => {
  let first: TestService;
  let second: TestService;
  beforeAll(async () => {
    const env = {
      RATE_LIMIT_ENABLED: 'true',
      LOGIN_MAX_FAILURES_PER_EMAIL_AND_IP: '3',
      LOGIN_BLOCK_SECONDS: '120',
      // Every test of this worker logs in from 127.0.0.1.
      RATE_LIMIT_LOGIN_PER_IP_PER_MINUTE: '100000',
      RATE_LIMIT_PER_IP_PER_MINUTE: '100000',
    };
    [first, second] = await Promise.all([startFullStack(env), startFullStack(env)]);
  }, 60_000);
  afterAll(() => Promise.all([first?.close(), second?.close()]));

  it('blocks an account on every instance once its failures, made on any of them, reach the limit', async () => {
    const email = `guarded-${randomUUID()}@example.com`;
    const password = 'the-right-password-123';
    await first.api.newMember({ email, password });
    const attempt = (service: TestService, secret: string) =>
      service.request('POST', '/api/v1/auth/login', { body: { email, password: secret } });

    expect((await attempt(first, 'wrong-1')).status).toBe(401);
    expect((await attempt(second, 'wrong-2')).status).toBe(401);
    expect((await attempt(first, 'wrong-3')).status).toBe(401);

    for (const service of [second, first]) {
      const blocked = await attempt(service, password);
      expect(blocked.status).toBe(429);
      expect(blocked.body.code).toBe('RATE_LIMITED');
      expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(100);
    }
  }, 30_000);
});
