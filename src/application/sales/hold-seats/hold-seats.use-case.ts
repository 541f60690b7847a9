import { PerformanceNotFoundError } from '../../../domain/catalog/performance.errors';
import { PerformanceRepository } from '../../../domain/catalog/performance.repository';
import { Reservation, ReservationSnapshot } from '../../../domain/sales/reservation';
import { SeatUnavailableError } from '../../../domain/sales/reservation.errors';
import { withoutStackTrace } from '../../../domain/shared/domain-error';
import { ReservationRepository } from '../../../domain/sales/reservation.repository';
import { Clock } from '../../shared/ports/clock';
import { EventPublisher } from '../../shared/ports/event-publisher';
import { IdGenerator } from '../../shared/ports/id-generator';
import { SeatHoldStore } from '../ports/seat-hold-store';
import type { SeatStates } from '../../seat-state/ports/seat-states';
import { Actor } from '../../shared/actor';
import { ReservationPolicy } from '../reservation-policy';
import { HoldRecorder } from '../hold-recorder';

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
  private readonly recorder: HoldRecorder;

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
  ) {
    this.recorder = new HoldRecorder(reservations, holds, events, policy);
  }

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
      await this.recorder.record(reservation, now);
    } catch (error) {
      // Otherwise the hold would turn the next buyers away until it expires by itself.
      if (heldInStore) await this.holds.release(reservation.performanceId, reservation.seatIds, reservation.id);
      // MySQL knew of a holder the hold store had forgotten: from now on this instance's view answers such losers.
      if (error instanceof SeatUnavailableError) this.seatStates?.watch(reservation.performanceId);
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
    if (taken && taken.length > 0) throw withoutStackTrace(() => new SeatUnavailableError(performanceId, taken));
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
      throw withoutStackTrace(() => new SeatUnavailableError(reservation.performanceId, attempt.conflicts));
    }
    return attempt.granted;
  }
}
