import { DomainError } from '../shared/domain-error';

export class EmailTakenError extends DomainError {
  readonly code = 'EMAIL_TAKEN';
  constructor() {
    // The address is left out on purpose: error bodies end up in logs.
    super('An account with this email already exists');
  }
}

export class WeakPasswordError extends DomainError {
  readonly code = 'WEAK_PASSWORD';
}

export class InvalidEmailError extends DomainError {
  readonly code = 'INVALID_EMAIL';
  constructor() {
    super('The email address is not valid');
  }
}

export class MemberNotFoundError extends DomainError {
  readonly code = 'MEMBER_NOT_FOUND';
  constructor(memberId: string) {
    super(`Member ${memberId} does not exist`, { memberId });
  }
}
