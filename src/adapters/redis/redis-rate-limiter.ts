import { RateLimiterMemory, RateLimiterRedis } from 'rate-limiter-flexible';
import type { Limiter, LimiterFactory } from '../http/rate-limits';
import type { RedisClient } from './redis-client';

/**
 * Rate limiters counted in Redis, so that a limit holds across every instance. Redis only
 * counts here too: while it is down (or not answering within the client's command timeout)
 * each limiter falls back to its in-memory insurance, i.e. to per-instance limits, instead of
 * failing the request; the Redis counters take over again when it is back.
 *
 * On a cluster every counter is one key (rate-limiter-flexible's script and transactions take
 * one key each), so counters spread over the shards and no command ever spans two slots.
 */
export function redisRateLimiterFactory(redis: RedisClient): LimiterFactory {
  return (name, settings): Limiter => {
    const options = {
      keyPrefix: `rl:${name}`,
      points: settings.points,
      duration: settings.durationSeconds,
      blockDuration: settings.blockSeconds ?? 0,
    };
    return new RateLimiterRedis({
      ...options,
      storeClient: redis,
      // While the connection is down, go to the insurance at once instead of erroring per command.
      rejectIfRedisNotReady: true,
      insuranceLimiter: new RateLimiterMemory(options),
    });
  };
}
