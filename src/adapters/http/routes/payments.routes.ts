import type { PaymentSnapshot } from '../../../domain/sales/payment';
import type { ApiRouter } from '../api-router';
import type { UseCases } from '../http-dependencies';
import {
  CheckoutBody,
  CheckoutSchema,
  PaymentEventBody,
  PaymentWebhookHeaders,
  ProviderParams,
  STRIPE_SIGNATURE_HEADER,
} from '../schemas/payment.schema';
import { IdParams } from '../schemas/zod';
import { API_PREFIX } from './respond';
import type { Reply } from '../reply';

function presentCheckout(payment: PaymentSnapshot) {
  return {
    paymentId: payment.id,
    status: payment.status,
    amount: payment.amount.amount,
    currency: payment.amount.currency,
    provider: payment.provider,
    ...(payment.clientSecret !== null && { clientSecret: payment.clientSecret }),
  };
}

export function paymentRoutes(api: ApiRouter, useCases: UseCases): void {
  api.route(
    {
      method: 'post',
      path: `${API_PREFIX}/reservations/:id/checkout`,
      operationId: 'checkout',
      summary: 'Pay for a held reservation (owner only): starts a payment with the provider',
      description:
        "Starts a payment of the reservation's total price with the configured provider (PAYMENT_PROVIDER); the " +
        "provider's webhook then confirms the reservation (payment succeeded) or marks the payment FAILED (the hold " +
        'runs on until its expiresAt, and checking out again starts a new payment). The first checkout extends the ' +
        'hold once by CHECKOUT_HOLD_EXTENSION_SECONDS. While a payment is PENDING, checking out again answers it (200). ' +
        'A payment succeeding after the hold ran out confirms the reservation if every seat is still free, and is ' +
        'refunded otherwise. Without a provider: 409 PAYMENTS_DISABLED (confirm instead).',
      tag: 'Reservations',
      access: 'member',
      params: IdParams,
      body: CheckoutBody,
      idempotent: true,
      responses: [
        { status: 201, description: 'A payment started now, PENDING', schema: CheckoutSchema },
        { status: 200, description: 'The PENDING payment started before, answered again', schema: CheckoutSchema },
      ],
      errors: [
        'RESERVATION_NOT_FOUND',
        'HOLD_EXPIRED',
        'RESERVATION_NOT_ACTIVE',
        'PAYMENTS_DISABLED',
        'CONCURRENT_MODIFICATION',
        'PAYMENT_REJECTED',
      ],
    },
    async (_ctx, { actor, params, body }): Promise<Reply> => {
      const { payment, started } = await useCases.checkout.execute(actor, params.id, body);
      return { status: started ? 201 : 200, body: presentCheckout(payment) };
    },
  );

  api.route(
    {
      method: 'post',
      path: `${API_PREFIX}/payments/webhooks/:provider`,
      operationId: 'receivePaymentWebhook',
      summary: "A payment provider's signed webhook (the provider calls it, nobody else)",
      description:
        'Where the provider tells of a payment: succeeded (the reservation is CONFIRMED, or refunded when it cannot ' +
        'be), failed, or refunded. Signed as Stripe signs (Stripe-Signature, with the provider webhook secret); a ' +
        'missing, wrong or stale (over 300 s) signature is 400 INVALID_SIGNATURE and changes nothing. The same event ' +
        'twice changes nothing the second time. 404 PAYMENT_NOT_FOUND for a payment not recorded (yet): the provider ' +
        'delivers it again later.',
      tag: 'Payments',
      access: 'anyone',
      params: ProviderParams,
      body: PaymentEventBody,
      rawBody: true,
      signedByProvider: true,
      headers: PaymentWebhookHeaders,
      responses: [{ status: 204, description: 'Received (acted on, already known, or not an event we act on)' }],
      errors: ['INVALID_SIGNATURE', 'PAYMENT_PROVIDER_NOT_FOUND', 'PAYMENT_NOT_FOUND', 'CONCURRENT_MODIFICATION'],
    },
    async (ctx, { params, rawBody }): Promise<Reply> => {
      await useCases.handlePaymentNotification.execute(
        params.provider,
        rawBody ?? '',
        ctx.get(STRIPE_SIGNATURE_HEADER) || undefined,
      );
      return { status: 204, body: null };
    },
  );
}
