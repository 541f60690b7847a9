import { DomainError } from '../../../domain/shared/domain-error';
import { Money } from '../../../domain/shared/money';

/** A provider webhook whose signature is missing, wrong or stale (400: nothing changes). */
export class InvalidPaymentSignatureError extends DomainError {
  readonly code = 'INVALID_SIGNATURE';
  constructor(reason: string) {
    super(reason);
  }
}

/** The provider refused to start a payment outright (an unknown test card, say): 422. */
export class PaymentRejectedError extends DomainError {
  readonly code = 'PAYMENT_REJECTED';
  constructor(reason: string) {
    super(reason);
  }
}

/** Which payment provider the service runs with; `none` confirms without payment. */
export type PaymentProviderName = 'fake' | 'stripe';

export interface PaymentRequest {
  /** Our payment id: sent to the provider as metadata and as its idempotency key. */
  readonly paymentId: string;
  readonly reservationId: string;
  /** Integer minor units end to end, never a float. */
  readonly amount: Money;
  /** The test card number the fake provider decides on; the Stripe adapter ignores it. */
  readonly card?: string;
}

export interface StartedPayment {
  /** The provider's own id for this payment (a PaymentIntent id for Stripe). */
  readonly providerPaymentId: string;
  /** What a browser needs to finish the payment with the provider's own UI, if anything. */
  readonly clientSecret?: string;
}

/**
 * What a provider's webhook told us, once its signature was verified. `ignored` is an event
 * type we do not act on (it is acknowledged so the provider stops resending it).
 */
export type PaymentNotification =
  | {
      readonly kind: 'succeeded' | 'failed';
      readonly eventId: string;
      readonly providerPaymentId: string;
      readonly amount: Money;
    }
  | { readonly kind: 'refunded'; readonly eventId: string; readonly providerPaymentId: string }
  | { readonly kind: 'ignored'; readonly eventId: string; readonly type: string };

/**
 * A payment provider: starts payments, refunds them, and reads its own signed webhooks.
 * Adapters translate a provider that cannot be reached into StoreUnavailableError (503),
 * and a card or request the provider refuses outright into PaymentDeclinedError.
 */
export interface PaymentProvider {
  readonly name: PaymentProviderName;

  /** Starts a payment; the outcome arrives later through the provider's webhook. */
  start(request: PaymentRequest): Promise<StartedPayment>;

  /**
   * Refunds a succeeded payment in full. Idempotent: refunding twice (same `paymentId`, our
   * id, as the idempotency key) refunds once.
   */
  refund(payment: {
    readonly paymentId: string;
    readonly providerPaymentId: string;
    readonly amount: Money;
  }): Promise<void>;

  /**
   * Verifies a webhook's signature over its raw body and reads it. Throws
   * InvalidPaymentSignatureError when the signature is missing, wrong, or its timestamp is
   * more than `toleranceSeconds` (300) away from `now`; nothing is read then.
   */
  readWebhook(rawBody: string, signatureHeader: string | undefined, now: Date): PaymentNotification;
}
