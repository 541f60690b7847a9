import {
  InvalidPaymentSignatureError,
  type PaymentProvider,
  type PaymentRequest,
} from '../../src/application/sales/ports/payment-provider';
import { Money } from '../../src/domain/shared/money';
import { at, SECOND, T0 } from '../support/builders';

/** What a provider's webhook reports about a payment. */
export type WebhookOutcome = 'succeeded' | 'failed' | 'refunded';

/**
 * One PaymentProvider adapter under test, and what its real service would do.
 *
 * - `provider`: the adapter, configured with its webhook secret.
 * - `webhook(outcome, payment, sentAt, signedWith)`: the raw body and signature header the
 *   provider's service sends about a started payment, signed at `sentAt` with the adapter's
 *   webhook secret (`'ours'`) or some other secret (`'another'`).
 * - `refundsOf(providerPaymentId)`: how many refunds the provider's service made of it.
 * - `close()`: stops whatever the harness started (a stub server, timers).
 */
export interface PaymentProviderHarness {
  readonly provider: PaymentProvider;
  webhook(
    outcome: WebhookOutcome,
    payment: { readonly providerPaymentId: string; readonly amount: Money },
    sentAt: Date,
    signedWith?: 'ours' | 'another',
  ): { readonly rawBody: string; readonly signatureHeader: string };
  refundsOf(providerPaymentId: string): Promise<number>;
  close(): Promise<void>;
}

let sequence = 0;

/** A payment the fake provider lets succeed (its 4242 card) and that any provider can start. */
function aPaymentRequest(): PaymentRequest {
  sequence += 1;
  return {
    paymentId: `0192f1a0-7c1e-7a2b-9c3d-${String(sequence).padStart(12, '0')}`,
    reservationId: `0192f1a0-7c1e-7a2b-8000-${String(sequence).padStart(12, '0')}`,
    amount: Money.of(270_000, 'KRW'),
    card: '4242 4242 4242 4242',
  };
}

/**
 * The promises of the PaymentProvider port, which every adapter keeps: start answers the
 * provider's id; a webhook it signed is read into the right notification within 300 s of
 * `now`, and anything else (tampered, signed with another secret, stale or early, unsigned)
 * is InvalidPaymentSignatureError; a refund asked twice refunds once.
 */
