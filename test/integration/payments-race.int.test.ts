import type { Knex } from 'knex';
import Stripe from 'stripe';
import { FakePaymentProvider, fakeProviderPaymentId } from '../../src/adapters/payments/fake-payment.provider';
import type { ExpireOverdueHolds } from '../../src/application/sales/expire-overdue-holds/expire-overdue-holds.use-case';
import { TOKENS } from '../../src/bootstrap/tokens';
import type { ApiMember, Json } from '../../testkit/api-client';
import { auditPayments, doubleSoldSeats, formatAudit, sqlOverKnex } from '../../testkit/audit';
import { deleteAllRows, openTestDatabase } from '../support/mysql';
import { startFullStack, type TestService } from '../support/service';

const SECRET = 'whsec_race_payments_secret_0123456789';
const DECLINED = '4000 0000 0000 0002';
const ROUNDS = 6;

/**
 * Exactly once, on MariaDB and Redis, with real concurrent requests: a payment's webhook
 * delivered twice at once, racing a cancel, racing the sweeper at the hold's last instant,
 * and paid late while another member reaches for the same seats. The checkouts use the
 * declined card, so the fake's own webhook only marks them FAILED; the tests then deliver
 * the provider's `succeeded` themselves, signed as the fake signs, when the race needs it.
 */
