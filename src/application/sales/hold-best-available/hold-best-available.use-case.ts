import { Performance } from '../../../domain/catalog/performance';
import {
  PerformanceNotFoundError,
  SalesClosedError,
  TooManySeatsError,
} from '../../../domain/catalog/performance.errors';
import { PerformanceRepository } from '../../../domain/catalog/performance.repository';
import { chooseBestBlock, SeatingAreaFilter, SeatingPlan } from '../../../domain/catalog/seating-plan';
import { NotEnoughSeatsTogetherError } from '../../../domain/sales/best-available.errors';
import { Reservation, ReservationSnapshot } from '../../../domain/sales/reservation';
import { SeatUnavailableError } from '../../../domain/sales/reservation.errors';
import { ReservationRepository } from '../../../domain/sales/reservation.repository';
import { SeatStatusQuery } from '../../catalog/ports/seat-status-query';
import { Actor } from '../../shared/actor';
import { Clock } from '../../shared/ports/clock';
import { EventPublisher } from '../../shared/ports/event-publisher';
import { IdGenerator } from '../../shared/ports/id-generator';
import { HoldRecorder } from '../hold-recorder';
import { BestAvailableAttempt, BestAvailableRequest, BestAvailableStore } from '../ports/best-available-store';
import { SeatHoldStore } from '../ports/seat-hold-store';
import { ReservationPolicy } from '../reservation-policy';

export interface HoldBestAvailableInput extends SeatingAreaFilter {
  readonly performanceId: string;
  readonly quantity: number;
}

/**
 * A block lost at the database (to a hold the store did not know, e.g. after a Redis flush,
 * or to a concurrent request while the store is down) is followed by another look; past this
 * many, the request gives up with the seats it last lost.
 */
const MAX_ATTEMPTS = 10;

/**
 * "n good seats together": the best block of adjacent free seats by the rule of
 * chooseBestBlock, chosen and held in one atomic step of the best-available store, then
 * recorded like any hold. Without the store (Redis down) the same rule runs on the
 * database's view of the hall, and the database's unique constraint keeps concurrent
 * requests apart; a request that loses a block there looks again.
 */
export class HoldBestAvailable {
  readonly #recorder: HoldRecorder;
  readonly #plans = new WeakMap<Performance, SeatingPlan>();

  constructor(
    private readonly performances: PerformanceRepository,
    reservations: ReservationRepository,
    holds: SeatHoldStore,
    private readonly store: BestAvailableStore,
    private readonly seatStatuses: SeatStatusQuery,
    private readonly ids: IdGenerator,
    private readonly clock: Clock,
    private readonly events: EventPublisher,
    private readonly policy: ReservationPolicy,
  ) {
    this.#recorder = new HoldRecorder(reservations, holds, events, policy);
  }

  async execute(actor: Actor, input: HoldBestAvailableInput): Promise<ReservationSnapshot> {
    const performance = await this.performances.findById(input.performanceId);
    if (!performance) throw new PerformanceNotFoundError(input.performanceId);
    const now = this.clock.now();
    const { salesOpenAt, salesCloseAt } = performance.toSnapshot();
    if (!performance.isOnSale(now)) throw new SalesClosedError(performance.id, salesOpenAt, salesCloseAt);
    const max = this.policy.maxSeatsPerReservation;
    if (!(input.quantity >= 1 && input.quantity <= max)) throw new TooManySeatsError(input.quantity, max);
    const plan = this.planOf(performance);
    const rows = plan.area(input);

    // Seats lost at the database: the store may not know them (it may be down, or have been
    // flushed), the next look must. After a loss the next look also avoids every claim the
    // database has, or a store that forgot them would offer one claimed block after another.
    const lost = new Set<string>();
    for (let attempt = 1; ; attempt++) {
      const id = this.ids.next();
      const expiresAt = new Date(now.getTime() + this.policy.holdSeconds * 1000);
      const alsoTaken = lost.size === 0 ? undefined : await this.claimedOrLost(performance.id, now, lost);
      const { choice, heldInStore } = await this.choose(
        {
          performanceId: performance.id,
          plan,
          rows,
          quantity: input.quantity,
          reservationId: id,
          expiresAt,
          ...(alsoTaken && { alsoTaken }),
        },
        now,
      );
      if (!choice.granted) {
        throw new NotEnoughSeatsTogetherError(performance.id, input.quantity, choice.largestBlock);
      }
      const reservation = Reservation.hold({
        id,
        memberId: actor.memberId,
        performanceId: performance.id,
        seats: choice.seatIds.map((seatId) => {
          const seat = performance.seat(seatId)!;
          return { seatId, label: seat.label, grade: seat.grade, price: performance.priceOf(seat) };
        }),
        now,
        holdSeconds: this.policy.holdSeconds,
      });
      try {
        await this.#recorder.record(reservation, now);
      } catch (error) {
        // Otherwise the block would stay out of every choice until its hold ran out.
        if (heldInStore) await this.store.release(performance.id, reservation.seatIds, id);
        if (!(error instanceof SeatUnavailableError) || attempt >= MAX_ATTEMPTS) throw error;
        for (const seatId of error.seatIds) lost.add(seatId);
        continue;
      }
      await this.events.publish(reservation.pullEvents());
      return reservation.toSnapshot();
    }
  }

  private async claimedOrLost(performanceId: string, now: Date, lost: ReadonlySet<string>): Promise<Set<string>> {
    const taken = await this.seatStatuses.takenSeats(performanceId, now);
    return new Set([...taken.keys(), ...lost]);
  }

  /** The store's choice, held there; or, while it is unavailable, the rule on the database's view. */
  private async choose(
    request: BestAvailableRequest,
    now: Date,
  ): Promise<{ choice: BestAvailableAttempt; heldInStore: boolean }> {
    const attempt = await this.store.holdBestBlock(request);
    if (!('storeUnavailable' in attempt)) return { choice: attempt, heldInStore: true };
    const taken = await this.seatStatuses.takenSeats(request.performanceId, now);
    const alsoTaken = request.alsoTaken;
    const choice = chooseBestBlock(
      request.rows,
      request.quantity,
      (seatId) => taken.has(seatId) || alsoTaken?.has(seatId) === true,
    );
    return {
      choice: 'block' in choice ? { granted: true, seatIds: choice.block.seatIds } : { granted: false, ...choice },
      heldInStore: false,
    };
  }

  private planOf(performance: Performance): SeatingPlan {
    let plan = this.#plans.get(performance);
    if (!plan) {
      plan = SeatingPlan.of(performance.toSnapshot());
      this.#plans.set(performance, plan);
    }
    return plan;
  }
}
