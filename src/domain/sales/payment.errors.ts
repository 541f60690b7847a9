import { DomainError } from '../shared/domain-error';

/** Confirming without paying while a payment provider is configured: the way is checkout. */
export class PaymentRequiredError extends DomainError {
  readonly code = 'PAYMENT_REQUIRED';
  constructor(reservationId: string) {
    super(`Reservation ${reservationId} is confirmed by paying for it: check out instead`, { reservationId });
  }
}

/** Checkout while the service runs without a payment provider (PAYMENT_PROVIDER=none). */
export class PaymentsDisabledError extends DomainError {
  readonly code = 'PAYMENTS_DISABLED';
  constructor() {
    super('This service takes no payments: confirm the reservation instead');
  }
}

/** A webhook for a provider this service does not run with. */
export class PaymentProviderNotFoundError extends DomainError {
  readonly code = 'PAYMENT_PROVIDER_NOT_FOUND';
  constructor(provider: string) {
    super(`No payment provider ${provider} here`, { provider });
  }
}

/**
 * A verified webhook about a payment we have no record of (yet: a webhook may overtake the
 * commit of its checkout). Answered 404 so that the provider delivers it again later.
 */
export class PaymentNotFoundError extends DomainError {
  readonly code = 'PAYMENT_NOT_FOUND';
  constructor(providerPaymentId: string) {
    super(`No payment ${providerPaymentId} is recorded`, { providerPaymentId });
  }
}
