import { Reservation, ReservationSnapshot } from '../../domain/sales/reservation';

/**
 * An overdue hold not yet swept is shown as EXPIRED, which it is in every way that matters:
 * it owns no seats and cannot be confirmed. Reading does not write; the sweeper will.
 */
export function presentStatus(reservation: Reservation, now: Date): ReservationSnapshot {
  const snapshot = reservation.toSnapshot();
  return reservation.isOverdue(now) ? { ...snapshot, status: 'EXPIRED' } : snapshot;
}
