import { MemberRepository } from '../../../domain/identity/member.repository';
import { ReservationSnapshot } from '../../../domain/sales/reservation';
import { ReservationRepository } from '../../../domain/sales/reservation.repository';
import { presentStatus } from '../present-status';
import { Clock } from '../../shared/ports/clock';
import { Actor } from '../../shared/actor';
import { assertMemberExists } from '../../shared/existing-member';

export interface MemberReservationsPage {
  readonly items: readonly ReservationSnapshot[];
  readonly page: number;
  readonly size: number;
  readonly total: number;
}

/** The calling member's reservations, a page at a time, newest first: a member's history only grows. */
export class ListMemberReservations {
  constructor(
    private readonly reservations: ReservationRepository,
    private readonly members: MemberRepository,
    private readonly clock: Clock,
  ) {}

  async execute(actor: Actor, page: number, size: number): Promise<MemberReservationsPage> {
    const now = this.clock.now();
    const found = await this.reservations.pageByMember(actor.memberId, page, size);
    // A reservation proves its member exists (its foreign key); only an empty page needs asking.
    if (found.total === 0) await assertMemberExists(this.members, actor);
    return {
      items: found.items.map((reservation) => presentStatus(reservation, now)),
      page,
      size,
      total: found.total,
    };
  }
}
