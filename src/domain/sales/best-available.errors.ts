import { DomainError } from '../shared/domain-error';

/**
 * No block of the requested number of adjacent free seats is left where the request may look;
 * `largestBlock` says how many adjacent seats could still be had there.
 */
export class NotEnoughSeatsTogetherError extends DomainError {
  readonly code = 'NOT_ENOUGH_SEATS_TOGETHER';
  constructor(performanceId: string, requested: number, largestBlock: number) {
    super(
      `No ${requested} adjacent seats are free together; the largest block of adjacent free seats has ${largestBlock}`,
      { performanceId, requested, largestBlock },
    );
  }
}
