import { createHash } from 'node:crypto';
import { nameBasedUuid, sha256 } from '../../../src/domain/shared/sha256';
import { Reservation, ticketIdOf } from '../../../src/domain/sales/reservation';
import { ReservationStateError } from '../../../src/domain/sales/reservation.errors';
import { TicketNotFoundError, TicketVoidError } from '../../../src/domain/sales/ticket.errors';
import { aReservation, at, MINUTE, SECOND } from '../../support/builders';

describe('the domain SHA-256 and name-based ids', () => {
  it('digests exactly as node:crypto does, across block boundaries and multi-byte text', () => {
    for (const text of [
      '',
      'abc',
      'x'.repeat(55),
      'x'.repeat(56),
      'x'.repeat(64),
      'x'.repeat(1000),
      'séance 🎭'.repeat(9),
    ]) {
      expect(Buffer.from(sha256(text)).toString('hex')).toBe(createHash('sha256').update(text).digest('hex'));
    }
  });

  it('lays the name out as a version 8, RFC 9562 variant UUID, the same every time', () => {
    const id = nameBasedUuid('ticket/a/b');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(nameBasedUuid('ticket/a/b')).toBe(id);
    expect(nameBasedUuid('ticket/a/c')).not.toBe(id);
    expect(id.replaceAll('-', '').slice(0, 12)).toBe(
      createHash('sha256').update('ticket/a/b').digest('hex').slice(0, 12),
    );
  });
});

describe('Reservation tickets', () => {
  const confirmedAt = at(MINUTE);

  it('has none while PENDING, and one per seat, in seat order, once CONFIRMED', () => {
    const reservation = aReservation();
    expect(reservation.tickets).toEqual([]);
    reservation.confirm(confirmedAt);
    const seats = reservation.toSnapshot().seats;
    expect(reservation.tickets).toEqual(
      seats.map((seat) => ({
        id: ticketIdOf(reservation.id, seat.seatId),
        seatId: seat.seatId,
        label: seat.label,
        issuedAt: confirmedAt,
      })),
    );
    expect(new Set(reservation.tickets.map((ticket) => ticket.id)).size).toBe(seats.length);
    expect(reservation.ticketsValid).toBe(true);
  });

  it('derives ticket ids from the reservation and the seat: a reservation restored and confirmed again issues the same', () => {
    const first = aReservation();
    const snapshot = first.toSnapshot();
    first.confirm(confirmedAt);
    const again = Reservation.restore(snapshot);
    again.confirm(at(2 * MINUTE));
    expect(again.tickets.map((ticket) => ticket.id)).toEqual(first.tickets.map((ticket) => ticket.id));
  });

  it('keeps the tickets of a reservation confirmed twice (a retried confirm issues nothing new)', () => {
    const reservation = aReservation();
    reservation.confirm(confirmedAt);
    const issued = reservation.tickets;
    reservation.confirm(at(2 * MINUTE));
    expect(reservation.tickets).toBe(issued);
    expect(reservation.pullEvents().map((event) => event.type)).toEqual(['ReservationHeld', 'ReservationConfirmed']);
  });

  it('issues nothing when the confirmation is refused (expired hold, cancelled reservation)', () => {
    const overdue = aReservation({ holdSeconds: 60 });
    expect(() => overdue.confirm(at(61 * SECOND))).toThrow();
    expect(overdue.tickets).toEqual([]);
    const cancelled = aReservation();
    cancelled.cancel(at(SECOND));
    expect(() => cancelled.confirm(at(2 * SECOND))).toThrow(ReservationStateError);
    expect(cancelled.tickets).toEqual([]);
  });

  it('voids the tickets when a CONFIRMED reservation is cancelled, and keeps them to tell void from unknown', () => {
    const reservation = aReservation();
    reservation.confirm(confirmedAt);
    const [ticket] = reservation.tickets;
    reservation.cancel(at(2 * MINUTE));
    expect(reservation.tickets).toHaveLength(2);
    expect(reservation.ticketsValid).toBe(false);
    expect(reservation.ticket(ticket!.id)).toEqual(ticket);
    expect(() => reservation.checkIn(ticket!.id, 'staff', at(3 * MINUTE))).toThrow(TicketVoidError);
  });

  it('checks a valid ticket in: the check-in names the seat and records TicketCheckedIn', () => {
    const reservation = aReservation();
    reservation.confirm(confirmedAt);
    const [ticket] = reservation.tickets;
    const checkIn = reservation.checkIn(ticket!.id, 'staff-1', at(HOUR_LATER));
    expect(checkIn.toSnapshot()).toEqual({
      ticketId: ticket!.id,
      reservationId: reservation.id,
      performanceId: reservation.performanceId,
      seatId: ticket!.seatId,
      label: ticket!.label,
      staffMemberId: 'staff-1',
      checkedInAt: at(HOUR_LATER),
    });
    expect(checkIn.pullEvents()).toEqual([
      {
        type: 'TicketCheckedIn',
        occurredAt: at(HOUR_LATER),
        ticketId: ticket!.id,
        reservationId: reservation.id,
        performanceId: reservation.performanceId,
        seatId: ticket!.seatId,
      },
    ]);
  });

  it("refuses a ticket that is not the reservation's", () => {
    const reservation = aReservation();
    reservation.confirm(confirmedAt);
    expect(() => reservation.checkIn(ticketIdOf('another', 'seat'), 'staff', at(2 * MINUTE))).toThrow(
      TicketNotFoundError,
    );
  });
});

const HOUR_LATER = 60 * MINUTE;
