import type { DomainEvent } from '../shared/aggregate-root';
import type { Money } from '../shared/money';

/**
 * PENDING (started with the provider) → SUCCEEDED | FAILED; SUCCEEDED → REFUND_PENDING →
 * REFUNDED. REFUND_PENDING is the durable promise of a refund: written in the same
 * transaction as the decision to refund, it stays until the provider has refunded, so a
 * provider that cannot be reached at that moment is asked again later (never forgotten).
 * A FAILED payment may still succeed (a provider retries a declined card on its side).
 */
export type PaymentStatus = 'PENDING' | 'SUCCEEDED' | 'FAILED' | 'REFUND_PENDING' | 'REFUNDED';

export interface PaymentSnapshot {
  /** Ours: the provider's idempotency key for this payment and its refund. */
  readonly id: string;
  /** The provider's name (`fake`, `stripe`). */
  readonly provider: string;
  /** The provider's own id (a PaymentIntent id for Stripe); the webhooks name the payment by it. */
  readonly providerPaymentId: string;
  /** What a browser needs to finish the payment with the provider's own UI, if anything. */
  readonly clientSecret: string | null;
  readonly amount: Money;
  readonly status: PaymentStatus;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** Statuses of a payment whose money was taken at some point (kept, being refunded, or refunded). */
const TOOK_MONEY: readonly PaymentStatus[] = ['SUCCEEDED', 'REFUND_PENDING', 'REFUNDED'];

export function tookMoney(payment: Pick<PaymentSnapshot, 'status'>): boolean {
  return TOOK_MONEY.includes(payment.status);
}

export type PaymentEvent = DomainEvent & {
  readonly type: 'PaymentSucceeded' | 'PaymentRefunded';
  readonly reservationId: string;
  readonly performanceId: string;
  readonly paymentId: string;
  readonly amount: Money;
};

/**
 * What a succeeded payment did to its reservation:
 * - `confirmed`: a live hold became CONFIRMED;
 * - `reheld`: the hold had run out (EXPIRED, or overdue and not yet swept), its seats were
 *   claimed again and it became CONFIRMED: the repository refuses the save with
 *   SeatsAlreadyClaimedError if a seat was taken meanwhile;
 * - `refund-due`: the reservation cannot take the money (cancelled, confirmed by another
 *   payment, or its seats were lost): the payment is REFUND_PENDING;
 * - `duplicate`: the provider told us before; nothing changed.
 */
export type PaymentSuccessOutcome = 'confirmed' | 'reheld' | 'refund-due' | 'duplicate';
