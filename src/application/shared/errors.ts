import { DomainError } from '../../domain/shared/domain-error';

export class InvalidCredentialsError extends DomainError {
  readonly code = 'INVALID_CREDENTIALS';
  constructor() {
    super('Email or password is wrong');
  }
}

export class InvalidTokenError extends DomainError {
  readonly code = 'INVALID_TOKEN';
  constructor(reason = 'The access token is missing, malformed, expired or not ours') {
    super(reason);
  }
}

export class ForbiddenError extends DomainError {
  readonly code = 'FORBIDDEN';
  constructor(action: string) {
    super(`You are not allowed to ${action}`);
  }
}

/**
 * A store the request needs (database, cache) cannot be reached right now. Adapters
 * translate their drivers' connection failures into this, so callers answer 503 and
 * retry later instead of failing with an unknown error.
 */
export class StoreUnavailableError extends DomainError {
  readonly code = 'SERVICE_UNAVAILABLE';
  constructor(store: string, cause?: unknown) {
    super(`${store} is unavailable, try again shortly`, { store });
    if (cause !== undefined) this.cause = cause;
  }
}
