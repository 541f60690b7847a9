import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { FakePaymentProvider } from '../adapters/payments/fake-payment.provider';
import { createStripePaymentProvider } from '../adapters/payments/stripe-payment.provider';
import type { PaymentProvider } from '../application/sales/ports/payment-provider';
import type { Clock } from '../application/shared/ports/clock';
import type { Config } from './config';
import { ConfigError } from './config';

/** What a provider needs of the service to report back: the webhook entry point, in-process. */
export interface PaymentWiring {
  readonly clock: Clock;
  readonly logger: Logger;
  /** The same entry point POST /api/v1/payments/webhooks/:provider uses (raw body, signature header). */
  readonly deliverWebhook: (provider: string, rawBody: string, signatureHeader: string) => Promise<unknown>;
}

/**
 * The one place where PAYMENT_PROVIDER picks the adapter of the PaymentProvider port; null
 * for `none` (confirm without paying). Each provider's factory reads its own settings.
 */
export function choosePaymentProvider(config: Config, wiring: PaymentWiring): PaymentProvider | null {
  switch (config.payments.provider) {
    case 'none':
      return null;
    case 'fake':
      return fakePaymentProvider(config, wiring);
    case 'stripe':
      // config.ts refuses PAYMENT_PROVIDER=stripe without both Stripe secrets.
      if (!config.stripe)
        throw new ConfigError('PAYMENT_PROVIDER=stripe needs STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET');
      return createStripePaymentProvider(config.stripe);
  }
}

/**
 * The fake calls the service's webhook entry point in-process rather than over HTTP: it
 * needs no address of the service (which may listen on 0.0.0.0, an ephemeral port, or
 * behind a proxy), and it still goes through the signature check and the very use case the
 * route calls. Its secret is generated per process unless set: only a caller from outside
 * (a test posting signed webhooks) needs to know it.
 */
function fakePaymentProvider(config: Config, wiring: PaymentWiring): FakePaymentProvider {
  const secret = config.payments.fakeWebhookSecret ?? `whsec_${randomBytes(24).toString('base64url')}`;
  return new FakePaymentProvider({
    webhookSecret: secret,
    delayMs: config.payments.fakeDelayMs,
    clock: wiring.clock,
    deliver: (rawBody, signatureHeader) => wiring.deliverWebhook('fake', rawBody, signatureHeader),
    onDeliveryFailure: (error) => wiring.logger.warn({ err: error }, 'fake payment webhook failed every attempt'),
  });
}
