import { DomainError } from '../shared/domain-error';

export class PerformanceNotFoundError extends DomainError {
  readonly code = 'PERFORMANCE_NOT_FOUND';
  constructor(performanceId: string) {
    super(`Performance ${performanceId} does not exist`, { performanceId });
  }
}

export class InvalidPerformanceError extends DomainError {
  readonly code = 'INVALID_PERFORMANCE';
}

export class SalesClosedError extends DomainError {
  readonly code = 'SALES_CLOSED';
  constructor(performanceId: string, salesOpenAt: Date, salesCloseAt: Date) {
    super('Tickets for this performance are not on sale now', {
      performanceId,
      salesOpenAt: salesOpenAt.toISOString(),
      salesCloseAt: salesCloseAt.toISOString(),
    });
  }
}

export class TooManySeatsError extends DomainError {
  readonly code = 'TOO_MANY_SEATS';
  constructor(requested: number, max: number) {
    super(`At most ${max} seats may be held at once, ${requested} were asked for`, { requested, max });
  }
}

export class UnknownSeatsError extends DomainError {
  readonly code = 'SEAT_NOT_FOUND';
  constructor(performanceId: string, seatIds: readonly string[]) {
    super(`Seats ${seatIds.join(', ')} are not part of performance ${performanceId}`, {
      performanceId,
      seatIds: [...seatIds],
    });
  }
}

export class DuplicateSeatsError extends DomainError {
  readonly code = 'DUPLICATE_SEATS';
  constructor(seatIds: readonly string[]) {
    super(`Seats may be named only once per request: ${seatIds.join(', ')}`, { seatIds: [...seatIds] });
  }
}
