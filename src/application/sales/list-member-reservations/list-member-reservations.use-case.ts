import { ReservationSnapshot } from '../../../domain/sales/reservation';
import { ReservationRepository } from '../../../domain/sales/reservation.repository';
import { presentStatus } from '../present-status';
import { Clock } from '../../shared/ports/clock';
import { Actor } from '../../shared/actor';

export class ListMemberReservations {
  constructor(
    private readonly reservations: ReservationRepository,
    private readonly clock: Clock,
  ) {}

  async execute(actor: Actor): Promise<ReservationSnapshot[]> {
    const now = this.clock.now();
    const reservations = await this.reservations.listByMember(actor.memberId);
    return reservations.map((reservation) => presentStatus(reservation, now));
  }
}
