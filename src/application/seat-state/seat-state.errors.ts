import { DomainError } from '../../domain/shared/domain-error';

/** This instance follows as many seat streams as it may (SEAT_STREAM_MAX_CONNECTIONS). */
export class SeatStreamLimitError extends DomainError {
  readonly code = 'TOO_MANY_STREAMS';
  constructor(limit: number) {
    super(`This instance serves its maximum of ${limit} seat streams; retry shortly (another instance may have room)`, {
      limit,
    });
  }
}
