import { InvalidPaymentSignatureError } from '../../../src/application/sales/ports/payment-provider';
import { fromStripeAmount, toStripeAmount } from '../../../src/adapters/payments/stripe-amounts';
import { readStripeShapedEvent } from '../../../src/adapters/payments/stripe-shaped-events';
import { Money } from '../../../src/domain/shared/money';
import { at, SECOND, T0 } from '../../support/builders';
import { stripeEventBody, stripeSignature } from '../../support/stripe-events';

const SECRET = 'whsec_test_c2VjcmV0LWZvci10ZXN0cw';
const payment = { providerPaymentId: 'pi_3Q0abc', amount: Money.of(150_000, 'KRW') };

function read(rawBody: string, signatureHeader: string | undefined, now: Date = T0) {
  return readStripeShapedEvent(rawBody, signatureHeader, SECRET, now);
}

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidPaymentSignatureError);
    return (error as InvalidPaymentSignatureError).message;
  }
  throw new Error('the webhook was read');
}

describe('readStripeShapedEvent: Stripe-signed webhooks read into payment notifications', () => {
  describe('maps the events we act on', () => {
    it('payment_intent.succeeded is succeeded, with the amount received as Money', () => {
      const body = stripeEventBody('succeeded', payment, 'evt_1');
      expect(read(body, stripeSignature(body, SECRET, T0))).toEqual({
        kind: 'succeeded',
        eventId: 'evt_1',
        providerPaymentId: 'pi_3Q0abc',
        amount: Money.of(150_000, 'KRW'),
      });
    });

    it('payment_intent.payment_failed is failed, with the amount asked', () => {
      const body = stripeEventBody('failed', { ...payment, amount: Money.of(1999, 'USD') }, 'evt_2');
      expect(read(body, stripeSignature(body, SECRET, T0))).toEqual({
        kind: 'failed',
        eventId: 'evt_2',
        providerPaymentId: 'pi_3Q0abc',
        amount: Money.of(1999, 'USD'),
      });
    });

    it("charge.refunded is refunded, named by the charge's PaymentIntent", () => {
      const body = stripeEventBody('refunded', payment, 'evt_3');
      expect(read(body, stripeSignature(body, SECRET, T0))).toEqual({
        kind: 'refunded',
        eventId: 'evt_3',
        providerPaymentId: 'pi_3Q0abc',
      });
    });

    it.each(['payment_intent.created', 'charge.succeeded', 'customer.created'])(
      '%s is ignored, by its type',
      (type) => {
        const body = stripeEventBody({ type }, payment, 'evt_4');
        expect(read(body, stripeSignature(body, SECRET, T0))).toEqual({ kind: 'ignored', eventId: 'evt_4', type });
      },
    );

    it("reads ISK, whole krónur to us and hundredths to Stripe, back to the payment's amount", () => {
      const krona = { ...payment, amount: Money.of(4500, 'ISK') };
      const body = stripeEventBody('succeeded', krona);
      expect(JSON.parse(body).data.object.amount).toBe(450_000);
      expect(read(body, stripeSignature(body, SECRET, T0))).toMatchObject({ amount: Money.of(4500, 'ISK') });
    });
  });

  describe('refuses what the webhook secret did not sign just now, and reads nothing of it', () => {
    const body = stripeEventBody('succeeded', payment);

    it('a missing or empty Stripe-Signature header', () => {
      expect(refusal(() => read(body, undefined))).toMatch(/missing/);
      expect(refusal(() => read(body, ''))).toMatch(/missing/);
    });

    it('a signature made with another secret', () => {
      expect(refusal(() => read(body, stripeSignature(body, 'whsec_someone_else', T0)))).toMatch(/does not sign/);
    });

    it('a body changed after signing, by one character', () => {
      const signature = stripeSignature(body, SECRET, T0);
      expect(refusal(() => read(body.replace('pi_3Q0abc', 'pi_3Q0abd'), signature))).toMatch(/does not sign/);
      expect(refusal(() => read(`${body} `, signature))).toMatch(/does not sign/);
    });

    it('a timestamp more than 300 s before now; 300 s exactly is still fine', () => {
      expect(read(body, stripeSignature(body, SECRET, at(-300 * SECOND))).kind).toBe('succeeded');
      expect(refusal(() => read(body, stripeSignature(body, SECRET, at(-301 * SECOND))))).toMatch(/old/);
    });

    it('a timestamp more than 300 s after now; 300 s exactly is still fine', () => {
      expect(read(body, stripeSignature(body, SECRET, at(300 * SECOND))).kind).toBe('succeeded');
      expect(refusal(() => read(body, stripeSignature(body, SECRET, at(301 * SECOND))))).toMatch(/future/);
    });

    it('a header that is not t=…,v1=…, or signs with another scheme only', () => {
      const good = stripeSignature(body, SECRET, T0);
      const signature = good.split('v1=')[1]!;
      for (const header of [
        'garbage',
        `v1=${signature}`,
        `t=${Math.floor(T0.getTime() / 1000)}`,
        `t=x,v1=${signature}`,
      ]) {
        expect([header, refusal(() => read(body, header))]).toEqual([header, expect.any(String)]);
      }
      expect(refusal(() => read(body, good.replace('v1=', 'v0=')))).toMatch(/does not sign/);
    });

    it('a signed timestamp that was replaced (the signature covers it)', () => {
      const good = stripeSignature(body, SECRET, at(-400 * SECOND));
      const moved = good.replace(/t=\d+/, `t=${Math.floor(T0.getTime() / 1000)}`);
      expect(refusal(() => read(body, moved))).toMatch(/does not sign/);
    });

    it('never quotes the header, the body or the secret back', () => {
      const header = stripeSignature(body, 'whsec_someone_else', T0);
      const message = refusal(() => read(body, header));
      expect(message).not.toContain(header.split('v1=')[1]);
      expect(message).not.toContain('pi_3Q0abc');
      expect(message).not.toContain(SECRET);
    });
  });

  describe('refuses a correctly signed body that is no Stripe event we can read', () => {
    it.each([
      ['not JSON', '{"id": "evt_1", '],
      ['no type', JSON.stringify({ id: 'evt_1', data: { object: {} } })],
      ['no data', JSON.stringify({ id: 'evt_1', type: 'payment_intent.succeeded' })],
      [
        'an intent without an amount',
        JSON.stringify({
          id: 'evt_1',
          type: 'payment_intent.succeeded',
          data: { object: { id: 'pi_1', currency: 'usd' } },
        }),
      ],
      [
        'a fractional amount',
        JSON.stringify({
          id: 'evt_1',
          type: 'payment_intent.succeeded',
          data: { object: { id: 'pi_1', amount: 10.5, currency: 'usd' } },
        }),
      ],
      [
        'an unknown currency shape',
        JSON.stringify({
          id: 'evt_1',
          type: 'payment_intent.payment_failed',
          data: { object: { id: 'pi_1', amount: 100, currency: 'dollars' } },
        }),
      ],
      [
        'fractional krónur',
        JSON.stringify({
          id: 'evt_1',
          type: 'payment_intent.succeeded',
          data: { object: { id: 'pi_1', amount: 450_050, currency: 'isk' } },
        }),
      ],
      [
        'a refund without its PaymentIntent',
        JSON.stringify({
          id: 'evt_1',
          type: 'charge.refunded',
          data: { object: { id: 'ch_1', payment_intent: null } },
        }),
      ],
    ])('%s', (_what, body) => {
      expect(refusal(() => read(body, stripeSignature(body, SECRET, T0)))).toMatch(/body|amount/);
    });
  });
});

describe('amounts between our Money and Stripe', () => {
  it.each([
    [Money.of(1999, 'USD'), 1999],
    [Money.of(150_000, 'KRW'), 150_000],
    [Money.of(500, 'JPY'), 500],
    [Money.of(5120, 'KWD'), 5120],
    [Money.of(40, 'ISK'), 4000],
    [Money.of(1000, 'UGX'), 100_000],
  ])('%j is %d at Stripe, and back', (money, stripeAmount) => {
    expect(toStripeAmount(money)).toBe(stripeAmount);
    expect(fromStripeAmount(stripeAmount, money.currency)).toEqual(money);
  });

  it('has no Money for hundredths of a króna, a negative or an unsafe amount', () => {
    expect(fromStripeAmount(4050, 'ISK')).toBeNull();
    expect(fromStripeAmount(-1, 'USD')).toBeNull();
    expect(fromStripeAmount(2 ** 53, 'USD')).toBeNull();
  });
});
