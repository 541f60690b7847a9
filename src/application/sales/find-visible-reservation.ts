import { MemberRepository } from '../../domain/identity/member.repository';
import { Reservation } from '../../domain/sales/reservation';
import { ReservationNotFoundError } from '../../domain/sales/reservation.errors';
import { ReservationRepository } from '../../domain/sales/reservation.repository';
import { Actor } from '../shared/actor';
import { assertMemberExists } from '../shared/existing-member';

/**
 * Someone else's reservation answers exactly like a missing one: a 403 would confirm to a
 * stranger that the id exists. Before either answer (and before an admin acts on another
 * member's reservation) the token's member must still exist; the owner's own reservation
 * proves that by itself, so the common path costs no extra read.
 */
export async function findVisibleReservation(
  reservations: ReservationRepository,
  members: MemberRepository,
  actor: Actor,
  reservationId: string,
): Promise<Reservation> {
  const reservation = await reservations.findById(reservationId);
  if (reservation && reservation.memberId === actor.memberId) return reservation;
  await assertMemberExists(members, actor);
  if (!reservation || actor.role !== 'ADMIN') throw new ReservationNotFoundError(reservationId);
  return reservation;
}
