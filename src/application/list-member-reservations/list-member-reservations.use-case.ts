import { ReservationSnapshot } from '../../domain/reservation/reservation';
import { ReservationRepository } from '../../domain/reservation/reservation.repository';
import { presentStatus } from '../get-reservation/present-status';
import { Clock } from '../ports/clock';
import { Actor } from '../ports/token-service';

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
