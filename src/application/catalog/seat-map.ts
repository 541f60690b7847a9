import { Performance } from '../../domain/catalog/performance';
import { PerformanceNotFoundError } from '../../domain/catalog/performance.errors';
import { PerformanceRepository } from '../../domain/catalog/performance.repository';
import type { SeatStates } from '../seat-state/ports/seat-states';
import { Clock } from '../shared/ports/clock';
import { SeatStatus } from './ports/seat-status-query';

/**
 * A performance's seats with their status. The layout is the performance's own (fixed for
 * its life); only `taken` changes. Keeping the two apart lets readers of a 1,000-seat hall
 * skip building 1,000 new objects per request: a seat is AVAILABLE unless `taken` says otherwise.
 */
export interface SeatMap {
  readonly performance: Performance;
  readonly taken: ReadonlyMap<string, Exclude<SeatStatus, 'AVAILABLE'>>;
  /** The seat-state version `taken` is at; null when it was read from MySQL without one. */
  readonly version: number | null;
}

export function seatStatus(seatMap: SeatMap, seatId: string): SeatStatus {
  return seatMap.taken.get(seatId) ?? 'AVAILABLE';
}

/** What the seat map and the performance detail both read: the layout and the taken seats. */
export class SeatMapReader {
  constructor(
    private readonly performances: PerformanceRepository,
    private readonly seatStates: SeatStates,
    private readonly clock: Clock,
  ) {}

  async read(performanceId: string): Promise<SeatMap> {
    const performance = await this.performances.findById(performanceId);
    if (!performance) throw new PerformanceNotFoundError(performanceId);
    const { taken, version } = await this.seatStates.current(performanceId, this.clock.now());
    return { performance, taken, version };
  }
}
