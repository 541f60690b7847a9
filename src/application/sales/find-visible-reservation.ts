import { MemberRepository } from '../../domain/identity/member.repository';
import { Reservation, Ticket } from '../../domain/sales/reservation';
import { TicketNotFoundError } from '../../domain/sales/ticket.errors';
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

/**
 * A ticket as its reservation is seen: its owner's, or any for an admin; anyone else's
 * answers exactly like a missing one.
 */
export async function findVisibleTicket(
  reservations: ReservationRepository,
  members: MemberRepository,
  actor: Actor,
  ticketId: string,
): Promise<{ reservation: Reservation; ticket: Ticket }> {
  const reservation = await reservations.findByTicketId(ticketId);
  if (!reservation || reservation.memberId !== actor.memberId) {
    await assertMemberExists(members, actor);
    if (!reservation || actor.role !== 'ADMIN') throw new TicketNotFoundError(ticketId);
  }
  return { reservation, ticket: reservation.ticket(ticketId) };
}
