/**
 * Base of every business error. `code` is a stable, machine-readable identifier that
 * clients may switch on; the HTTP adapter maps codes to statuses in one table, so the
 * domain never learns about transports.
 */
export abstract class DomainError extends Error {
  abstract readonly code: string;

  constructor(
    message: string,
    readonly details?: Readonly<Record<string, unknown>>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Input that breaks a domain rule (a value out of range, an inconsistent layout). */
export class ValidationError extends DomainError {
  readonly code = 'VALIDATION_FAILED';
}
