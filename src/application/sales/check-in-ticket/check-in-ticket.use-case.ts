import { MemberRepository } from '../../../domain/identity/member.repository';
import { CheckInSnapshot } from '../../../domain/sales/check-in';
import { CheckInRepository } from '../../../domain/sales/check-in.repository';
import { ReservationRepository } from '../../../domain/sales/reservation.repository';
import { TicketInvalidError } from '../../../domain/sales/ticket.errors';
import { Actor } from '../../shared/actor';
import { assertMemberExists } from '../../shared/existing-member';
import { Clock } from '../../shared/ports/clock';
import { EventPublisher } from '../../shared/ports/event-publisher';
import { TicketCodes } from '../ports/ticket-codes';

export class CheckInTicket {
  constructor(
    private readonly reservations: ReservationRepository,
    private readonly checkIns: CheckInRepository,
    private readonly members: MemberRepository,
    private readonly codes: TicketCodes,
    private readonly clock: Clock,
    private readonly events: EventPublisher,
  ) {}

  /**
   * Lets a ticket's holder in, once. A code we did not sign, or signed for a ticket we do not
   * have, is TICKET_INVALID; a cancelled reservation's ticket TICKET_VOID; a second scan
   * ALREADY_CHECKED_IN with the first scan's time (the check-in store decides which scan is
   * first, however many gates scan at once).
   */
  async execute(actor: Actor, code: string): Promise<CheckInSnapshot> {
    const claims = this.codes.verify(code);
    if (!claims) throw new TicketInvalidError();
    await assertMemberExists(this.members, actor);
    const reservation = await this.reservations.findByTicketId(claims.ticketId);
    const ticket = reservation?.tickets.find((candidate) => candidate.id === claims.ticketId);
    // Well signed but naming another seat or performance than ours: not a ticket of ours either.
    if (
      !reservation ||
      !ticket ||
      ticket.seatId !== claims.seatId ||
      reservation.performanceId !== claims.performanceId
    ) {
      throw new TicketInvalidError();
    }
    const checkIn = reservation.checkIn(ticket.id, actor.memberId, this.clock.now());
    await this.checkIns.add(checkIn);
    await this.events.publish(checkIn.pullEvents());
    return checkIn.toSnapshot();
  }
}
