import { MemberRepository } from '../../../domain/identity/member.repository';
import { ReservationRepository } from '../../../domain/sales/reservation.repository';
import { TicketVoidError } from '../../../domain/sales/ticket.errors';
import { Actor } from '../../shared/actor';
import { findVisibleTicket } from '../find-visible-reservation';
import { TicketCodes } from '../ports/ticket-codes';

export interface TicketCode {
  readonly ticketId: string;
  readonly code: string;
}

export class GetTicketCode {
  constructor(
    private readonly reservations: ReservationRepository,
    private readonly members: MemberRepository,
    private readonly codes: TicketCodes,
  ) {}

  /** The owner's (or, for an admin, any) valid ticket's code; a void ticket has none to draw. */
  async execute(actor: Actor, ticketId: string): Promise<TicketCode> {
    const { reservation, ticket } = await findVisibleTicket(this.reservations, this.members, actor, ticketId);
    if (!reservation.ticketsValid) throw new TicketVoidError(ticketId);
    return {
      ticketId,
      code: this.codes.sign({ ticketId, performanceId: reservation.performanceId, seatId: ticket.seatId }),
    };
  }
}
