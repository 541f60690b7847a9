import { MemberRepository } from '../../../domain/identity/member.repository';
import { ReservationRepository } from '../../../domain/sales/reservation.repository';
import { Clock } from '../../shared/ports/clock';
import { Actor } from '../../shared/actor';
import { findVisibleReservation } from '../find-visible-reservation';
import { presentStatus } from '../present-status';
import { TicketCodes } from '../ports/ticket-codes';
import { ReservationDetails, withTicketCodes } from '../reservation-details';

export class GetReservation {
  constructor(
    private readonly reservations: ReservationRepository,
    private readonly members: MemberRepository,
    private readonly clock: Clock,
    private readonly ticketCodes: TicketCodes,
  ) {}

  /** With the codes of its tickets once it is CONFIRMED. */
  async execute(actor: Actor, reservationId: string): Promise<ReservationDetails> {
    const reservation = await findVisibleReservation(this.reservations, this.members, actor, reservationId);
    return withTicketCodes(presentStatus(reservation, this.clock.now()), this.ticketCodes);
  }
}
