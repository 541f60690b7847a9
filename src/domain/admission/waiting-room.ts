/**
 * The rules of a waiting room, shared by every store that keeps one (the Redis script
 * implements the same arithmetic): the order of the queue, the token bucket that meters
 * admissions, and what a waiting member is told.
 */

/** A waiting room as its store needs it: all times in epoch milliseconds. */
export interface QueueSchedule {
  readonly performanceId: string;
  readonly opensAtMs: number;
  readonly closesAtMs: number;
  readonly admitPerMinute: number;
  readonly admissionMs: number;
  /** A WAITING member not seen for this long is dropped. */
  readonly abandonMs: number;
}

/**
 * Order keys. Members who join before the opening get a uniformly random key below
 * PRE_QUEUE_SPAN, drawn when they join but never shown before the opening, so the pre-queue
 * is a uniform shuffle as of salesOpenAt; everyone later gets PRE_QUEUE_SPAN + their join
 * sequence, so they come after the whole pre-queue, first come first served. Both stay below
 * 2^53, exact in a double (a Redis sorted-set score).
 */
export const PRE_QUEUE_SPAN = 2 ** 40;

export function orderKey(joinedAtMs: number, opensAtMs: number, randomKey: number, sequence: number): number {
  return joinedAtMs < opensAtMs ? randomKey : PRE_QUEUE_SPAN + sequence;
}

/**
 * The bucket holds at most one second of admissions (at least one), so admissions are
 * smooth: no burst at the opening, none after a quiet spell.
 */
export function bucketCapacity(admitPerMinute: number): number {
  return Math.max(1, admitPerMinute / 60);
}

export interface TokenBucket {
  readonly tokens: number;
  readonly atMs: number;
}

/** The bucket starts empty at the opening (or when first seen after it, e.g. after a reset). */
export function refill(bucket: TokenBucket | null, schedule: QueueSchedule, nowMs: number): TokenBucket {
  const start = bucket ?? { tokens: 0, atMs: Math.max(schedule.opensAtMs, nowMs) };
  if (nowMs <= start.atMs) return start;
  const tokens = Math.min(
    bucketCapacity(schedule.admitPerMinute),
    start.tokens + ((nowMs - start.atMs) * schedule.admitPerMinute) / 60_000,
  );
  return { tokens, atMs: nowMs };
}

/** What a waiting member is told: when to expect admission and when to ask again. */
export interface WaitingEstimate {
  readonly etaSeconds: number;
  readonly pollAfterMs: number;
}

/** Polls at most this often, however close the admission. */
const MIN_POLL_MS = 1_000;
/** And at least this often, so that a large queue still reports its progress. */
const MAX_POLL_MS = 20_000;

export function estimate(position: number, schedule: QueueSchedule, nowMs: number): WaitingEstimate {
  const untilOpen = Math.max(0, schedule.opensAtMs - nowMs);
  const etaMs = untilOpen + (position * 60_000) / schedule.admitPerMinute;
  // A quarter of the wait, but well inside the abandonment time, so a client that follows it is never dropped.
  const pollAfterMs = Math.round(Math.max(MIN_POLL_MS, Math.min(etaMs / 4, MAX_POLL_MS, schedule.abandonMs / 3)));
  // An opening centuries away still fits the int32 the API states.
  return { etaSeconds: Math.min(Math.ceil(etaMs / 1000), 2_147_483_647), pollAfterMs };
}
