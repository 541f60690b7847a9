export interface ReservationPolicy {
  /** How long a PENDING reservation keeps its seats before it must be confirmed. */
  readonly holdSeconds: number;
  /** Seats one reservation may hold at most. */
  readonly maxSeatsPerReservation: number;
}
