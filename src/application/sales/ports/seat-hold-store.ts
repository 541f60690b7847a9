export type HoldAttempt =
  | { readonly granted: true }
  | { readonly granted: false; readonly conflicts: readonly string[] }
  /**
   * The store could not be reached (see BestEffortSeatHoldStore): it took no seat and
   * refused none, so the database alone decides.
   */
  | { readonly granted: false; readonly storeUnavailable: true };

/**
 * A fast, shared view of which seats are taken, consulted before the database so that
 * losers of a race are turned away cheaply. It is an accelerator, never the authority: the
 * reservation repository's constraint decides, and a store that lost its data (restart,
 * flush) only lets more requests through to be refused there. An adapter that cannot serve
 * right now throws StoreUnavailableError; use cases see the store through
 * BestEffortSeatHoldStore, which skips such operations, and any other error is a bug.
 */
export interface SeatHoldStore {
  /** Takes every seat for `reservationId` until `expiresAt`, or none of them. */
  tryHold(
    performanceId: string,
    seatIds: readonly string[],
    reservationId: string,
    expiresAt: Date,
  ): Promise<HoldAttempt>;
  /** Keeps the seats taken with no expiry: they are sold. */
  markSold(performanceId: string, seatIds: readonly string[], reservationId: string): Promise<void>;
  /** Frees the seats if, and only if, they are still taken by `reservationId`. */
  release(performanceId: string, seatIds: readonly string[], reservationId: string): Promise<void>;
  /**
   * Teaches the store about claims it did not know (found by the database after a restart
   * or flush), so the next losers are refused without reaching the database.
   */
  remember(performanceId: string, holders: ReadonlyMap<string, string>, expiresAt: Date | null): Promise<void>;
}
