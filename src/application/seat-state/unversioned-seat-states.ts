import type { SeatStatusQuery } from '../catalog/ports/seat-status-query';
import type { SeatStates } from './ports/seat-states';

/** Seat states straight from a SeatStatusQuery, without versions: for wiring that has no live view. */
export function unversionedSeatStates(query: SeatStatusQuery): SeatStates {
  return {
    current: async (performanceId, now) => ({ version: null, taken: await query.takenSeats(performanceId, now) }),
    takenAmong: () => null,
    watch: () => {},
  };
}
