import { DomainError } from '../shared/domain-error';

export class NoWaitingRoomError extends DomainError {
  readonly code = 'NO_WAITING_ROOM';
  constructor(performanceId: string) {
    super(`Performance ${performanceId} has no waiting room`, { performanceId });
  }
}

export class QueueEntryNotFoundError extends DomainError {
  readonly code = 'QUEUE_ENTRY_NOT_FOUND';
  constructor(performanceId: string, reason: 'never-joined-or-dropped' | 'queue-reset') {
    super(
      reason === 'queue-reset'
        ? 'The waiting room was reset and no longer knows your place: join again'
        : 'You are not in this waiting room: never joined, or dropped after not polling for too long; join again',
      { performanceId, queueReset: reason === 'queue-reset' },
    );
  }
}

export class AdmissionRequiredError extends DomainError {
  readonly code = 'ADMISSION_REQUIRED';
  constructor(performanceId: string) {
    super('This performance sells through a waiting room: send the Admission-Token from its queue', {
      performanceId,
    });
  }
}

export class AdmissionInvalidError extends DomainError {
  readonly code = 'ADMISSION_INVALID';
  constructor(performanceId: string) {
    super('The Admission-Token is not a valid admission of this member to this performance', { performanceId });
  }
}

export class AdmissionExpiredError extends DomainError {
  readonly code = 'ADMISSION_EXPIRED';
  constructor(performanceId: string) {
    super('The admission has expired: join the queue again', { performanceId });
  }
}
