import { MemberRepository } from '../../../domain/identity/member.repository';
import { ReservationSnapshot } from '../../../domain/sales/reservation';
import { ReservationRepository } from '../../../domain/sales/reservation.repository';
import { presentStatus } from '../present-status';
import { Clock } from '../../shared/ports/clock';
import { Actor } from '../../shared/actor';
import { assertMemberExists } from '../../shared/existing-member';

export class ListMemberReservations {
  constructor(
    private readonly reservations: ReservationRepository,
    private readonly members: MemberRepository,
    private readonly clock: Clock,
  ) {}

  async execute(actor: Actor): Promise<ReservationSnapshot[]> {
    const now = this.clock.now();
    const reservations = await this.reservations.listByMember(actor.memberId);
    // A reservation proves its member exists (its foreign key); only an empty list needs asking.
    if (reservations.length === 0) await assertMemberExists(this.members, actor);
    return reservations.map((reservation) => presentStatus(reservation, now));
  }
}
