import { currencyCode, minorUnits, uuid, z } from './zod';

/** Card numbers are at most 19 digits; with a space between groups of four, 23 characters. */
const CARD_MAX_LENGTH = 23;
/** Stripe's ids and client secrets are far shorter; this bounds what we store and answer. */
const PROVIDER_TEXT_MAX_LENGTH = 255;

const PAYMENT_STATUSES = ['PENDING', 'SUCCEEDED', 'FAILED', 'REFUND_PENDING', 'REFUNDED'] as const;
const paymentStatus = () =>
  z.enum(PAYMENT_STATUSES).openapi({
    description:
      'PENDING: the provider is deciding (its webhook tells); SUCCEEDED: paid; FAILED: declined (check out again ' +
      'before the hold ends); REFUND_PENDING: to be refunded (asked of the provider until it is done); REFUNDED',
  });

export const CheckoutBody = z
  .strictObject({
    card: z
      .string()
      .min(1)
      .max(CARD_MAX_LENGTH)
      .regex(/^[0-9 ]+$/)
      .optional()
      .openapi({
        pattern: '^[0-9 ]+$',
        example: '4242 4242 4242 4242',
        description:
          'With PAYMENT_PROVIDER=fake only: the test card, spaces optional. 4242 4242 4242 4242 pays, ' +
          '4000 0000 0000 0002 is declined (by webhook); any other is 422 PAYMENT_REJECTED. Stripe takes the card ' +
          'in its own UI with the clientSecret instead: send nothing',
      }),
  })
  .openapi('CheckoutRequest');

export const CheckoutSchema = z
  .object({
    paymentId: uuid(),
    status: paymentStatus(),
    amount: minorUnits().openapi({ description: "The reservation's total price, in minor units" }),
    currency: currencyCode(),
    provider: z.enum(['fake', 'stripe']),
    clientSecret: z.string().max(PROVIDER_TEXT_MAX_LENGTH).optional().openapi({
      description: "Stripe only: what the browser hands Stripe's own UI to finish the payment",
    }),
  })
  .openapi('Checkout');

/** The reservation's current payment, as GET /reservations/{id} shows it. */
export const PaymentSummarySchema = z
  .object({
    status: paymentStatus(),
    amount: minorUnits(),
    currency: currencyCode(),
    refunded: z.boolean().openapi({ description: 'True once the provider has refunded the payment' }),
  })
  .openapi('PaymentSummary', {
    description: 'The payment started last (null before any checkout)',
  });

export const ProviderParams = z.object({
  provider: z
    .string()
    .min(1)
    .max(20)
    .regex(/^[a-z]+$/)
    .openapi({
      pattern: '^[a-z]+$',
      param: { description: 'The payment provider reporting: `fake` or `stripe`, the one PAYMENT_PROVIDER names' },
    }),
});

/** A provider's event as Stripe shapes it (the fake provider shapes its own the same way); documentation only. */
export const PaymentEventBody = z
  .object({
    id: z.string().min(1).max(PROVIDER_TEXT_MAX_LENGTH).openapi({ example: 'evt_1NG8Du2eZvKYlo2CUI79vXWy' }),
    type: z.string().min(1).max(100).openapi({
      description:
        'payment_intent.succeeded, payment_intent.payment_failed and charge.refunded are acted on; others are acknowledged and ignored',
    }),
    created: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).openapi({ format: 'int64' }),
    data: z.object({
      object: z
        .object({
          id: z.string().min(1).max(PROVIDER_TEXT_MAX_LENGTH),
          amount: minorUnits().optional(),
          currency: z.string().max(3).optional(),
          payment_intent: z.string().max(PROVIDER_TEXT_MAX_LENGTH).optional(),
        })
        .openapi({ description: 'The PaymentIntent (or, for charge.refunded, the charge) the event is about' }),
    }),
  })
  .openapi('PaymentProviderEvent');

export const STRIPE_SIGNATURE_HEADER = 'stripe-signature';

export const PaymentWebhookHeaders = z.object({
  'Stripe-Signature': z
    .string()
    .max(2000)
    .optional()
    .openapi({
      description:
        't=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>"> with the webhook secret; more than 300 s from ' +
        'our clock, or no matching v1, is 400 INVALID_SIGNATURE',
    }),
});
