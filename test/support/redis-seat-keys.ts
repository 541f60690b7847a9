import type Redis from 'ioredis';

/** The key layout RedisSeatHoldStore promises (stated here independently, so a change shows). */
export function seatHoldKey(performanceId: string, seatId: string, prefix = 'ticketing:'): string {
  return `${prefix}hold:{${performanceId}}:${seatId}`;
}

/**
 * Waits until every key is gone (PTTL -2), polling every 5 ms, and fails after `timeoutMs`:
 * waiting on what Redis reports, not sleeping for a guessed duration.
 */
export async function waitForKeysToVanish(redis: Redis, keys: readonly string[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ttls = await Promise.all(keys.map((key) => redis.pttl(key)));
    if (ttls.every((ttl) => ttl === -2)) return;
    if (Date.now() > deadline)
      throw new Error(`keys still present after ${timeoutMs} ms: ${keys.join(', ')} (PTTL ${ttls.join(', ')})`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
