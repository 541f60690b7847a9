import { Reservation } from '../../domain/sales/reservation';
import { ReservationNotFoundError } from '../../domain/sales/reservation.errors';
import { ReservationRepository } from '../../domain/sales/reservation.repository';
import { Actor } from '../shared/actor';

/**
 * Someone else's reservation answers exactly like a missing one: a 403 would confirm to a
 * stranger that the id exists.
 */
export async function findVisibleReservation(
  reservations: ReservationRepository,
  actor: Actor,
  reservationId: string,
): Promise<Reservation> {
  const reservation = await reservations.findById(reservationId);
  if (!reservation || (reservation.memberId !== actor.memberId && actor.role !== 'ADMIN')) {
    throw new ReservationNotFoundError(reservationId);
  }
  return reservation;
}
