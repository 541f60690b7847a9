import { Reservation } from '../../domain/reservation/reservation';
import { ReservationNotFoundError } from '../../domain/reservation/reservation.errors';
import { ReservationRepository } from '../../domain/reservation/reservation.repository';
import { Actor } from '../ports/token-service';

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
