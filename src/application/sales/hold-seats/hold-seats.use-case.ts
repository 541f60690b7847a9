import { MemberNotFoundError } from '../../../domain/identity/member.errors';
import { PerformanceNotFoundError } from '../../../domain/catalog/performance.errors';
import { PerformanceRepository } from '../../../domain/catalog/performance.repository';
import { Reservation, ReservationSnapshot } from '../../../domain/sales/reservation';
import {
  MemberSeatLimitError,
  SeatsAlreadyClaimedError,
  SeatUnavailableError,
} from '../../../domain/sales/reservation.errors';
import { ReservationRepository } from '../../../domain/sales/reservation.repository';
import { InvalidTokenError } from '../../shared/errors';
import { MEMBER_GONE } from '../../shared/existing-member';
import { Clock } from '../../shared/ports/clock';
import { EventPublisher } from '../../shared/ports/event-publisher';
import { IdGenerator } from '../../shared/ports/id-generator';
import { SeatHoldStore } from '../ports/seat-hold-store';
import type { SeatStates } from '../../seat-state/ports/seat-states';
import { Actor } from '../../shared/actor';
import { ReservationPolicy } from '../reservation-policy';
import { expireIfOverdue } from '../expire-if-overdue';

/**
 * A hold read from the seat-state log less than (hold time − this) ago cannot be overdue yet,
 * unless its change reached the log more than this late after the hold was made (the recorder
 * gives up after 2 s; then a later hold is at worst refused wrongly, never granted).
 */
const HOLD_AGE_MARGIN_MS = 10_000;

export interface HoldSeatsInput {
  readonly performanceId: string;
  readonly seatIds: readonly string[];
}

/**
 * The hot path of an on-sale: validate against the (cached) performance, take the seats in
 * the hold store (one atomic step, losers leave here), then record the claim in the
 * database, whose unique constraint (and per-member seat count) has the last word.
 */
export class HoldSeats {
  constructor(
    private readonly performances: PerformanceRepository,
    private readonly reservations: ReservationRepository,
    private readonly holds: SeatHoldStore,
    private readonly ids: IdGenerator,
    private readonly clock: Clock,
    private readonly events: EventPublisher,
    private readonly policy: ReservationPolicy,
    /** This instance's live view of taken seats: turns losers away before any I/O. */
    private readonly seatStates?: SeatStates,
  ) {}

  async execute(actor: Actor, input: HoldSeatsInput): Promise<ReservationSnapshot> {
    const performance = await this.performances.findById(input.performanceId);
    if (!performance) throw new PerformanceNotFoundError(input.performanceId);
    const now = this.clock.now();
    const seats = performance.selectSeatsForHold(input.seatIds, now, this.policy.maxSeatsPerReservation);
    this.refuseSeatsTakenLocally(performance.id, seats);
    const reservation = Reservation.hold({
      id: this.ids.next(),
      memberId: actor.memberId,
      performanceId: performance.id,
      seats: seats.map((seat) => ({ seatId: seat.id, label: seat.label, grade: seat.grade, price: seat.price })),
      now,
      holdSeconds: this.policy.holdSeconds,
    });

    const heldInStore = await this.holdInStore(reservation);
    try {
      await this.record(reservation, now);
    } catch (error) {
      // Otherwise the hold would turn the next buyers away until it expires by itself.
      if (heldInStore) await this.holds.release(reservation.performanceId, reservation.seatIds, reservation.id);
      throw error;
    }
    await this.events.publish(reservation.pullEvents());
    return reservation.toSnapshot();
  }

  /**
   * On an on-sale most requests lose: the seats they ask for were taken moments ago. This
   * instance's live view answers them with no Redis or MySQL work and no Reservation built.
   * It only ever refuses: a seat it shows free still goes through the store and MySQL, so a
   * stale view can wrongly turn away a seat freed in the last moments (the view's lag), never
   * grant a taken one. A performance the view does not follow yet is watched from its first
   * loser on, so the check costs nothing where nobody loses.
   */
  private refuseSeatsTakenLocally(performanceId: string, seats: readonly { readonly id: string }[]): void {
    if (!this.seatStates) return;
    const seatIds = seats.map((seat) => seat.id);
    const heldWithinMs = Math.max(0, this.policy.holdSeconds * 1000 - HOLD_AGE_MARGIN_MS);
    const taken = this.seatStates.takenAmong(performanceId, seatIds, heldWithinMs);
    if (taken && taken.length > 0) throw new SeatUnavailableError(performanceId, taken);
  }

  /** Returns whether the store holds the seats for us: not when it is unavailable (MySQL alone decides). */
  private async holdInStore(reservation: Reservation): Promise<boolean> {
    const attempt = await this.holds.tryHold(
      reservation.performanceId,
      reservation.seatIds,
      reservation.id,
      reservation.expiresAt,
    );
    if ('conflicts' in attempt) {
      this.seatStates?.watch(reservation.performanceId);
      throw new SeatUnavailableError(reservation.performanceId, attempt.conflicts);
    }
    return attempt.granted;
  }

  /**
   * Inserts the claim. If it collides only with holds that are overdue but not yet swept
   * (another member's seats, or the member's own cap), those are expired on the spot and
   * the insert is tried once more.
   */
  private async record(reservation: Reservation, now: Date): Promise<void> {
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
        const holderIds = [...new Set(error.holders.values())];
        const holders = await this.reservations.findByIds(holderIds);
        const stillActive = holders.filter((holder) => holder.ownsSeats(now));
        if (stillActive.length > 0 || attempt > 1) {
          await this.teachStore(reservation.performanceId, error.holders, stillActive);
          this.seatStates?.watch(reservation.performanceId);
          throw new SeatUnavailableError(reservation.performanceId, [...error.holders.keys()]);
        }
        for (const holder of holders) {
          await expireIfOverdue(holder, now, this.reservations, this.holds, this.events);
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
