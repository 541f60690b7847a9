export interface ReservationPolicy {
  /** How long a PENDING reservation keeps its seats before it must be confirmed. */
  readonly holdSeconds: number;
  /** Seats one reservation may hold at most. */
  readonly maxSeatsPerReservation: number;
  /**
   * Seats one member may hold or own per performance, across all their PENDING and
   * CONFIRMED reservations. Enforced by the reservation repository in the transaction that
   * records a hold, so concurrent requests cannot slip past it.
   */
  readonly maxSeatsPerMember: number;
}
