import type { SeatingPlan, SeatRow } from '../../../domain/catalog/seating-plan';

export interface BestAvailableRequest {
  readonly performanceId: string;
  /** The whole hall: seat ids by position. */
  readonly plan: SeatingPlan;
  /** Where the request may look, in SeatingPlan.area() order. */
  readonly rows: readonly SeatRow[];
  readonly quantity: number;
  readonly reservationId: string;
  readonly expiresAt: Date;
  /**
   * Seats to treat as taken this once, though the store may not know them: claims the
   * database has and the store forgot (a flush). Not remembered.
   */
  readonly alsoTaken?: ReadonlySet<string>;
}

export type BestAvailableAttempt =
  /** The block chosen by chooseBestBlock, now held for the reservation (seat ids by number). */
  | { readonly granted: true; readonly seatIds: readonly string[] }
  /** No block of that size is free in the area; the largest run of free adjacent seats there. */
  | { readonly granted: false; readonly largestBlock: number };

/**
 * Chooses the best free block (the rule of chooseBestBlock) and takes it, in one atomic step,
 * sharing its holds with the SeatHoldStore: a seat held one way is taken for the other. Like
 * that store it accelerates and never decides alone: the reservation repository's constraint
 * has the last word. An adapter that cannot serve right now throws StoreUnavailableError.
 */
/** The store could not serve the request right now (BestEffortBestAvailableStore): the rule runs on MySQL. */
export interface BestAvailableStoreUnavailable {
  readonly granted: false;
  readonly storeUnavailable: true;
}

export interface BestAvailableStore {
  holdBestBlock(request: BestAvailableRequest): Promise<BestAvailableAttempt | BestAvailableStoreUnavailable>;
  /**
   * These seats are no longer held by `reservationId` (cancelled, expired, or never recorded):
   * frees them for the next choice, unless someone else holds them by now.
   */
  release(performanceId: string, seatIds: readonly string[], reservationId: string): Promise<void>;
  /**
   * Frees whatever holdBestBlock may have held for `reservationId` although its answer was
   * lost (a timeout: the step may have run). Without it that block would stay out of every
   * choice until its hold ran out.
   */
  releaseReservation(performanceId: string, reservationId: string): Promise<void>;
}
