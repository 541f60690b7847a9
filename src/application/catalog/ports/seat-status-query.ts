export type SeatStatus = 'AVAILABLE' | 'HELD' | 'RESERVED';

/** Read model: which seats of a performance are taken right now, by the source of truth. */
export interface SeatStatusQuery {
  /** Seat id → HELD or RESERVED, for taken seats only; overdue holds count as free. */
  takenSeats(performanceId: string, now: Date): Promise<ReadonlyMap<string, Exclude<SeatStatus, 'AVAILABLE'>>>;
}
