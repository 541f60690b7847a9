import type { PaymentSnapshot } from '../../../domain/sales/payment';
import type { ReservationSnapshot } from '../../../domain/sales/reservation';
import type { ReservationJson } from '../schemas/reservation.schema';

/** `ticketCodes` (by ticket id) adds the tickets that have one: those of a CONFIRMED reservation. */
export function presentReservation(
  reservation: ReservationSnapshot & { readonly ticketCodes?: Readonly<Record<string, string>> },
): ReservationJson {
  const codes = reservation.ticketCodes ?? {};
  const tickets = reservation.tickets.flatMap((ticket) => {
    const code = codes[ticket.id];
    return code ? [{ id: ticket.id, seatId: ticket.seatId, label: ticket.label, code }] : [];
  });
  return {
    id: reservation.id,
    status: reservation.status,
    performanceId: reservation.performanceId,
    memberId: reservation.memberId,
    seats: reservation.seats.map((seat) => ({
      id: seat.seatId,
      label: seat.label,
      grade: seat.grade,
      price: seat.price.amount,
    })),
    totalPrice: reservation.totalPrice.amount,
    currency: reservation.totalPrice.currency,
    createdAt: reservation.createdAt.toISOString(),
    expiresAt: reservation.expiresAt.toISOString(),
    confirmedAt: reservation.confirmedAt?.toISOString() ?? null,
    cancelledAt: reservation.cancelledAt?.toISOString() ?? null,
    payment: presentPayment(reservation.payments.at(-1)),
    ...(tickets.length > 0 && { tickets }),
  };
}

function presentPayment(payment: PaymentSnapshot | undefined): ReservationJson['payment'] {
  if (!payment) return null;
  return {
    status: payment.status,
    amount: payment.amount.amount,
    currency: payment.amount.currency,
    refunded: payment.status === 'REFUNDED',
  };
}
