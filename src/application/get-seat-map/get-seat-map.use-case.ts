import { Performance, Seat } from '../../domain/performance/performance';
import { PerformanceNotFoundError } from '../../domain/performance/performance.errors';
import { PerformanceRepository } from '../../domain/performance/performance.repository';
import { Money } from '../../domain/shared/money';
import { Clock } from '../ports/clock';
import { SeatStatus, SeatStatusQuery } from '../ports/seat-status-query';

export interface SeatView extends Seat {
  readonly price: Money;
  readonly status: SeatStatus;
}

export interface SeatMap {
  readonly performance: Performance;
  readonly seats: readonly SeatView[];
}

export class GetSeatMap {
  constructor(
    private readonly performances: PerformanceRepository,
    private readonly seatStatuses: SeatStatusQuery,
    private readonly clock: Clock,
  ) {}

  async execute(performanceId: string): Promise<SeatMap> {
    const performance = await this.performances.findById(performanceId);
    if (!performance) throw new PerformanceNotFoundError(performanceId);
    const taken = await this.seatStatuses.takenSeats(performanceId, this.clock.now());
    const seats = performance.toSnapshot().seats.map((seat): SeatView => ({
      ...seat,
      price: performance.priceOf(seat),
      status: taken.get(seat.id) ?? 'AVAILABLE',
    }));
    return { performance, seats };
  }
}
