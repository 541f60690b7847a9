/**
 * When a failed delivery is tried again: the Standard Webhooks schedule, in seconds after
 * the previous attempt (5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 24 h). The first
 * attempt is immediate; after the last retry fails the delivery is marked failed.
 */
export const STANDARD_RETRY_SCHEDULE_SECONDS: readonly number[] = [
  5,
  5 * 60,
  30 * 60,
  2 * 3600,
  5 * 3600,
  10 * 3600,
  14 * 3600,
  20 * 3600,
  24 * 3600,
];

/** A Retry-After beyond this is not honoured further: the delivery retries a day later at most. */
export const MAX_RETRY_AFTER_SECONDS = 24 * 3600;

/**
 * After `attemptsMade` failed attempts, when to try next, or null when the schedule is spent.
 * A receiver's Retry-After (429/503) postpones the retry to at least that long.
 */
export function nextAttemptAt(
  attemptsMade: number,
  now: Date,
  schedule: readonly number[],
  retryAfterSeconds?: number,
): Date | null {
  const delay = schedule[attemptsMade - 1];
  if (delay === undefined) return null;
  const waited = Math.max(delay, Math.min(retryAfterSeconds ?? 0, MAX_RETRY_AFTER_SECONDS));
  return new Date(now.getTime() + waited * 1000);
}
