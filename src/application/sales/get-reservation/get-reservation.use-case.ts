import { MemberRepository } from '../../../domain/identity/member.repository';
import { ReservationSnapshot } from '../../../domain/sales/reservation';
import { ReservationRepository } from '../../../domain/sales/reservation.repository';
import { Clock } from '../../shared/ports/clock';
import { Actor } from '../../shared/actor';
import { findVisibleReservation } from '../find-visible-reservation';
import { presentStatus } from '../present-status';

export class GetReservation {
  constructor(
    private readonly reservations: ReservationRepository,
    private readonly members: MemberRepository,
    private readonly clock: Clock,
  ) {}

  async execute(actor: Actor, reservationId: string): Promise<ReservationSnapshot> {
    const reservation = await findVisibleReservation(this.reservations, this.members, actor, reservationId);
    return presentStatus(reservation, this.clock.now());
  }
}
