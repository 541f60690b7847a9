import type { PaymentSnapshot } from '../../../domain/sales/payment';
import type { ReservationSnapshot } from '../../../domain/sales/reservation';
import type { ReservationJson } from '../schemas/reservation.schema';

export function presentReservation(reservation: ReservationSnapshot): ReservationJson {
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
