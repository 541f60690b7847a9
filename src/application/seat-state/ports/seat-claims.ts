import type { ClaimedSeat } from './seat-state-log';

/** The source of truth the seat state is rebuilt from (MySQL, or the in-memory twin). */
export interface SeatClaimSource {
  /** Every active claim of the performance: PENDING holds (overdue or not, until expired) and CONFIRMED sales. */
  activeClaims(performanceId: string): Promise<ClaimedSeat[]>;
  /**
   * A number greater than any it answered before for this performance, kept across restarts:
   * the epoch of a rebuilt state, whose versions then start above every earlier one.
   */
  nextEpoch(performanceId: string): Promise<number>;
}