export function paymentProviderContract(makeHarness: () => Promise<PaymentProviderHarness>): void {
  describe('PaymentProvider contract', () => {
    let harness: PaymentProviderHarness;
    let provider: PaymentProvider;

    beforeEach(async () => {
      harness = await makeHarness();
      provider = harness.provider;
    });
    afterEach(() => harness.close());

    const started = async () => {
      const request = aPaymentRequest();
      const { providerPaymentId } = await provider.start(request);
      return { request, payment: { providerPaymentId, amount: request.amount } };
    };

    it("start answers the provider's own id, a different one per payment", async () => {
      const first = await started();
      const second = await started();

      expect(first.payment.providerPaymentId).toEqual(expect.any(String));
      expect(first.payment.providerPaymentId.length).toBeGreaterThan(0);
      expect(second.payment.providerPaymentId).not.toBe(first.payment.providerPaymentId);
    });

    it('starting the same payment twice (same paymentId) answers the same provider id', async () => {
      const request = aPaymentRequest();
      const first = await provider.start(request);
      const again = await provider.start(request);

      expect(again.providerPaymentId).toBe(first.providerPaymentId);
    });

    it.each<WebhookOutcome>(['succeeded', 'failed'])(
      'reads its signed "%s" webhook into that notification, with the amount',
      async (outcome) => {
        const { payment } = await started();
        const { rawBody, signatureHeader } = harness.webhook(outcome, payment, T0);

        expect(provider.readWebhook(rawBody, signatureHeader, at(10 * SECOND))).toEqual({
          kind: outcome,
          eventId: expect.any(String),
          providerPaymentId: payment.providerPaymentId,
          amount: payment.amount,
        });
      },
    );

    it('reads its signed "refunded" webhook into a refunded notification', async () => {
      const { payment } = await started();
      const { rawBody, signatureHeader } = harness.webhook('refunded', payment, T0);

      expect(provider.readWebhook(rawBody, signatureHeader, T0)).toEqual({
        kind: 'refunded',
        eventId: expect.any(String),
        providerPaymentId: payment.providerPaymentId,
      });
    });

    it('gives two webhooks about one payment two event ids, and one webhook read twice the same id', async () => {
      const { payment } = await started();
      const failed = harness.webhook('failed', payment, T0);
      const succeeded = harness.webhook('succeeded', payment, T0);

      const once = provider.readWebhook(succeeded.rawBody, succeeded.signatureHeader, T0);
      const twice = provider.readWebhook(succeeded.rawBody, succeeded.signatureHeader, T0);
      const other = provider.readWebhook(failed.rawBody, failed.signatureHeader, T0);

      expect(twice.eventId).toBe(once.eventId);
      expect(other.eventId).not.toBe(once.eventId);
    });

    describe('refuses, with InvalidPaymentSignatureError, a webhook', () => {
      const refused = (rawBody: string, signatureHeader: string | undefined, now: Date = T0) => {
        expect(() => provider.readWebhook(rawBody, signatureHeader, now)).toThrow(InvalidPaymentSignatureError);
      };

      it('whose body was changed after signing', async () => {
        const { payment } = await started();
        const { rawBody, signatureHeader } = harness.webhook('succeeded', payment, T0);

        refused(rawBody.replace(payment.providerPaymentId, `${payment.providerPaymentId}x`), signatureHeader);
        refused(`${rawBody} `, signatureHeader);
        refused(rawBody.replace('270000', '1'), signatureHeader);
      });

      it('signed with another secret', async () => {
        const { payment } = await started();
        const { rawBody, signatureHeader } = harness.webhook('succeeded', payment, T0, 'another');

        refused(rawBody, signatureHeader);
      });

      it('signed more than 300 s before now, or more than 300 s after', async () => {
        const { payment } = await started();
        const early = harness.webhook('succeeded', payment, at(-301 * SECOND));
        const late = harness.webhook('succeeded', payment, at(301 * SECOND));
        const justInTime = harness.webhook('succeeded', payment, at(-300 * SECOND));

        refused(early.rawBody, early.signatureHeader);
        refused(late.rawBody, late.signatureHeader);
        expect(provider.readWebhook(justInTime.rawBody, justInTime.signatureHeader, T0).kind).toBe('succeeded');
      });

      it('without a signature', async () => {
        const { payment } = await started();
        const { rawBody } = harness.webhook('succeeded', payment, T0);

        refused(rawBody, undefined);
        refused(rawBody, '');
      });

      it("with another webhook's signature", async () => {
        const { payment } = await started();
        const succeeded = harness.webhook('succeeded', payment, T0);
        const failed = harness.webhook('failed', payment, T0);

        refused(failed.rawBody, succeeded.signatureHeader);
      });
    });

    it('refunding a payment twice is safe: both calls succeed, one refund is made', async () => {
      const { request, payment } = await started();
      const refund = {
        paymentId: request.paymentId,
        providerPaymentId: payment.providerPaymentId,
        amount: payment.amount,
      };

      await provider.refund(refund);
      await provider.refund(refund);

      expect(await harness.refundsOf(payment.providerPaymentId)).toBe(1);
    });

    it('refunding two payments refunds each once', async () => {
      const first = await started();
      const second = await started();

      await provider.refund({ paymentId: first.request.paymentId, ...first.payment });
      await provider.refund({ paymentId: second.request.paymentId, ...second.payment });

      expect(await harness.refundsOf(first.payment.providerPaymentId)).toBe(1);
      expect(await harness.refundsOf(second.payment.providerPaymentId)).toBe(1);
    });
  });
}
