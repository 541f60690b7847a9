import { MemberNotFoundError } from '../../domain/identity/member.errors';
import { Reservation } from '../../domain/sales/reservation';
import {
  MemberSeatLimitError,
  SeatsAlreadyClaimedError,
  SeatUnavailableError,
} from '../../domain/sales/reservation.errors';
import { ReservationRepository } from '../../domain/sales/reservation.repository';
import { InvalidTokenError } from '../shared/errors';
import { MEMBER_GONE } from '../shared/existing-member';
import { EventPublisher } from '../shared/ports/event-publisher';
import { expireIfOverdue, expireLapsedHolders } from './expire-if-overdue';
import { SeatHoldStore } from './ports/seat-hold-store';
import { ReservationPolicy } from './reservation-policy';

/**
 * Records a new hold in the reservation repository, whose unique constraint (and per-member
 * seat count) has the last word: what every way of holding seats shares once it has chosen
 * them and taken them in the hold store.
 */
export class HoldRecorder {
  constructor(
    private readonly reservations: ReservationRepository,
    private readonly holds: SeatHoldStore,
    private readonly events: EventPublisher,
    private readonly policy: Pick<ReservationPolicy, 'maxSeatsPerMember'>,
  ) {}

  /**
   * Inserts the claim. If it collides only with holds that are overdue but not yet swept
   * (another member's seats, or the member's own cap), those are expired on the spot and
   * the insert is tried once more. Seats that active reservations hold are SeatUnavailableError,
   * and the hold store is taught who holds them.
   */
  async record(reservation: Reservation, now: Date): Promise<void> {
    const limits = { maxSeatsPerMember: this.policy.maxSeatsPerMember };
    for (let attempt = 1; ; attempt++) {
      try {
        await this.reservations.add(reservation, limits);
        return;
      } catch (error) {
        if (error instanceof MemberNotFoundError) {
          // The token is well signed, but its member is gone (deleted, or another environment's).
          throw new InvalidTokenError(MEMBER_GONE);
        }
        if (error instanceof MemberSeatLimitError) {
          if (attempt > 1 || !(await this.expireOwnOverdueHolds(reservation, now))) throw error;
          continue;
        }
        if (!(error instanceof SeatsAlreadyClaimedError)) throw error;
        const stillActive = await expireLapsedHolders(error, now, this.reservations, this.holds, this.events);
        if (stillActive.length > 0 || attempt > 1) {
          await this.teachStore(reservation.performanceId, error.holders, stillActive);
          throw new SeatUnavailableError(reservation.performanceId, [...error.holders.keys()]);
        }
      }
    }
  }

  /** Overdue holds still count against the member's cap until expired; returns whether any was. */
  private async expireOwnOverdueHolds(reservation: Reservation, now: Date): Promise<boolean> {
    const own = await this.reservations.listByMember(reservation.memberId);
    let expired = false;
    for (const held of own) {
      if (held.performanceId !== reservation.performanceId) continue;
      if (await expireIfOverdue(held, now, this.reservations, this.holds, this.events)) expired = true;
    }
    return expired;
  }

  private async teachStore(
    performanceId: string,
    claims: ReadonlyMap<string, string>,
    holders: readonly Reservation[],
  ) {
    for (const holder of holders) {
      const seats = new Map([...claims].filter(([, reservationId]) => reservationId === holder.id));
      await this.holds.remember(performanceId, seats, holder.status === 'CONFIRMED' ? null : holder.expiresAt);
    }
  }
}
