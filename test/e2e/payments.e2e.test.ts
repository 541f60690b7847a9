import Stripe from 'stripe';
import { FakePaymentProvider, fakeProviderPaymentId } from '../../src/adapters/payments/fake-payment.provider';
import type { ExpireOverdueHolds } from '../../src/application/sales/expire-overdue-holds/expire-overdue-holds.use-case';
import type { RefundDuePayments } from '../../src/application/sales/refund-due-payments/refund-due-payments.use-case';
import { TOKENS } from '../../src/bootstrap/tokens';
import type { ApiMember, Json } from '../../testkit/api-client';
import { startTestApp, type TestApp } from '../support/service';

const SECRET = 'whsec_e2e_payments_secret_0123456789';
const PAYS = '4242 4242 4242 4242';
const DECLINED = '4000000000000002';
const HOLD_SECONDS = 300;
const EXTENSION_SECONDS = 120;

describe('checkout and payments (PAYMENT_PROVIDER=fake)', () => {
  let app: TestApp;
  let fake: FakePaymentProvider;
  let performanceId: string;
  let seats: string[];
  let next = 0;
  let events = 0;
  let alice: ApiMember;
  let bob: ApiMember;

  beforeAll(async () => {
    app = await startTestApp({
      env: {
        PAYMENT_PROVIDER: 'fake',
        FAKE_PAYMENT_WEBHOOK_SECRET: SECRET,
        // Long enough that a second checkout comes while the first is still PENDING.
        FAKE_PAYMENT_DELAY_MS: '300',
        CHECKOUT_HOLD_EXTENSION_SECONDS: String(EXTENSION_SECONDS),
      },
    });
    fake = app.application.container.get<FakePaymentProvider>(TOKENS.PaymentProvider);
    const hall = await app.createHall({ rows: 4, seatsPerRow: 20 });
    performanceId = hall.id;
    seats = hall.seatIds;
    [alice, bob] = [await app.newMember(), await app.newMember()];
  });
  afterAll(() => app.close());

  const freshSeats = (count: number) => seats.slice(next, (next += count));
  const hold = async (member: ApiMember, seatIds = freshSeats(2)) => {
    const response = await app.request('POST', '/api/v1/reservations', {
      token: member.token,
      body: { performanceId, seatIds },
    });
    expect([response.status, response.body.code]).toEqual([201, undefined]);
    return response.body as Json;
  };
  const checkout = (member: ApiMember, reservationId: string, card?: string) =>
    app.request('POST', `/api/v1/reservations/${reservationId}/checkout`, {
      token: member.token,
      ...(card !== undefined && { body: { card } }),
    });
  const reservation = async (member: ApiMember, reservationId: string) =>
    (await app.request('GET', `/api/v1/reservations/${reservationId}`, { token: member.token })).body as Json;
  const seatStatus = async (seatId: string) =>
    ((await app.request('GET', `/api/v1/performances/${performanceId}/seats`)).body as Json).seats.find(
      (seat: Json) => seat.id === seatId,
    ).status;
  const signed = (type: string, object: Json, at = app.clock.now()) => {
    const body = JSON.stringify({ id: `evt_${(events += 1)}`, object: 'event', type, created: 0, data: { object } });
    const timestamp = Math.floor(at.getTime() / 1000);
    return { body, signature: Stripe.webhooks.generateTestHeaderString({ payload: body, secret: SECRET, timestamp }) };
  };
  const postWebhook = (provider: string, event: { body: string; signature?: string }) =>
    app.request('POST', `/api/v1/payments/webhooks/${provider}`, {
      body: event.body,
      headers: { 'Content-Type': 'application/json', ...(event.signature && { 'Stripe-Signature': event.signature }) },
    });
  const succeededEvent = (paymentId: string, amount: number) =>
    signed('payment_intent.succeeded', {
      id: fakeProviderPaymentId(paymentId),
      object: 'payment_intent',
      amount,
      currency: 'krw',
    });
  const sweep = () => app.application.container.get<ExpireOverdueHolds>(TOKENS.ExpireOverdueHolds).execute();

  it('confirm answers 409 PAYMENT_REQUIRED: the way is checkout', async () => {
    const held = await hold(alice);
    const response = await app.request('POST', `/api/v1/reservations/${held.id}/confirm`, { token: alice.token });
    expect(response.status).toBe(409);
    expect(response.body.code).toBe('PAYMENT_REQUIRED');
    expect((await reservation(alice, held.id)).status).toBe('PENDING');
  });

  it('checkout 201 PENDING, again 200 the same payment, then the webhook confirms it and the seats are sold', async () => {
    const held = await hold(alice);
    const first = await checkout(alice, held.id, PAYS);
    expect(first.status).toBe(201);
    expect(first.body).toEqual({
      paymentId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      status: 'PENDING',
      amount: held.totalPrice,
      currency: 'KRW',
      provider: 'fake',
    });
    const again = await checkout(alice, held.id, PAYS);
    expect([again.status, again.body]).toEqual([200, first.body]);
    const pending = await reservation(alice, held.id);
    expect(pending.expiresAt).toBe(
      new Date(Date.parse(held.createdAt) + (HOLD_SECONDS + EXTENSION_SECONDS) * 1000).toISOString(),
    );
    expect(pending.payment).toEqual({ status: 'PENDING', amount: held.totalPrice, currency: 'KRW', refunded: false });

    await fake.idle();
    const paid = await reservation(alice, held.id);
    expect(paid.status).toBe('CONFIRMED');
    expect(paid.payment).toEqual({ status: 'SUCCEEDED', amount: held.totalPrice, currency: 'KRW', refunded: false });
    expect(await seatStatus(held.seats[0].id)).toBe('RESERVED');
    // Paid: no second payment.
    expect((await checkout(alice, held.id, PAYS)).body.code).toBe('RESERVATION_NOT_ACTIVE');
  });

  it('a declined card: the payment FAILED, the hold runs on, and checking out again can pay', async () => {
    const held = await hold(alice);
    expect((await checkout(alice, held.id, DECLINED)).status).toBe(201);
    await fake.idle();
    const declined = await reservation(alice, held.id);
    expect([declined.status, declined.payment.status]).toEqual(['PENDING', 'FAILED']);
    const retry = await checkout(alice, held.id, PAYS);
    expect([retry.status, retry.body.status]).toEqual([201, 'PENDING']);
    await fake.idle();
    expect((await reservation(alice, held.id)).status).toBe('CONFIRMED');
  });

  it('another card is 422 PAYMENT_REJECTED and records nothing; bad bodies are 400', async () => {
    const held = await hold(alice);
    const rejected = await checkout(alice, held.id, '4111 1111 1111 1111');
    expect([rejected.status, rejected.body.code]).toEqual([422, 'PAYMENT_REJECTED']);
    expect((await checkout(alice, held.id)).body.code).toBe('PAYMENT_REJECTED');
    expect((await reservation(alice, held.id)).payment).toBeNull();
    expect((await checkout(alice, held.id, 'not a card')).body.code).toBe('VALIDATION_FAILED');
  });

  it("only the owner checks out: anyone else's reservation is 404; an expired hold 409 HOLD_EXPIRED", async () => {
    const held = await hold(alice);
    expect((await checkout(bob, held.id, PAYS)).body.code).toBe('RESERVATION_NOT_FOUND');
    const overdue = await hold(alice);
    app.clock.advance((HOLD_SECONDS + 1) * 1000);
    expect((await checkout(alice, overdue.id, PAYS)).body.code).toBe('HOLD_EXPIRED');
    const cancelled = await hold(alice);
    await app.request('POST', `/api/v1/reservations/${cancelled.id}/cancel`, { token: alice.token });
    expect((await checkout(alice, cancelled.id, PAYS)).body.code).toBe('RESERVATION_NOT_ACTIVE');
  });

  describe('the webhook', () => {
    it('a missing, forged or stale signature is 400 INVALID_SIGNATURE and changes nothing', async () => {
      const held = await hold(alice);
      const started = await checkout(alice, held.id, DECLINED);
      await fake.idle();
      const event = succeededEvent(started.body.paymentId, held.totalPrice);
      const stale = signed(
        'payment_intent.succeeded',
        JSON.parse(event.body).data.object,
        new Date(app.clock.now().getTime() - 301_000),
      );
      for (const attempt of [
        { body: event.body },
        // One hex digit of the signature changed (to another digit: a 0 stays a forgery too).
        {
          body: event.body,
          signature: event.signature.replace(/v1=(.)/, (_, d: string) => `v1=${d === '0' ? '1' : '0'}`),
        },
        { body: event.body.replace('"amount"', '"amount" '), signature: event.signature },
        { body: stale.body, signature: stale.signature },
      ]) {
        const response = await postWebhook('fake', attempt);
        expect([response.status, response.body.code]).toEqual([400, 'INVALID_SIGNATURE']);
      }
      expect((await reservation(alice, held.id)).payment.status).toBe('FAILED');
      expect((await postWebhook('fake', event)).status).toBe(204);
      expect((await reservation(alice, held.id)).status).toBe('CONFIRMED');
      // The same event again: acknowledged, nothing changes.
      expect((await postWebhook('fake', event)).status).toBe(204);
      expect((await reservation(alice, held.id)).payment.status).toBe('SUCCEEDED');
    });

    it('404 for a provider not configured, and for a payment not recorded (so the provider sends it again)', async () => {
      const unknown = succeededEvent('00000000-0000-7000-8000-000000000000', 100);
      expect((await postWebhook('stripe', unknown)).body.code).toBe('PAYMENT_PROVIDER_NOT_FOUND');
      const response = await postWebhook('fake', unknown);
      expect([response.status, response.body.code]).toEqual([404, 'PAYMENT_NOT_FOUND']);
      expect((await postWebhook('fake', { body: '{"id":', signature: unknown.signature })).body.code).toBe(
        'MALFORMED_JSON',
      );
    });

    it('an event type not acted on is acknowledged', async () => {
      expect((await postWebhook('fake', signed('customer.created', { id: 'cus_1' }))).status).toBe(204);
    });
  });

  describe('paid after the hold ran out', () => {
    const lateReservation = async (seatIds: string[]) => {
      const held = await hold(alice, seatIds);
      const started = await checkout(alice, held.id, DECLINED);
      await fake.idle();
      app.clock.advance((HOLD_SECONDS + EXTENSION_SECONDS + 1) * 1000);
      await sweep();
      expect((await reservation(alice, held.id)).status).toBe('EXPIRED');
      return { held, event: succeededEvent(started.body.paymentId, held.totalPrice) };
    };

    it('every seat still free: held again and confirmed', async () => {
      const { held, event } = await lateReservation(freshSeats(2));
      expect((await postWebhook('fake', event)).status).toBe(204);
      const paid = await reservation(alice, held.id);
      expect([paid.status, paid.payment.status]).toEqual(['CONFIRMED', 'SUCCEEDED']);
      expect(await seatStatus(held.seats[1].id)).toBe('RESERVED');
      // The late way into CONFIRMED issues tickets like any other.
      expect(paid.tickets.map((ticket: Json) => ticket.seatId)).toEqual(held.seats.map((seat: Json) => seat.id));
      expect(paid.tickets.every((ticket: Json) => typeof ticket.code === 'string')).toBe(true);
    });

    it('a seat taken meanwhile: refunded through the provider, the reservation stays EXPIRED', async () => {
      const seatIds = freshSeats(2);
      const { held, event } = await lateReservation(seatIds);
      const taker = await hold(bob, [seatIds[1]!]);
      const refundsBefore = fake.refundCount;
      expect((await postWebhook('fake', event)).status).toBe(204);
      const refunded = await reservation(alice, held.id);
      expect([refunded.status, refunded.payment]).toEqual([
        'EXPIRED',
        { status: 'REFUNDED', amount: held.totalPrice, currency: 'KRW', refunded: true },
      ]);
      expect(fake.refundCount).toBe(refundsBefore + 1);
      expect((await reservation(bob, taker.id)).status).toBe('PENDING');
      expect(await seatStatus(seatIds[0]!)).toBe('AVAILABLE');
      await fake.idle();
    });
  });

  describe('cancelling a paid reservation refunds it', () => {
    const paidReservation = async () => {
      const held = await hold(alice);
      await checkout(alice, held.id, PAYS);
      await fake.idle();
      expect((await reservation(alice, held.id)).status).toBe('CONFIRMED');
      return held;
    };

    it('at once when the provider answers, and its tickets are void at the door', async () => {
      const held = await paidReservation();
      const [ticket] = (await reservation(alice, held.id)).tickets;
      const cancelled = await app.request('POST', `/api/v1/reservations/${held.id}/cancel`, { token: alice.token });
      expect(cancelled.status).toBe(200);
      expect([cancelled.body.status, cancelled.body.payment.refunded]).toEqual(['CANCELLED', true]);
      const staff = await app.api.newStaff(await app.adminToken());
      const scan = await app.request('POST', '/api/v1/check-ins', { token: staff.token, body: { code: ticket.code } });
      expect([scan.status, scan.body.code]).toEqual([409, 'TICKET_VOID']);
      await fake.idle();
    });

    it('later, by the periodic retry, when the provider was unreachable: the refund is never lost', async () => {
      const held = await paidReservation();
      fake.setReachable(false);
      try {
        const cancelled = await app.request('POST', `/api/v1/reservations/${held.id}/cancel`, { token: alice.token });
        expect([cancelled.status, cancelled.body.status, cancelled.body.payment.status]).toEqual([
          200,
          'CANCELLED',
          'REFUND_PENDING',
        ]);
        const retry = app.application.container.get<RefundDuePayments>(TOKENS.RefundDuePayments);
        await expect(retry.execute()).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
        expect((await reservation(alice, held.id)).payment.status).toBe('REFUND_PENDING');
        fake.setReachable(true);
        expect(await retry.execute()).toBe(1);
        expect((await reservation(alice, held.id)).payment).toMatchObject({ status: 'REFUNDED', refunded: true });
        expect(await retry.execute()).toBe(0);
      } finally {
        fake.setReachable(true);
        await fake.idle();
      }
    });
  });
});

