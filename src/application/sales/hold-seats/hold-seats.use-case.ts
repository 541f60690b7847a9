import { PerformanceNotFoundError } from '../../../domain/catalog/performance.errors';
import { PerformanceRepository } from '../../../domain/catalog/performance.repository';
import { Reservation, ReservationSnapshot } from '../../../domain/sales/reservation';
import { SeatUnavailableError } from '../../../domain/sales/reservation.errors';
import { ReservationRepository } from '../../../domain/sales/reservation.repository';
import { Clock } from '../../shared/ports/clock';
import { EventPublisher } from '../../shared/ports/event-publisher';
import { IdGenerator } from '../../shared/ports/id-generator';
import { SeatHoldStore } from '../ports/seat-hold-store';
import { Actor } from '../../shared/actor';
import { ReservationPolicy } from '../reservation-policy';
import { HoldRecorder } from '../hold-recorder';

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
  ) {
    this.recorder = new HoldRecorder(reservations, holds, events, policy);
  }

  async execute(actor: Actor, input: HoldSeatsInput): Promise<ReservationSnapshot> {
    const performance = await this.performances.findById(input.performanceId);
    if (!performance) throw new PerformanceNotFoundError(input.performanceId);
    const now = this.clock.now();
    const seats = performance.selectSeatsForHold(input.seatIds, now, this.policy.maxSeatsPerReservation);
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
      throw error;
    }
    await this.events.publish(reservation.pullEvents());
    return reservation.toSnapshot();
  }

  /** Returns whether the store holds the seats for us: not when it is unavailable (MySQL alone decides). */
  private async holdInStore(reservation: Reservation): Promise<boolean> {
    const attempt = await this.holds.tryHold(
      reservation.performanceId,
      reservation.seatIds,
      reservation.id,
      reservation.expiresAt,
    );
    if ('conflicts' in attempt) throw new SeatUnavailableError(reservation.performanceId, attempt.conflicts);
    return attempt.granted;
  }
}
