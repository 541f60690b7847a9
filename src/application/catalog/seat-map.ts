import { Performance } from '../../domain/catalog/performance';
import { PerformanceNotFoundError } from '../../domain/catalog/performance.errors';
import { PerformanceRepository } from '../../domain/catalog/performance.repository';
import { Clock } from '../shared/ports/clock';
import { SeatStatus, SeatStatusQuery } from './ports/seat-status-query';

/**
 * A performance's seats with their status. The layout is the performance's own (fixed for
 * its life); only `taken` changes. Keeping the two apart lets readers of a 1,000-seat hall
 * skip building 1,000 new objects per request: a seat is AVAILABLE unless `taken` says otherwise.
 */
export interface SeatMap {
  readonly performance: Performance;
  readonly taken: ReadonlyMap<string, Exclude<SeatStatus, 'AVAILABLE'>>;
}

export function seatStatus(seatMap: SeatMap, seatId: string): SeatStatus {
  return seatMap.taken.get(seatId) ?? 'AVAILABLE';
}

/** What the seat map and the performance detail both read: the layout and the taken seats. */
export class SeatMapReader {
  constructor(
    private readonly performances: PerformanceRepository,
    private readonly seatStatuses: SeatStatusQuery,
    private readonly clock: Clock,
  ) {}

  async read(performanceId: string): Promise<SeatMap> {
    const performance = await this.performances.findById(performanceId);
    if (!performance) throw new PerformanceNotFoundError(performanceId);
    const taken = await this.seatStatuses.takenSeats(performanceId, this.clock.now());
    return { performance, taken };
  }
}
