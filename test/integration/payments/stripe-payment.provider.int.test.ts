import { PaymentRejectedError } from '../../../src/application/sales/ports/payment-provider';
import { StoreUnavailableError } from '../../../src/application/shared/errors';
import {
  createStripePaymentProvider,
  refundIdempotencyKey,
  type StripeClientOptions,
} from '../../../src/adapters/payments/stripe-payment.provider';
import { Money } from '../../../src/domain/shared/money';
import { at, SECOND, T0 } from '../../support/builders';
import { stripeEventBody, stripeSignature } from '../../support/stripe-events';
import { stripeError, type StubFault, StripeStub } from '../../support/stripe-stub';

const SECRET_KEY = 'sk_test_51Stub0nlyKeyThatMustNeverLeak000000000000';
const WEBHOOK_SECRET = 'whsec_stub_webhook_secret';
const NO_RETRIES: StripeClientOptions = { timeoutMs: 2000, maxNetworkRetries: 0 };

/** The Stripe adapter against a local stub of the Stripe API: what it sends, and what it makes of the answers. */
describe('StripePaymentProvider against a stubbed Stripe API', () => {
  let stub: StripeStub;
  const provider = (options: StripeClientOptions = NO_RETRIES) =>
    createStripePaymentProvider(
      { secretKey: SECRET_KEY, webhookSecret: WEBHOOK_SECRET, apiBase: stub.apiBase },
      options,
    );
  const request = (overrides: Partial<{ paymentId: string; amount: Money }> = {}) => ({
    paymentId: '0192f1a0-7c1e-7a2b-9c3d-4e5f60718293',
    reservationId: '0192f1a0-7c1e-7a2b-9c3d-000000000001',
    amount: Money.of(150_000, 'KRW'),
    ...overrides,
  });

  beforeEach(async () => {
    stub = await StripeStub.start();
  });
  afterEach(() => stub.stop());

  async function failure(run: () => Promise<unknown>): Promise<Error> {
    try {
      await run();
    } catch (error) {
      return error as Error;
    }
    throw new Error('it succeeded');
  }

  describe('start', () => {
    it('creates a PaymentIntent for the amount in lower-case currency, with our ids as metadata and idempotency key', async () => {
      const started = await provider().start(request());

      const [sent] = stub.requestsTo('/v1/payment_intents');
      expect(sent).toMatchObject({
        method: 'POST',
        form: {
          amount: '150000',
          currency: 'krw',
          'metadata[paymentId]': request().paymentId,
          'metadata[reservationId]': request().reservationId,
        },
      });
      expect(sent!.headers['authorization']).toBe(`Bearer ${SECRET_KEY}`);
      expect(sent!.headers['idempotency-key']).toBe(request().paymentId);
      expect(sent!.headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/);
      expect(started).toEqual({ providerPaymentId: 'pi_stub1', clientSecret: 'pi_stub1_secret_stub1' });
    });

    it('sends cents as cents and whole krónur as Stripe hundredths', async () => {
      await provider().start(request({ amount: Money.of(1999, 'USD') }));
      await provider().start(request({ paymentId: 'another', amount: Money.of(4500, 'ISK') }));

      expect(
        stub.requestsTo('/v1/payment_intents').map((sent) => [sent.form['amount'], sent.form['currency']]),
      ).toEqual([
        ['1999', 'usd'],
        ['450000', 'isk'],
      ]);
    });

    it('starting the same payment again gets the same PaymentIntent (the idempotency key is our payment id)', async () => {
      const first = await provider().start(request());
      const again = await provider().start(request());

      expect(again).toEqual(first);
      expect(stub.requestsTo('/v1/payment_intents').map((sent) => sent.headers['idempotency-key'])).toEqual([
        request().paymentId,
        request().paymentId,
      ]);
    });

    it('a dropped connection is retried once by the SDK even without retries, with the same idempotency key', async () => {
      stub.failNext('/v1/payment_intents', 'close');

      const started = await provider(NO_RETRIES).start(request());

      const attempts = stub.requestsTo('/v1/payment_intents');
      expect(attempts).toHaveLength(2);
      expect(new Set(attempts.map((sent) => sent.headers['idempotency-key']))).toEqual(new Set([request().paymentId]));
      expect(started.providerPaymentId).toBe('pi_stub1');
    });

    it('a 500 is retried with the same idempotency key when retries are on', async () => {
      stub.failNext('/v1/payment_intents', { status: 500, body: { error: { type: 'api_error', message: 'oops' } } });

      const started = await provider({ timeoutMs: 2000, maxNetworkRetries: 1 }).start(request());

      expect(stub.requestsTo('/v1/payment_intents').map((sent) => sent.headers['idempotency-key'])).toEqual([
        request().paymentId,
        request().paymentId,
      ]);
      expect(started.providerPaymentId).toBe('pi_stub1');
    });

    it("a declined card (402 card_error) is PaymentRejectedError with Stripe's reason", async () => {
      stub.failNext('/v1/payment_intents', stripeError(402, 'card_error', 'card_declined', 'Your card was declined.'));

      const error = await failure(() => provider().start(request()));

      expect(error).toBeInstanceOf(PaymentRejectedError);
      expect(error.message).toMatch(/Your card was declined/);
    });

    it('a request Stripe refuses (400 invalid_request_error) is PaymentRejectedError', async () => {
      stub.failNext(
        '/v1/payment_intents',
        stripeError(400, 'invalid_request_error', 'amount_too_small', 'Amount must be at least 50 cents'),
      );

      const error = await failure(() => provider().start(request({ amount: Money.of(10, 'USD') })));

      expect(error).toBeInstanceOf(PaymentRejectedError);
      expect(error.message).toMatch(/at least 50 cents/);
    });

    it.each([
      ['a 500', [{ status: 500, body: { error: { type: 'api_error', message: 'Something went wrong' } } }]],
      ['a 503 that is not JSON', [{ status: 503, body: '<html>bad gateway</html>' }]],
      ['a 429', [stripeError(429, 'invalid_request_error', 'rate_limit', 'Too many requests')]],
      [
        'a 401 (our key refused)',
        [stripeError(401, 'invalid_request_error', 'api_key_invalid', `Invalid API Key provided: ${SECRET_KEY}`)],
      ],
      ['a connection closed twice', ['close', 'close'] as const],
    ])('%s is StoreUnavailableError (503), the key in no message', async (_what, faults: readonly StubFault[]) => {
      for (const fault of faults) stub.failNext('/v1/payment_intents', fault);

      const error = await failure(() => provider().start(request()));

      expect(error).toBeInstanceOf(StoreUnavailableError);
      expect(error.message).toBe('The payment provider (Stripe) is unavailable, try again shortly');
      expect(String((error.cause as Error).message)).not.toContain(SECRET_KEY);
      expect(JSON.stringify(error)).not.toContain(SECRET_KEY);
    });

    it('an answer slower than the timeout is StoreUnavailableError', async () => {
      stub.failNext('/v1/payment_intents', 'hang');

      const startedAt = Date.now();
      const error = await failure(() => provider({ timeoutMs: 300, maxNetworkRetries: 0 }).start(request()));

      expect(error).toBeInstanceOf(StoreUnavailableError);
      expect(Date.now() - startedAt).toBeLessThan(2000);
    });

    it('a key pasted into a refusal by Stripe is taken out of our message', async () => {
      stub.failNext(
        '/v1/payment_intents',
        stripeError(400, 'invalid_request_error', 'parameter_unknown', `Bad key ${SECRET_KEY} and rk_live_abc123`),
      );

      const error = await failure(() => provider().start(request()));

      expect(error).toBeInstanceOf(PaymentRejectedError);
      expect(error.message).not.toContain(SECRET_KEY);
      expect(error.message).not.toContain('rk_live_abc123');
    });
  });

  describe('refund', () => {
    it('refunds the PaymentIntent, keyed by our payment id', async () => {
      const { providerPaymentId } = await provider().start(request());

      await provider().refund({ paymentId: request().paymentId, providerPaymentId, amount: request().amount });

      const [sent] = stub.requestsTo('/v1/refunds');
      expect(sent!.form).toEqual({ payment_intent: providerPaymentId });
      expect(sent!.headers['idempotency-key']).toBe(refundIdempotencyKey(request().paymentId));
      expect(sent!.headers['idempotency-key']).not.toBe(request().paymentId);
      expect(stub.refundsOf(providerPaymentId)).toHaveLength(1);
    });

    it('refunding twice refunds once and succeeds twice, also once Stripe has forgotten the key', async () => {
      const { providerPaymentId } = await provider().start(request());
      const refund = { paymentId: request().paymentId, providerPaymentId, amount: request().amount };

      await provider().refund(refund);
      await provider().refund(refund);
      // A refund made elsewhere (the dashboard) or under an expired key: charge_already_refunded.
      await provider().refund({ ...refund, paymentId: 'a-payment-whose-key-stripe-forgot' });

      expect(stub.refundsOf(providerPaymentId)).toHaveLength(1);
    });

    it('a refund Stripe cannot make now is StoreUnavailableError; one it refuses is PaymentRejectedError', async () => {
      const { providerPaymentId } = await provider().start(request());
      const refund = { paymentId: request().paymentId, providerPaymentId, amount: request().amount };
      stub.failNext('/v1/refunds', { status: 502, body: { error: { type: 'api_error', message: 'upstream' } } });
      stub.failNext(
        '/v1/refunds',
        stripeError(404, 'invalid_request_error', 'resource_missing', 'No such payment_intent'),
      );

      expect(await failure(() => provider().refund(refund))).toBeInstanceOf(StoreUnavailableError);
      expect(await failure(() => provider().refund(refund))).toBeInstanceOf(PaymentRejectedError);
      await provider().refund(refund);
      expect(stub.refundsOf(providerPaymentId)).toHaveLength(1);
    });
  });

  describe('readWebhook', () => {
    const payment = { providerPaymentId: 'pi_stub1', amount: Money.of(150_000, 'KRW') };

    it('reads an event signed with STRIPE_WEBHOOK_SECRET, within 300 s of the given now', () => {
      const body = stripeEventBody('succeeded', payment, 'evt_ok');

      expect(provider().readWebhook(body, stripeSignature(body, WEBHOOK_SECRET, at(-299 * SECOND)), T0)).toEqual({
        kind: 'succeeded',
        eventId: 'evt_ok',
        ...payment,
      });
    });

    it('refuses the secret key, or any other secret, as the webhook secret', () => {
      const body = stripeEventBody('succeeded', payment);
      for (const secret of [SECRET_KEY, 'whsec_other']) {
        expect(() => provider().readWebhook(body, stripeSignature(body, secret, T0), T0)).toThrow(
          expect.objectContaining({ code: 'INVALID_SIGNATURE' }),
        );
      }
    });

    it('measures staleness against the given now, not the machine clock', () => {
      const body = stripeEventBody('failed', payment);
      const signedLongAgo = stripeSignature(body, WEBHOOK_SECRET, at(-3600 * SECOND));

      expect(provider().readWebhook(body, signedLongAgo, at(-3600 * SECOND + 10 * SECOND)).kind).toBe('failed');
      expect(() => provider().readWebhook(body, signedLongAgo, T0)).toThrow(
        expect.objectContaining({ code: 'INVALID_SIGNATURE' }),
      );
    });
  });
});
