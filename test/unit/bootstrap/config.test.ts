import { availableParallelism } from 'node:os';
import { ConfigError, loadConfig } from '../../../src/bootstrap/config';

describe('configuration of the reliability and security settings', () => {
  it('defaults to rate limits on, generous per-address limits, a 5-failure login guard and a day of idempotency', () => {
    const config = loadConfig({});

    expect(config.rateLimitEnabled).toBe(true);
    expect(config.rateLimits).toEqual({
      perIp: { points: 1200, durationSeconds: 60 },
      loginPerIp: { points: 30, durationSeconds: 60 },
      loginFailuresPerEmailAndIp: { points: 5, durationSeconds: 3600, blockSeconds: 900 },
      loginFailuresPerEmail: { points: 20, durationSeconds: 3600, blockSeconds: 900 },
      holdsPerMember: { points: 30, durationSeconds: 60 },
      holdsPerIp: { points: 600, durationSeconds: 60 },
    });
    expect(config.idempotencyTtlSeconds).toBe(86_400);
    expect(config.http.trustProxy).toBe(false);
    expect(config.reservation.maxSeatsPerMember).toBe(4);
  });

  it('reads every limit from the environment', () => {
    const config = loadConfig({
      RATE_LIMIT_ENABLED: 'false',
      RATE_LIMIT_PER_IP_PER_MINUTE: '100',
      RATE_LIMIT_LOGIN_PER_IP_PER_MINUTE: '10',
      RATE_LIMIT_HOLDS_PER_MEMBER_PER_MINUTE: '5',
      RATE_LIMIT_HOLDS_PER_IP_PER_MINUTE: '50',
      LOGIN_MAX_FAILURES_PER_EMAIL_AND_IP: '3',
      LOGIN_MAX_FAILURES_PER_EMAIL: '9',
      LOGIN_FAILURE_WINDOW_SECONDS: '600',
      LOGIN_BLOCK_SECONDS: '60',
      IDEMPOTENCY_TTL_SECONDS: '3600',
      MAX_SEATS_PER_MEMBER: '6',
    });

    expect(config.rateLimitEnabled).toBe(false);
    expect(config.rateLimits.loginFailuresPerEmailAndIp).toEqual({ points: 3, durationSeconds: 600, blockSeconds: 60 });
    expect(config.rateLimits.loginFailuresPerEmail).toEqual({ points: 9, durationSeconds: 600, blockSeconds: 60 });
    expect(config.rateLimits.holdsPerMember.points).toBe(5);
    expect(config.rateLimits.holdsPerIp.points).toBe(50);
    expect(config.rateLimits.perIp.points).toBe(100);
    expect(config.rateLimits.loginPerIp.points).toBe(10);
    expect(config.idempotencyTtlSeconds).toBe(3600);
    // Turning rate limits off leaves the seat cap alone.
    expect(config.reservation.maxSeatsPerMember).toBe(6);
  });

  it.each([
    ['false', false],
    ['no', false],
    ['0', false],
    ['true', true],
    ['yes', true],
    ['1', 1],
    ['2', 2],
  ])('reads TRUST_PROXY=%s as %p', (value, expected) => {
    expect(loadConfig({ TRUST_PROXY: value }).http.trustProxy).toBe(expected);
  });

  it.each(['maybe', '-1', '1.5'])('refuses TRUST_PROXY=%s', (value) => {
    expect(() => loadConfig({ TRUST_PROXY: value })).toThrow(ConfigError);
  });

  it('reads the webhook settings: the Standard Webhooks schedule unless WEBHOOK_RETRY_SCHEDULE names one', () => {
    expect(loadConfig({}).webhooks).toEqual({
      allowPrivate: false,
      retryScheduleSeconds: null,
      relayIntervalMs: 500,
      deliveryRetentionHours: 168,
    });
    const configured = loadConfig({ WEBHOOK_RETRY_SCHEDULE: '1, 2,4', WEBHOOK_ALLOW_PRIVATE: 'true' }).webhooks;
    expect(configured.retryScheduleSeconds).toEqual([1, 2, 4]);
    expect(configured.allowPrivate).toBe(true);
  });

  it.each(['1,,2', 'soon', '-1', '1.5', Array(21).fill('1').join(',')])(
    'refuses WEBHOOK_RETRY_SCHEDULE=%s',
    (value) => {
      expect(() => loadConfig({ WEBHOOK_RETRY_SCHEDULE: value })).toThrow(ConfigError);
    },
  );

  it('refuses limits that are not positive integers', () => {
    expect(() => loadConfig({ LOGIN_MAX_FAILURES_PER_EMAIL_AND_IP: '0' })).toThrow(ConfigError);
    expect(() => loadConfig({ IDEMPOTENCY_TTL_SECONDS: 'a day' })).toThrow(ConfigError);
  });
});

describe('configuration of password hashing', () => {
  it('runs as many argon2 hashes at once as there are cores, at most libuv pool threads, unless told otherwise', () => {
    expect(loadConfig({}).passwordHashConcurrency).toBe(Math.min(availableParallelism(), 4));
    expect(loadConfig({ UV_THREADPOOL_SIZE: '1' }).passwordHashConcurrency).toBe(1);
    expect(loadConfig({ UV_THREADPOOL_SIZE: '8', PASSWORD_HASH_CONCURRENCY: '3' }).passwordHashConcurrency).toBe(3);
    expect(loadConfig({ PASSWORD_HASH_CONCURRENCY: '0' }).passwordHashConcurrency).toBeNull();
  });

  it('refuses a concurrency that is not a whole number', () => {
    expect(() => loadConfig({ PASSWORD_HASH_CONCURRENCY: 'many' })).toThrow(ConfigError);
  });
});
