import { Reservation, seatClaimAt } from '../../../src/domain/sales/reservation';
import { HoldExpiredError, ReservationStateError } from '../../../src/domain/sales/reservation.errors';
import { Money } from '../../../src/domain/shared/money';
import { T0 } from '../../support/builders';

const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

function aHold(holdSeconds = 300): Reservation {
  return Reservation.hold({
    id: 'r-1',
    memberId: 'm-1',
    performanceId: 'p-1',
    seats: [
      { seatId: 's-1', label: 'A-1-1', grade: 'VIP', price: Money.of(150_000, 'KRW') },
      { seatId: 's-2', label: 'A-1-2', grade: 'VIP', price: Money.of(150_000, 'KRW') },
      { seatId: 's-3', label: 'B-1-1', grade: 'R', price: Money.of(120_000, 'KRW') },
    ],
    now: T0,
    holdSeconds,
  });
}

describe('Reservation', () => {
  it('holds its seats until the hold time is up, priced at the time of the hold', () => {
    const reservation = aHold(300);
    const snapshot = reservation.toSnapshot();

    expect(snapshot.status).toBe('PENDING');
    expect(snapshot.totalPrice).toEqual(Money.of(420_000, 'KRW'));
    expect(snapshot.expiresAt).toEqual(at(300));
    expect(reservation.ownsSeats(at(299.999))).toBe(true);
    expect(reservation.ownsSeats(at(300))).toBe(false);
    expect(reservation.pullEvents().map((event) => event.type)).toEqual(['ReservationHeld']);
  });

  it('confirms before the hold ends, and a second confirm changes nothing', () => {
    const reservation = aHold();
    reservation.pullEvents();
    reservation.confirm(at(10));
    reservation.confirm(at(20));

    expect(reservation.toSnapshot()).toMatchObject({ status: 'CONFIRMED', confirmedAt: at(10) });
    expect(reservation.ownsSeats(at(10_000))).toBe(true);
    expect(reservation.pullEvents().map((event) => event.type)).toEqual(['ReservationConfirmed']);
  });

  it('refuses to confirm once the hold is over', () => {
    const reservation = aHold(300);
    expect(() => reservation.confirm(at(300))).toThrow(HoldExpiredError);
    expect(reservation.status).toBe('PENDING');
  });

  it('cancels a pending or a confirmed reservation, releasing its seats', () => {
    const pending = aHold();
    pending.cancel(at(5));
    expect(pending.toSnapshot()).toMatchObject({ status: 'CANCELLED', cancelledAt: at(5) });
    expect(pending.ownsSeats(at(5))).toBe(false);

    const confirmed = aHold();
    confirmed.confirm(at(1));
    confirmed.cancel(at(2));
    expect(confirmed.status).toBe('CANCELLED');
  });

  it('cannot confirm a cancelled reservation nor cancel an expired one', () => {
    const cancelled = aHold();
    cancelled.cancel(at(1));
    expect(() => cancelled.confirm(at(2))).toThrow(ReservationStateError);

    const overdue = aHold(60);
    expect(() => overdue.cancel(at(61))).toThrow(ReservationStateError);
  });

  it('expires only once overdue', () => {
    const reservation = aHold(60);
    expect(() => reservation.expire(at(59))).toThrow(ReservationStateError);
    reservation.pullEvents();
    reservation.expire(at(60));
    expect(reservation.status).toBe('EXPIRED');
    expect(reservation.pullEvents()).toEqual([
      expect.objectContaining({ type: 'ReservationExpired', reservationId: 'r-1', seatIds: ['s-1', 's-2', 's-3'] }),
    ]);
  });

  it('says how it takes its seats: HELD until the hold is overdue, RESERVED for good, else not at all', () => {
    const pending = aHold(300);
    const confirmed = aHold(300);
    confirmed.confirm(at(1));
    const cancelled = aHold(300);
    cancelled.cancel(at(1));
    const expired = aHold(300);
    expired.expire(at(300));
    const claimsAt = (seconds: number) =>
      [pending, confirmed, cancelled, expired].map((reservation) => seatClaimAt(reservation.toSnapshot(), at(seconds)));

    expect(claimsAt(299.999)).toEqual(['HELD', 'RESERVED', null, null]);
    // Overdue but not expired yet: it owns nothing any more.
    expect(claimsAt(300)).toEqual([null, 'RESERVED', null, null]);
    expect(claimsAt(1_000_000)).toEqual([null, 'RESERVED', null, null]);
  });

  it('makes for a hold expired in bulk the very event that expire() records', () => {
    const reservation = aHold(60);
    reservation.pullEvents();
    reservation.expire(at(61));

    expect(
      Reservation.expiredEvent({ reservationId: 'r-1', performanceId: 'p-1', seatIds: ['s-1', 's-2', 's-3'] }, at(61)),
    ).toEqual(reservation.pullEvents()[0]);
  });
});
