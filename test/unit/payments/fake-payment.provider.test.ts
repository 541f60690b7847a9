import { FakePaymentProvider } from '../../../src/adapters/payments/fake-payment.provider';
import { ManualClock } from '../../../src/adapters/memory/manual-clock';
import { PaymentRejectedError } from '../../../src/application/sales/ports/payment-provider';
import { DomainEventOutboxTranslator } from '../../../src/application/integrations/outbox-messages';
import { UuidV7IdGenerator } from '../../../src/adapters/system/uuid-v7.id-generator';
import { Money } from '../../../src/domain/shared/money';
import { T0 } from '../../support/builders';

const SECRET = 'whsec_test_secret_for_unit_tests';
describe('FakePaymentProvider', () => {
  function aFake(deliver: (body: string, signature: string) => Promise<unknown>) {
    const clock = new ManualClock(T0);
    return { clock, fake: new FakePaymentProvider({ webhookSecret: SECRET, delayMs: 0, clock, deliver }) };
  }
  const request = (card?: string) => ({
    paymentId: '0190f2c4-1d5e-7a3b-9c1d-2e3f4a5b6c7d',
    reservationId: 'r-1',
    amount: Money.of(300_000, 'KRW'),
    ...(card !== undefined && { card }),
  });

  it('pays with 4242…, declines 4000…0002 by webhook, signed as Stripe signs; spaces optional', async () => {
    const received: { body: string; signature: string }[] = [];
    const { fake, clock } = aFake(async (body, signature) => received.push({ body, signature }));
    const paid = await fake.start(request('4242 4242 4242 4242'));
    const declined = await fake.start({ ...request('4000000000000002'), paymentId: 'another-payment' });
    await fake.idle();
    const notes = received.map(({ body, signature }) => fake.readWebhook(body, signature, clock.now()));
    expect(notes).toEqual([
      expect.objectContaining({ kind: 'succeeded', providerPaymentId: paid.providerPaymentId }),
      expect.objectContaining({ kind: 'failed', providerPaymentId: declined.providerPaymentId }),
    ]);
    expect(JSON.parse(received[0]!.body)).toMatchObject({
      id: expect.stringMatching(/^evt_/),
      type: 'payment_intent.succeeded',
    });
  });

  it('refuses any other card, or none, at once', async () => {
    const { fake } = aFake(async () => {});
    await expect(fake.start(request('4111 1111 1111 1111'))).rejects.toThrow(PaymentRejectedError);
    await expect(fake.start(request())).rejects.toThrow(PaymentRejectedError);
  });

  it('delivers again when the service refused (a webhook overtaking its checkout), and refunds once', async () => {
    let attempts = 0;
    const { fake } = aFake(async () => {
      attempts++;
      if (attempts < 3) throw new Error('not recorded yet');
    });
    const started = await fake.start(request('4242424242424242'));
    await fake.idle();
    expect(attempts).toBe(3);
    const payment = {
      paymentId: request().paymentId,
      providerPaymentId: started.providerPaymentId,
      amount: request().amount,
    };
    await fake.refund(payment);
    await fake.refund(payment);
    expect(fake.refundCount).toBe(1);
    fake.setReachable(false);
    await expect(fake.refund({ ...payment, paymentId: 'other' })).rejects.toMatchObject({
      code: 'SERVICE_UNAVAILABLE',
    });
    fake.close();
  });
});

describe('payment events leave the service as webhooks', () => {
  it('PaymentSucceeded and PaymentRefunded become payment.succeeded and payment.refunded, keyed by reservation', () => {
    const translator = new DomainEventOutboxTranslator(new UuidV7IdGenerator());
    const about = { reservationId: 'r-1', performanceId: 'p-1', paymentId: 'pay-1', amount: Money.of(500, 'USD') };
    const messages = translator.messagesFor([
      { type: 'PaymentSucceeded', occurredAt: T0, ...about },
      { type: 'PaymentRefunded', occurredAt: T0, ...about },
    ] as never);
    expect(messages.map(({ type, orderingKey, data }) => ({ type, orderingKey, data }))).toEqual(
      ['payment.succeeded', 'payment.refunded'].map((type) => ({
        type,
        orderingKey: 'r-1',
        data: { paymentId: 'pay-1', reservationId: 'r-1', performanceId: 'p-1', amount: 500, currency: 'USD' },
      })),
    );
  });
});
