import { ACTIVE_STATUSES, Reservation } from '../../domain/sales/reservation';
import { Money } from '../../domain/shared/money';
import { ReservationRow, ReservationSeatRow, TicketRow } from './rows';
import { amountFromColumn } from './performance.mapper';

export function reservationToRow(reservation: Reservation): ReservationRow {
  const snapshot = reservation.toSnapshot();
  return {
    id: snapshot.id,
    member_id: snapshot.memberId,
    performance_id: snapshot.performanceId,
    status: snapshot.status,
    total_price: snapshot.totalPrice.amount,
    currency: snapshot.totalPrice.currency,
    created_at: snapshot.createdAt,
    expires_at: snapshot.expiresAt,
    confirmed_at: snapshot.confirmedAt,
    cancelled_at: snapshot.cancelledAt,
    version: snapshot.version,
  };
}

/** Seat rows in the reservation's seat order; an active reservation claims each seat. */
export function reservationSeatsToRows(reservation: Reservation): ReservationSeatRow[] {
  const snapshot = reservation.toSnapshot();
  const active = ACTIVE_STATUSES.includes(snapshot.status);
  return snapshot.seats.map((seat, position) => ({
    reservation_id: snapshot.id,
    seat_id: seat.seatId,
    performance_id: snapshot.performanceId,
    label: seat.label,
    grade: seat.grade,
    price: seat.price.amount,
    active_seat_id: active ? seat.seatId : null,
    position,
  }));
}

/** The reservation's tickets, none before it is confirmed. */
export function ticketsToRows(reservation: Reservation): TicketRow[] {
  return reservation.tickets.map((ticket) => ({
    id: ticket.id,
    reservation_id: reservation.id,
    performance_id: reservation.performanceId,
    seat_id: ticket.seatId,
    label: ticket.label,
    issued_at: ticket.issuedAt,
  }));
}

/**
 * `seats` and `tickets` are this reservation's rows, in any order: the order the seats were
 * held in is restored, and the tickets follow it.
 */
export function reservationFromRows(
  row: ReservationRow,
  seats: readonly ReservationSeatRow[],
  tickets: readonly TicketRow[] = [],
): Reservation {
  const ordered = [...seats].sort((a, b) => a.position - b.position);
  const ticketBySeat = new Map(tickets.map((ticket) => [ticket.seat_id, ticket]));
  return Reservation.restore({
    id: row.id,
    memberId: row.member_id,
    performanceId: row.performance_id,
    status: row.status,
    seats: ordered.map((seat) => ({
      seatId: seat.seat_id,
      label: seat.label,
      grade: seat.grade,
      price: Money.of(amountFromColumn(seat.price), row.currency),
    })),
    totalPrice: Money.of(amountFromColumn(row.total_price), row.currency),
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    confirmedAt: row.confirmed_at,
    cancelledAt: row.cancelled_at,
    tickets: ordered.flatMap((seat) => {
      const ticket = ticketBySeat.get(seat.seat_id);
      return ticket ? [{ id: ticket.id, seatId: ticket.seat_id, label: ticket.label, issuedAt: ticket.issued_at }] : [];
    }),
    version: row.version,
  });
}
