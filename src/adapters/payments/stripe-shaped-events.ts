import Stripe from 'stripe';
import { Money } from '../../domain/shared/money';
import { InvalidPaymentSignatureError, type PaymentNotification } from '../../application/sales/ports/payment-provider';

/** How far a signature's timestamp may be from our clock, either way (Stripe's default tolerance). */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

/** What of a Stripe event we read: its id, type, and the object it is about. */
interface StripeShapedEvent {
  readonly id?: unknown;
  readonly type?: unknown;
  readonly data?: { readonly object?: Record<string, unknown> };
}

/**
 * Verifies a Stripe-signed webhook (`Stripe-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256
 * of "<t>.<raw body>">`) with the `stripe` package's own helper, at `now` rather than the
 * process clock, and reads the event into a PaymentNotification. The fake provider signs and
 * shapes its webhooks the same way, so this one reader serves both.
 *
 * Throws InvalidPaymentSignatureError when the header is missing, no v1 signature matches
 * (compared in constant time by the helper), or its timestamp is more than 300 s from `now`
 * (older, or so far ahead that it could be replayed later); and when a signed body is not an
 * event we can read. Nothing is read then.
 */
export function readStripeShapedEvent(
  rawBody: string,
  signatureHeader: string | undefined,
  secret: string,
  now: Date,
): PaymentNotification {
  if (!signatureHeader) throw new InvalidPaymentSignatureError('The Stripe-Signature header is missing');
  const timestamp = /(?:^|,)\s*t=(\d{1,12})(?:,|$)/.exec(signatureHeader)?.[1];
  if (timestamp === undefined) throw new InvalidPaymentSignatureError('The Stripe-Signature header has no timestamp');
  if (Number(timestamp) - Math.floor(now.getTime() / 1000) > SIGNATURE_TOLERANCE_SECONDS) {
    throw new InvalidPaymentSignatureError('The signature is dated in the future');
  }
  let event: StripeShapedEvent;
  try {
    event = Stripe.webhooks.constructEvent(
      rawBody,
      signatureHeader,
      secret,
      SIGNATURE_TOLERANCE_SECONDS,
      undefined,
      now.getTime(),
    ) as unknown as StripeShapedEvent;
  } catch (error) {
    const reason = error instanceof Error ? error.message : 'unreadable';
    throw new InvalidPaymentSignatureError(`The webhook signature does not verify: ${reason}`);
  }
  return readEvent(event);
}

function readEvent(event: StripeShapedEvent): PaymentNotification {
  const eventId = typeof event.id === 'string' ? event.id : '';
  const type = typeof event.type === 'string' ? event.type : '';
  const object = event.data?.object ?? {};
  switch (type) {
    case 'payment_intent.succeeded':
    case 'payment_intent.payment_failed':
      return {
        kind: type === 'payment_intent.succeeded' ? 'succeeded' : 'failed',
        eventId,
        providerPaymentId: stringField(object, 'id'),
        amount: amountField(object),
      };
    case 'charge.refunded':
      // A charge's payment is its PaymentIntent.
      return { kind: 'refunded', eventId, providerPaymentId: stringField(object, 'payment_intent') };
    default:
      return { kind: 'ignored', eventId, type };
  }
}

function stringField(object: Record<string, unknown>, field: string): string {
  const value = object[field];
  if (typeof value !== 'string' || value === '') {
    throw new InvalidPaymentSignatureError(`The signed event has no ${field}`);
  }
  return value;
}

/** Stripe states amounts in minor units and currencies in lower case. */
function amountField(object: Record<string, unknown>): Money {
  try {
    return Money.of(Number(object['amount']), String(object['currency'] ?? '').toUpperCase());
  } catch {
    throw new InvalidPaymentSignatureError('The signed event has no amount in minor units and currency');
  }
}
