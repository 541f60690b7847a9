import { createStripePaymentProvider } from '../../src/adapters/payments/stripe-payment.provider';
import { stripeEventBody, stripeSignature } from '../support/stripe-events';
import { StripeStub } from '../support/stripe-stub';
import { paymentProviderContract } from './payment-provider.contract';

const WEBHOOK_SECRET = 'whsec_contract_secret';

// Stripe itself cannot be reached from the tests: the SDK talks to a local stub of its API,
// and webhooks are signed with the SDK's own test-header helper, as Stripe signs them.
paymentProviderContract(async () => {
  const stub = await StripeStub.start();
  return {
    provider: createStripePaymentProvider(
      { secretKey: 'sk_test_contract', webhookSecret: WEBHOOK_SECRET, apiBase: stub.apiBase },
      { timeoutMs: 2000, maxNetworkRetries: 0 },
    ),
    webhook(outcome, payment, sentAt, signedWith = 'ours') {
      const rawBody = stripeEventBody(outcome, payment);
      const secret = signedWith === 'ours' ? WEBHOOK_SECRET : 'whsec_someone_else';
      return { rawBody, signatureHeader: stripeSignature(rawBody, secret, sentAt) };
    },
    refundsOf: async (providerPaymentId) => stub.refundsOf(providerPaymentId).length,
    close: () => stub.stop(),
  };
});
