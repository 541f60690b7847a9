import Stripe from 'stripe';
import { z } from 'zod';
import { InvalidPaymentSignatureError, type PaymentNotification } from '../../application/sales/ports/payment-provider';
import { Money } from '../../domain/shared/money';
import { fromStripeAmount } from './stripe-amounts';

/**
 * How far a webhook's signed timestamp may be from our clock, either way. Stripe's own
 * default; the SDK only refuses timestamps too old, so the future side is checked here.
 */
export const STRIPE_SIGNATURE_TOLERANCE_SECONDS = 300;

const PaymentIntentObject = z.object({
  id: z.string().min(1).max(255),
  amount: z.number().int().nonnegative(),
  amount_received: z.number().int().nonnegative().optional(),
  currency: z.string().regex(/^[A-Za-z]{3}$/),
});

const ChargeObject = z.object({
  id: z.string().min(1).max(255),
  /** Our payments are PaymentIntents: a refunded charge is reported under its intent's id. */
  payment_intent: z.string().min(1).max(255),
});

const EventEnvelope = z.object({
  id: z.string().min(1).max(255),
  type: z.string().min(1).max(255),
  data: z.object({ object: z.unknown() }),
});

/**
 * Verifies a Stripe-signed webhook (`Stripe-Signature: t=<unix seconds>,v1=<HMAC-SHA256 of
 * "<t>.<raw body>">`) with the SDK's own verifier, then reads it. Shared by the Stripe adapter
 * and the fake provider, which signs its Stripe-shaped events the same way with its own secret.
 *
 * - The signature must match `secret` and its timestamp be within 300 s of `now`, before or
 *   after: a captured request cannot be replayed later. Anything else is
 *   InvalidPaymentSignatureError (400), and nothing of the body is read.
 * - payment_intent.succeeded → succeeded (the amount received), payment_intent.payment_failed
 *   → failed, charge.refunded → refunded (of the charge's PaymentIntent); any other type is
 *   `ignored`, so the provider stops resending it.
 * - A correctly signed body that is not a Stripe event of that shape is refused the same way:
 *   we act on nothing we cannot read.
 */
export function readStripeShapedEvent(
  rawBody: string,
  signatureHeader: string | undefined,
  secret: string,
  now: Date,
): PaymentNotification {
  const event = parsed(EventEnvelope, verifiedEvent(rawBody, signatureHeader, secret, now));
  switch (event.type) {
    case 'payment_intent.succeeded':
    case 'payment_intent.payment_failed': {
      const intent = parsed(PaymentIntentObject, event.data.object);
      const succeeded = event.type === 'payment_intent.succeeded';
      const minorUnits = succeeded ? (intent.amount_received ?? intent.amount) : intent.amount;
      return {
        kind: succeeded ? 'succeeded' : 'failed',
        eventId: event.id,
        providerPaymentId: intent.id,
        amount: readAmount(minorUnits, intent.currency),
      };
    }
    case 'charge.refunded': {
      const charge = parsed(ChargeObject, event.data.object);
      return { kind: 'refunded', eventId: event.id, providerPaymentId: charge.payment_intent };
    }
    default:
      return { kind: 'ignored', eventId: event.id, type: event.type };
  }
}

/**
 * The SDK's `webhooks.constructEvent`, at `now` rather than the process clock: the signature
 * checked, then the body parsed. It refuses only timestamps too old, so the future side is
 * checked here.
 */
function verifiedEvent(rawBody: string, signatureHeader: string | undefined, secret: string, now: Date): unknown {
  if (!signatureHeader) throw new InvalidPaymentSignatureError('The Stripe-Signature header is missing');
  let event: unknown;
  try {
    // receivedAt is in milliseconds; the SDK compares whole seconds against the signed `t`.
    event = Stripe.webhooks.constructEvent(
      rawBody,
      signatureHeader,
      secret,
      STRIPE_SIGNATURE_TOLERANCE_SECONDS,
      undefined,
      now.getTime(),
    );
  } catch (error) {
    // The SDK's messages quote the header and the payload back: keep only why.
    throw new InvalidPaymentSignatureError(
      !(error instanceof Stripe.errors.StripeSignatureVerificationError)
        ? 'The webhook body is not JSON'
        : /tolerance/i.test(error.message)
          ? `The Stripe-Signature timestamp is more than ${STRIPE_SIGNATURE_TOLERANCE_SECONDS} s old`
          : 'The Stripe-Signature header does not sign this body with our webhook secret',
    );
  }
  const signedAt = signedTimestamp(signatureHeader);
  if (signedAt - Math.floor(now.getTime() / 1000) > STRIPE_SIGNATURE_TOLERANCE_SECONDS) {
    throw new InvalidPaymentSignatureError(
      `The Stripe-Signature timestamp is more than ${STRIPE_SIGNATURE_TOLERANCE_SECONDS} s in the future`,
    );
  }
  return event;
}

/** The `t=` of a header the SDK accepted, read as the SDK reads it (the last one wins). */
function signedTimestamp(header: string): number {
  let timestamp = Number.NaN;
  for (const item of header.split(',')) {
    const [key, value] = item.split('=');
    if (key === 't') timestamp = Number.parseInt(value ?? '', 10);
  }
  return timestamp;
}

function parsed<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new InvalidPaymentSignatureError('The webhook body is not a Stripe event we can read');
  return result.data;
}

function readAmount(minorUnits: number, currency: string): Money {
  const amount = fromStripeAmount(minorUnits, currency.toUpperCase());
  if (amount === null)
    throw new InvalidPaymentSignatureError('The webhook amount is not a whole amount of its currency');
  return amount;
}
