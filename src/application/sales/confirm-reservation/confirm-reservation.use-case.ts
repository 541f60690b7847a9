import { MemberRepository } from '../../../domain/identity/member.repository';
import { ReservationSnapshot } from '../../../domain/sales/reservation';
import { PaymentRequiredError } from '../../../domain/sales/payment.errors';
import { HoldExpiredError } from '../../../domain/sales/reservation.errors';
import { ReservationRepository } from '../../../domain/sales/reservation.repository';
import { expireIfOverdue } from '../expire-if-overdue';
import { Clock } from '../../shared/ports/clock';
import { EventPublisher } from '../../shared/ports/event-publisher';
import { SeatHoldStore } from '../ports/seat-hold-store';
import { Actor } from '../../shared/actor';
import { decideAgainOnConflict } from '../decide-again';
import { findVisibleReservation } from '../find-visible-reservation';
import { TicketCodes } from '../ports/ticket-codes';
import { ReservationDetails, withTicketCodes } from '../reservation-details';

export class ConfirmReservation {
  constructor(
    private readonly reservations: ReservationRepository,
    private readonly members: MemberRepository,
    private readonly holds: SeatHoldStore,
    private readonly clock: Clock,
    private readonly events: EventPublisher,
    private readonly ticketCodes: TicketCodes,
    /** A payment provider is configured: a reservation is confirmed by paying (checkout), not by asking. */
    private readonly paymentRequired = false,
  ) {}

  /**
   * Only the owner confirms (paying is theirs to do); confirming twice answers the same. The
   * answer carries the tickets' codes, as reading the reservation does.
   */
  async execute(actor: Actor, reservationId: string): Promise<ReservationDetails> {
    // Lost a race with the sweeper or a cancel: decide again on what was saved.
    const confirmed = await decideAgainOnConflict(() => this.confirmOnce(actor, reservationId));
    return withTicketCodes(confirmed, this.ticketCodes);
  }

  private async confirmOnce(actor: Actor, reservationId: string): Promise<ReservationSnapshot> {
    const reservation = await findVisibleReservation(
      this.reservations,
      this.members,
      { ...actor, role: 'USER' },
      reservationId,
    );
    const now = this.clock.now();
    if (reservation.isOverdue(now)) {
      await expireIfOverdue(reservation, now, this.reservations, this.holds, this.events);
      throw new HoldExpiredError(reservation.id, reservation.expiresAt);
    }
    if (reservation.status === 'CONFIRMED') return reservation.toSnapshot();
    if (this.paymentRequired) throw new PaymentRequiredError(reservation.id);
    reservation.confirm(now);
    // The database write is the confirmation: a crash after it loses nothing, a crash
    // before it leaves a hold that expires. The store is told only afterwards.
    await this.reservations.save(reservation);
    await this.events.publish(reservation.pullEvents());
    await this.holds.markSold(reservation.performanceId, reservation.seatIds, reservation.id);
    return reservation.toSnapshot();
  }
}
