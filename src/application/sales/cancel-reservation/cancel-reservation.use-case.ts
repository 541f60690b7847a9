import { MemberRepository } from '../../../domain/identity/member.repository';
import { ReservationSnapshot } from '../../../domain/sales/reservation';
import { ReservationRepository } from '../../../domain/sales/reservation.repository';
import { Clock } from '../../shared/ports/clock';
import { EventPublisher } from '../../shared/ports/event-publisher';
import { SeatHoldStore } from '../ports/seat-hold-store';
import { Actor } from '../../shared/actor';
import { findVisibleReservation } from '../find-visible-reservation';

export class CancelReservation {
  constructor(
    private readonly reservations: ReservationRepository,
    private readonly members: MemberRepository,
    private readonly holds: SeatHoldStore,
    private readonly clock: Clock,
    private readonly events: EventPublisher,
  ) {}

  /** The owner or an admin cancels; the seats are free for the next buyer as soon as this returns. */
  async execute(actor: Actor, reservationId: string): Promise<ReservationSnapshot> {
    const reservation = await findVisibleReservation(this.reservations, this.members, actor, reservationId);
    if (reservation.status === 'CANCELLED') return reservation.toSnapshot();
    reservation.cancel(this.clock.now());
    await this.reservations.save(reservation);
    await this.events.publish(reservation.pullEvents());
    await this.holds.release(reservation.performanceId, reservation.seatIds, reservation.id);
    return reservation.toSnapshot();
  }
}
