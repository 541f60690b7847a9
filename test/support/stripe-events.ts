import { randomUUID } from 'node:crypto';
import Stripe from 'stripe';
import { toStripeAmount } from '../../src/adapters/payments/stripe-amounts';
import type { Money } from '../../src/domain/shared/money';

/** The outcomes a payment provider reports through its webhook. */
export type PaymentOutcome = 'succeeded' | 'failed' | 'refunded';

export interface SignedWebhook {
  readonly rawBody: string;
  readonly signatureHeader: string;
}

/** A Stripe event body (the fields Stripe sends that we read, and a few we do not) about a PaymentIntent. */
export function stripeEventBody(
  outcome: PaymentOutcome | { readonly type: string },
  payment: { readonly providerPaymentId: string; readonly amount: Money },
  eventId = `evt_${randomUUID().replaceAll('-', '')}`,
): string {
  const amount = toStripeAmount(payment.amount);
  const currency = payment.amount.currency.toLowerCase();
  const intent = { id: payment.providerPaymentId, object: 'payment_intent', amount, currency, livemode: false };
  const [type, object] =
    typeof outcome === 'object'
      ? [outcome.type, intent]
      : outcome === 'succeeded'
        ? ['payment_intent.succeeded', { ...intent, status: 'succeeded', amount_received: amount }]
        : outcome === 'failed'
          ? ['payment_intent.payment_failed', { ...intent, status: 'requires_payment_method', amount_received: 0 }]
          : [
              'charge.refunded',
              {
                id: `ch_${payment.providerPaymentId}`,
                object: 'charge',
                amount,
                amount_refunded: amount,
                currency,
                refunded: true,
                payment_intent: payment.providerPaymentId,
              },
            ];
  return JSON.stringify({
    id: eventId,
    object: 'event',
    api_version: '2025-01-01',
    created: 1_900_000_000,
    type,
    data: { object },
    livemode: false,
  });
}

/** A `Stripe-Signature` header for a body, made by the SDK's own test helper, signed at `signedAt`. */
export function stripeSignature(rawBody: string, secret: string, signedAt: Date): string {
  return Stripe.webhooks.generateTestHeaderString({
    payload: rawBody,
    secret,
    timestamp: Math.floor(signedAt.getTime() / 1000),
  });
}
