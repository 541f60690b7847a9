import { RateLimiterMemory } from 'rate-limiter-flexible';
import type { Limiter, LimiterFactory } from '../http/rate-limits';

/** Per-process rate limiters: the embedded mode's (one instance, nothing shared). */
export const memoryRateLimiterFactory: LimiterFactory = (name, settings): Limiter =>
  new RateLimiterMemory({
    keyPrefix: `rl:${name}`,
    points: settings.points,
    duration: settings.durationSeconds,
    blockDuration: settings.blockSeconds ?? 0,
  });
