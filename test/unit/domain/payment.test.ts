import { Reservation } from '../../../src/domain/sales/reservation';
import { PaymentNotFoundError } from '../../../src/domain/sales/payment.errors';
import { HoldExpiredError, ReservationStateError } from '../../../src/domain/sales/reservation.errors';
import { Money } from '../../../src/domain/shared/money';
import { T0 } from '../../support/builders';

const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);
const EXTENSION = 120;

function aHold(): Reservation {
  const reservation = Reservation.hold({
    id: 'r-1',
    memberId: 'm-1',
    performanceId: 'p-1',
    seats: [
      { seatId: 's-1', label: 'A-1-1', grade: 'VIP', price: Money.of(150_000, 'KRW') },
      { seatId: 's-2', label: 'A-1-2', grade: 'R', price: Money.of(120_000, 'KRW') },
    ],
    now: T0,
    holdSeconds: 300,
  });
  reservation.pullEvents();
  return reservation;
}

function checkOut(reservation: Reservation, seconds: number, id = 'pay-1'): void {
  reservation.startPayment({
    id,
    provider: 'fake',
    providerPaymentId: `pi_${id}`,
    clientSecret: null,
    now: at(seconds),
    holdExtensionSeconds: EXTENSION,
  });
}

const eventTypes = (reservation: Reservation) => reservation.pullEvents().map((event) => event.type);

describe('Reservation payments', () => {
  it('checkout starts a PENDING payment of the total price and extends the hold once', () => {
    const reservation = aHold();
    checkOut(reservation, 10);
    expect(reservation.currentPayment).toMatchObject({
      id: 'pay-1',
      status: 'PENDING',
      amount: Money.of(270_000, 'KRW'),
      providerPaymentId: 'pi_pay-1',
    });
    expect(reservation.expiresAt).toEqual(at(300 + EXTENSION));

    reservation.paymentFailed('pi_pay-1', at(20));
    checkOut(reservation, 30, 'pay-2');
    // The second checkout (after a decline) does not extend it again.
    expect(reservation.expiresAt).toEqual(at(300 + EXTENSION));
    expect(reservation.payments.map((payment) => payment.status)).toEqual(['FAILED', 'PENDING']);
  });

  it('refuses a second payment while one is pending, and any once paid, cancelled or expired', () => {
    const pending = aHold();
    checkOut(pending, 10);
    expect(() => checkOut(pending, 11, 'pay-2')).toThrow(ReservationStateError);

    const overdue = aHold();
    expect(() => checkOut(overdue, 300)).toThrow(HoldExpiredError);

    const cancelled = aHold();
    cancelled.cancel(at(5));
    expect(() => checkOut(cancelled, 10)).toThrow(ReservationStateError);

    const paid = aHold();
    checkOut(paid, 10);
    paid.paymentSucceeded('pi_pay-1', at(11));
    expect(() => checkOut(paid, 12, 'pay-2')).toThrow(ReservationStateError);
  });

  it('a payment succeeding on a live hold confirms it, through the one transition, and once', () => {
    const reservation = aHold();
    checkOut(reservation, 10);
    expect(reservation.paymentSucceeded('pi_pay-1', at(20))).toBe('confirmed');
    expect(reservation.status).toBe('CONFIRMED');
    expect(reservation.toSnapshot().confirmedAt).toEqual(at(20));
    expect(eventTypes(reservation)).toEqual(['PaymentSucceeded', 'ReservationConfirmed']);

    expect(reservation.paymentSucceeded('pi_pay-1', at(30))).toBe('duplicate');
    expect(reservation.paymentFailed('pi_pay-1', at(31))).toBe('duplicate');
    expect(reservation.currentPayment?.status).toBe('SUCCEEDED');
    expect(eventTypes(reservation)).toEqual([]);
  });

  it('a declined payment leaves the hold as it is, and a later success still confirms it', () => {
    const reservation = aHold();
    checkOut(reservation, 10);
    expect(reservation.paymentFailed('pi_pay-1', at(20))).toBe('failed');
    expect(reservation.status).toBe('PENDING');
    expect(reservation.expiresAt).toEqual(at(300 + EXTENSION));
    expect(reservation.paymentFailed('pi_pay-1', at(21))).toBe('duplicate');
    expect(reservation.paymentSucceeded('pi_pay-1', at(22))).toBe('confirmed');
  });

  it('paid after the hold ran out: held again and confirmed, told as held then confirmed', () => {
    const expired = aHold();
    checkOut(expired, 10);
    expired.expire(at(500));
    expired.pullEvents();
    expect(expired.paymentSucceeded('pi_pay-1', at(600))).toBe('reheld');
    expect(expired.status).toBe('CONFIRMED');
    expect(eventTypes(expired)).toEqual(['PaymentSucceeded', 'ReservationHeld', 'ReservationConfirmed']);

    const overdue = aHold();
    checkOut(overdue, 10);
    expect(overdue.paymentSucceeded('pi_pay-1', at(500))).toBe('reheld');
    expect(overdue.status).toBe('CONFIRMED');
  });

  it('paid after the hold ran out and a seat is lost: stays EXPIRED, the payment is to be refunded', () => {
    const reservation = aHold();
    checkOut(reservation, 10);
    reservation.expire(at(500));
    reservation.pullEvents();
    expect(reservation.paymentSucceeded('pi_pay-1', at(600), true)).toBe('refund-due');
    expect(reservation.status).toBe('EXPIRED');
    expect(reservation.refundsDue.map((payment) => payment.id)).toEqual(['pay-1']);
    expect(eventTypes(reservation)).toEqual(['PaymentSucceeded']);

    expect(reservation.refundCompleted('pay-1', at(601))).toBe('refunded');
    expect(reservation.currentPayment?.status).toBe('REFUNDED');
    expect(eventTypes(reservation)).toEqual(['PaymentRefunded']);
    expect(reservation.refundCompleted('pay-1', at(602))).toBe('duplicate');
    expect(reservation.paymentSucceeded('pi_pay-1', at(603))).toBe('duplicate');
    expect(reservation.status).toBe('EXPIRED');
  });

  it('a payment succeeding for a cancelled reservation is refunded; it stays cancelled', () => {
    const reservation = aHold();
    checkOut(reservation, 10);
    reservation.cancel(at(20));
    expect(reservation.paymentSucceeded('pi_pay-1', at(30))).toBe('refund-due');
    expect(reservation.status).toBe('CANCELLED');
    expect(reservation.currentPayment?.status).toBe('REFUND_PENDING');
  });

  it('cancelling a paid reservation decides its refund in the same change', () => {
    const reservation = aHold();
    checkOut(reservation, 10);
    reservation.paymentSucceeded('pi_pay-1', at(20));
    reservation.pullEvents();
    reservation.cancel(at(30));
    expect(reservation.status).toBe('CANCELLED');
    expect(reservation.currentPayment?.status).toBe('REFUND_PENDING');
    expect(eventTypes(reservation)).toEqual(['ReservationCancelled']);
  });

  it('refuses to refund what did not succeed, and names unknown payments', () => {
    const reservation = aHold();
    checkOut(reservation, 10);
    expect(() => reservation.refundCompleted('pay-1', at(11))).toThrow(ReservationStateError);
    expect(() => reservation.refundCompleted('nope', at(11))).toThrow(PaymentNotFoundError);
    expect(() => reservation.paymentSucceeded('pi_nope', at(11))).toThrow(PaymentNotFoundError);
  });
});
