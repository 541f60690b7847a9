import { Reservation } from '../../../domain/sales/reservation';
import { ReservationRepository } from '../../../domain/sales/reservation.repository';
import { Clock } from '../../shared/ports/clock';
import { EventPublisher } from '../../shared/ports/event-publisher';
import { SeatHoldStore } from '../ports/seat-hold-store';

/** The sweeper: run periodically on every instance; the repository makes that safe. */
export class ExpireOverdueHolds {
  constructor(
    private readonly reservations: ReservationRepository,
    private readonly holds: SeatHoldStore,
    private readonly clock: Clock,
    private readonly events: EventPublisher,
    private readonly batchSize = 500,
  ) {}

  /** Returns how many holds it expired. */
  async execute(): Promise<number> {
    let total = 0;
    for (;;) {
      const now = this.clock.now();
      const expired = await this.reservations.expireOverdue(now, this.batchSize);
      for (const hold of expired) {
        await this.holds.release(hold.performanceId, hold.seatIds, hold.reservationId);
      }
      await this.events.publish(expired.map((hold) => Reservation.expiredEvent(hold, now)));
      total += expired.length;
      if (expired.length < this.batchSize) return total;
    }
  }
}
