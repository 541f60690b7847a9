import type { TakenStatus } from './seat-state-log';

/**
 * The taken seats of a performance at a version. `version` is null when the live view is
 * unavailable (Redis unreachable) and the seats were read from MySQL directly.
 */
export interface VersionedSeats {
  readonly version: number | null;
  readonly taken: ReadonlyMap<string, TakenStatus>;
}

/** What other modules read of the seat state: "what is taken now", from one place. */
export interface SeatStates {
  current(performanceId: string, now: Date): Promise<VersionedSeats>;
  /**
   * The seats among `seatIds` that this instance's live view shows taken, without I/O; null
   * when the view does not follow the performance (then ask the hold store). Staleness: the
   * view trails the shared log by one read (milliseconds) plus at most the batching delay
   * (SEAT_STREAM_BATCH_MS); a hold shows as taken until it is expired (lazily or by the
   * sweeper). So it may refuse a seat freed very recently, never grant a taken one that the
   * log already recorded.
   *
   * With `heldWithinMs`, a HELD seat counts only if this view read its hold from the log less
   * than that long ago (RESERVED seats always count): a hold read earlier, or only known from a
   * snapshot, may be overdue and free for the taking once expired, which the view cannot tell.
   */
  takenAmong(performanceId: string, seatIds: readonly string[], heldWithinMs?: number): string[] | null;
  /**
   * Starts following the performance if this instance does not yet (a performance under
   * contention), so that later `takenAmong` calls can answer; no I/O on the caller's path.
   */
  watch(performanceId: string): void;
}