describe('payments race on MariaDB and Redis', () => {
  let service: TestService;
  let knex: Knex;
  let fake: FakePaymentProvider;
  let hall: { id: string; seatIds: string[] };
  let next = 0;
  let alice: ApiMember;
  let bob: ApiMember;
  let eventCount = 0;

  beforeAll(async () => {
    knex = await openTestDatabase({ poolMax: 4 });
    // The audit judges the whole database: start from an empty one.
    await deleteAllRows(knex);
    service = await startFullStack({
      PAYMENT_PROVIDER: 'fake',
      FAKE_PAYMENT_WEBHOOK_SECRET: SECRET,
      FAKE_PAYMENT_DELAY_MS: '0',
      HOLD_TTL_SECONDS: '2',
      MAX_SEATS_PER_MEMBER: '1000',
      CHECKOUT_HOLD_EXTENSION_SECONDS: '0',
      // The sweeper runs when a test says so; the outbox stays for the test to count.
      HOLD_SWEEP_INTERVAL_MS: '3600000',
      WEBHOOK_RELAY_INTERVAL_MS: '3600000',
    });
    fake = service.application.container.get<FakePaymentProvider>(TOKENS.PaymentProvider);
    hall = await service.createHall({ rows: 4, seatsPerRow: 25 });
    [alice, bob] = [await service.newMember(), await service.newMember()];
  }, 60_000);

  afterAll(async () => {
    await service?.close();
    await knex?.destroy();
  });

  const sql = () => sqlOverKnex(knex);
  const freshSeats = (count: number) => hall.seatIds.slice(next, (next += count));

  async function holdAndCheckOut(seatIds = freshSeats(2)) {
    const held = await service.request('POST', '/api/v1/reservations', {
      token: alice.token,
      body: { performanceId: hall.id, seatIds },
    });
    expect(held.status).toBe(201);
    const started = await service.request('POST', `/api/v1/reservations/${held.body.id}/checkout`, {
      token: alice.token,
      body: { card: DECLINED },
    });
    expect(started.status).toBe(201);
    await fake.idle();
    return { reservation: held.body as Json, paymentId: started.body.paymentId as string };
  }

  /** The provider's `succeeded` for our payment, signed now, delivered over HTTP. */
  function deliverSucceeded(paymentId: string, amount: number) {
    const body = JSON.stringify({
      id: `evt_race_${(eventCount += 1)}`,
      object: 'event',
      type: 'payment_intent.succeeded',
      created: Math.floor(Date.now() / 1000),
      data: { object: { id: fakeProviderPaymentId(paymentId), object: 'payment_intent', amount, currency: 'krw' } },
    });
    const signature = Stripe.webhooks.generateTestHeaderString({ payload: body, secret: SECRET });
    return () =>
      service.request('POST', '/api/v1/payments/webhooks/fake', {
        body,
        headers: { 'Content-Type': 'application/json', 'Stripe-Signature': signature },
      });
  }

  async function seatsSettleAs(reservation: Json, status: string): Promise<string[]> {
    const deadline = Date.now() + 5_000;
    for (;;) {
      const seats = await service.request('GET', `/api/v1/performances/${hall.id}/seats`);
      const statuses = seats.body.seats
        .filter((seat: Json) => reservation.seats.some((held: Json) => held.id === seat.id))
        .map((seat: Json) => seat.status as string);
      if (statuses.every((seen: string) => seen === status) || Date.now() > deadline) return statuses;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  const stateOf = async (reservationId: string) => {
    const [row] = await knex('reservations').select('status').where('id', reservationId);
    const payments = await knex('payments').select('status').where('reservation_id', reservationId);
    return { status: row.status as string, payments: payments.map((payment) => payment.status as string) };
  };
  const outboxTypes = async (reservationId: string) =>
    (await knex('outbox').select('type').where('ordering_key', reservationId).orderBy('seq')).map((row) => row.type);

  afterEach(async () => {
    await fake.idle();
    const audit = await auditPayments(sql(), { providerConfigured: true, refundsSettled: true });
    expect([audit.passed, formatAudit(audit)]).toEqual([true, formatAudit(audit)]);
    expect(await doubleSoldSeats(sql(), hall.id)).toEqual([]);
  });

  it('the same webhook delivered ten times at once confirms once', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const { reservation, paymentId } = await holdAndCheckOut();
      const deliver = deliverSucceeded(paymentId, reservation.totalPrice);
      const answers = await Promise.all(Array.from({ length: 10 }, deliver));
      expect(answers.map((answer) => answer.status)).toEqual(Array(10).fill(204));
      expect(await stateOf(reservation.id)).toEqual({ status: 'CONFIRMED', payments: ['SUCCEEDED'] });
      const types = await outboxTypes(reservation.id);
      expect(types.filter((type) => type === 'reservation.confirmed')).toHaveLength(1);
      expect(types.filter((type) => type === 'payment.succeeded')).toHaveLength(1);
    }
  });

  it('a webhook racing a cancel: cancelled and refunded once, whichever came first', async () => {
    const refundsBefore = fake.refundCount;
    for (let round = 0; round < ROUNDS; round++) {
      const { reservation, paymentId } = await holdAndCheckOut();
      const [webhook, cancel] = await Promise.all([
        deliverSucceeded(paymentId, reservation.totalPrice)(),
        service.request('POST', `/api/v1/reservations/${reservation.id}/cancel`, { token: alice.token }),
      ]);
      expect([webhook.status, cancel.status]).toEqual([204, 200]);
      await fake.idle();
      expect(await stateOf(reservation.id)).toEqual({ status: 'CANCELLED', payments: ['REFUNDED'] });
      expect((await outboxTypes(reservation.id)).filter((type) => type === 'payment.refunded')).toHaveLength(1);
    }
    expect(fake.refundCount - refundsBefore).toBe(ROUNDS);
  });

  it('a webhook racing the sweeper at the expiry instant: confirmed once, the seats sold once', async () => {
    const sweeper = service.application.container.get<ExpireOverdueHolds>(TOKENS.ExpireOverdueHolds);
    for (let round = 0; round < ROUNDS; round++) {
      const { reservation, paymentId } = await holdAndCheckOut();
      const deliver = deliverSucceeded(paymentId, reservation.totalPrice);
      // The hold's last instant: from here on either may come first.
      const wait = Date.parse(reservation.expiresAt) - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const [webhook] = await Promise.all([deliver(), sweeper.execute()]);
      expect(webhook.status).toBe(204);
      expect(await stateOf(reservation.id)).toEqual({ status: 'CONFIRMED', payments: ['SUCCEEDED'] });
      // Sold on the live seat map too: at once, or once the repair (every second) has rebuilt
      // it from MySQL when the sweeper's release reached the log after the re-hold.
      expect(await seatsSettleAs(reservation, 'RESERVED')).toEqual(['RESERVED', 'RESERVED']);
    }
  });

  it('paid late while another member reaches for a seat: exactly one of them has it', async () => {
    const sweeper = service.application.container.get<ExpireOverdueHolds>(TOKENS.ExpireOverdueHolds);
    const outcomes = new Set<string>();
    for (let round = 0; round < ROUNDS; round++) {
      const seatIds = freshSeats(2);
      const { reservation, paymentId } = await holdAndCheckOut(seatIds);
      const wait = Date.parse(reservation.expiresAt) - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      await sweeper.execute();
      const [webhook, rival] = await Promise.all([
        deliverSucceeded(paymentId, reservation.totalPrice)(),
        service.request('POST', '/api/v1/reservations', {
          token: bob.token,
          body: { performanceId: hall.id, seatIds: [seatIds[1]] },
        }),
      ]);
      expect(webhook.status).toBe(204);
      await fake.idle();
      const state = await stateOf(reservation.id);
      if (rival.status === 201) {
        expect(state).toEqual({ status: 'EXPIRED', payments: ['REFUNDED'] });
        outcomes.add('rival');
      } else {
        expect([rival.status, rival.body.code]).toEqual([409, 'SEAT_UNAVAILABLE']);
        expect(state).toEqual({ status: 'CONFIRMED', payments: ['SUCCEEDED'] });
        outcomes.add('late payer');
      }
    }
    expect(outcomes.size).toBeGreaterThan(0);
  });

  it('paid late with every seat free: held again and confirmed; with a seat taken: refunded', async () => {
    const sweeper = service.application.container.get<ExpireOverdueHolds>(TOKENS.ExpireOverdueHolds);
    const free = await holdAndCheckOut();
    const taken = await holdAndCheckOut();
    const wait = Date.parse(taken.reservation.expiresAt) - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    await sweeper.execute();
    const rival = await service.request('POST', '/api/v1/reservations', {
      token: bob.token,
      body: { performanceId: hall.id, seatIds: [taken.reservation.seats[0].id] },
    });
    expect(rival.status).toBe(201);

    expect((await deliverSucceeded(free.paymentId, free.reservation.totalPrice)()).status).toBe(204);
    expect((await deliverSucceeded(taken.paymentId, taken.reservation.totalPrice)()).status).toBe(204);
    await fake.idle();
    expect(await stateOf(free.reservation.id)).toEqual({ status: 'CONFIRMED', payments: ['SUCCEEDED'] });
    expect(await stateOf(taken.reservation.id)).toEqual({ status: 'EXPIRED', payments: ['REFUNDED'] });
    expect(await stateOf(rival.body.id)).toEqual({ status: 'PENDING', payments: [] });
  });
});
