import { ACTIVE_STATUSES, Reservation } from '../../domain/sales/reservation';
import { Money } from '../../domain/shared/money';
import { PaymentRow, ReservationRow, ReservationSeatRow, TicketRow } from './rows';
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

/** The reservation's payments, as rows. */
export function paymentsToRows(reservation: Reservation): PaymentRow[] {
  return reservation.payments.map((payment) => ({
    id: payment.id,
    reservation_id: reservation.id,
    provider: payment.provider,
    provider_payment_id: payment.providerPaymentId,
    client_secret: payment.clientSecret,
    amount: payment.amount.amount,
    currency: payment.amount.currency,
    status: payment.status,
    created_at: payment.createdAt,
    updated_at: payment.updatedAt,
  }));
}

/**
 * `seats`, `tickets` and `payments` are this reservation's rows, in any order: the order the
 * seats were held in is restored, the tickets follow it, and payments come oldest first.
 */
export function reservationFromRows(
  row: ReservationRow,
  seats: readonly ReservationSeatRow[],
  related: { readonly tickets?: readonly TicketRow[]; readonly payments?: readonly PaymentRow[] } = {},
): Reservation {
  const ordered = [...seats].sort((a, b) => a.position - b.position);
  const ticketBySeat = new Map((related.tickets ?? []).map((ticket) => [ticket.seat_id, ticket]));
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
    payments: [...(related.payments ?? [])]
      .sort((a, b) => a.created_at.getTime() - b.created_at.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .map((payment) => ({
        id: payment.id,
        provider: payment.provider,
        providerPaymentId: payment.provider_payment_id,
        clientSecret: payment.client_secret,
        amount: Money.of(amountFromColumn(payment.amount), payment.currency),
        status: payment.status,
        createdAt: payment.created_at,
        updatedAt: payment.updated_at,
      })),
    version: row.version,
  });
}