describe('without a payment provider (PAYMENT_PROVIDER=none, the default)', () => {
  it('checkout is 409 PAYMENTS_DISABLED, and confirm confirms as before', async () => {
    const app = await startTestApp();
    try {
      const member = await app.newMember();
      const performance = await app.createPerformance();
      const seatIds = (await app.seatIds(performance.id)).slice(0, 1);
      const held = (
        await app.request('POST', '/api/v1/reservations', {
          token: member.token,
          body: { performanceId: performance.id, seatIds },
        })
      ).body;
      const response = await app.request('POST', `/api/v1/reservations/${held.id}/checkout`, { token: member.token });
      expect([response.status, response.body.code]).toEqual([409, 'PAYMENTS_DISABLED']);
      const webhook = await app.request('POST', '/api/v1/payments/webhooks/fake', { body: { id: 'evt_1' } });
      expect([webhook.status, webhook.body.code]).toEqual([404, 'PAYMENT_PROVIDER_NOT_FOUND']);
      const confirmed = await app.request('POST', `/api/v1/reservations/${held.id}/confirm`, { token: member.token });
      expect([confirmed.status, confirmed.body.status, confirmed.body.payment]).toEqual([200, 'CONFIRMED', null]);
    } finally {
      await app.close();
    }
  });
});
