import { FakePaymentProvider } from '../../src/adapters/payments/fake-payment.provider';
import { ManualClock } from '../../src/adapters/memory/manual-clock';
import { T0 } from '../support/builders';
import { stripeEventBody, stripeSignature } from '../support/stripe-events';
import { paymentProviderContract } from './payment-provider.contract';

const WEBHOOK_SECRET = 'whsec_fake_contract_secret';

// The fake provider (the embedded default's and the tests' provider) keeps the same promises
// as Stripe's adapter. Its refunds are counted from what it really sends: the charge.refunded
// webhooks it delivers, by PaymentIntent.
paymentProviderContract(async () => {
  const refunds = new Map<string, number>();
  const provider = new FakePaymentProvider({
    webhookSecret: WEBHOOK_SECRET,
    delayMs: 0,
    clock: new ManualClock(T0),
    deliver: async (rawBody) => {
      const event = JSON.parse(rawBody) as { type: string; data: { object: { payment_intent?: string } } };
      const intent = event.data.object.payment_intent;
      if (event.type === 'charge.refunded' && intent) refunds.set(intent, (refunds.get(intent) ?? 0) + 1);
    },
  });
  return {
    provider,
    webhook(outcome, payment, sentAt, signedWith = 'ours') {
      const rawBody = stripeEventBody(outcome, payment);
      const secret = signedWith === 'ours' ? WEBHOOK_SECRET : 'whsec_someone_else';
      return { rawBody, signatureHeader: stripeSignature(rawBody, secret, sentAt) };
    },
    refundsOf: async (providerPaymentId) => {
      await provider.idle();
      return refunds.get(providerPaymentId) ?? 0;
    },
    close: async () => provider.close(),
  };
});
