import { CancelReservation } from '../../src/application/sales/cancel-reservation/cancel-reservation.use-case';
import { ConfirmReservation } from '../../src/application/sales/confirm-reservation/confirm-reservation.use-case';
import { ExpireOverdueHolds } from '../../src/application/sales/expire-overdue-holds/expire-overdue-holds.use-case';
import { SeatMapReader } from '../../src/application/catalog/seat-map';
import { unversionedSeatStates } from '../../src/application/seat-state/unversioned-seat-states';
import { GetSeatMap } from '../../src/application/catalog/get-seat-map/get-seat-map.use-case';
import { HoldSeats } from '../../src/application/sales/hold-seats/hold-seats.use-case';
import { SeatHoldStore } from '../../src/application/sales/ports/seat-hold-store';
import { BestEffortSeatHoldStore } from '../../src/application/sales/best-effort-seat-hold-store';
import { StoreUnavailableError } from '../../src/application/shared/errors';
import { Actor } from '../../src/application/shared/actor';
import { InMemoryEventPublisher } from '../../src/adapters/memory/in-memory-event.publisher';
import { InMemoryPerformanceRepository } from '../../src/adapters/memory/in-memory-performance.repository';
import { InMemoryReservationRepository } from '../../src/adapters/memory/in-memory-reservation.repository';
import { InMemorySeatHoldStore } from '../../src/adapters/memory/in-memory-seat-hold.store';
import { ManualClock } from '../../src/adapters/memory/manual-clock';
import { UuidV7IdGenerator } from '../../src/adapters/system/uuid-v7.id-generator';
import { aPerformance, T0 } from './builders';

export const HOLD_SECONDS = 300;

/** The reservation use cases wired to the in-memory adapters, on a clock the test moves. */
export async function reservationFixture(options: { seatHolds?: SeatHoldStore; maxSeatsPerMember?: number } = {}) {
  const clock = new ManualClock(T0);
  const performances = new InMemoryPerformanceRepository();
  const reservations = new InMemoryReservationRepository();
  // As in production, every use case sees the store through the one failure policy.
  const seatHolds = new BestEffortSeatHoldStore(options.seatHolds ?? new InMemorySeatHoldStore(clock), () => {});
  const events = new InMemoryEventPublisher(true);
  const ids = new UuidV7IdGenerator();
  const policy = {
    holdSeconds: HOLD_SECONDS,
    maxSeatsPerReservation: 4,
    maxSeatsPerMember: options.maxSeatsPerMember ?? 4,
  };
  const performance = aPerformance();
  await performances.add(performance);
  const seatIds = performance.toSnapshot().seats.map((seat) => seat.id);
  const member = (n: number): Actor => ({ memberId: `member-${n}`, role: 'USER' });

  return {
    clock,
    performance,
    seatIds,
    reservations,
    seatHolds,
    events,
    member,
    admin: { memberId: 'admin', role: 'ADMIN' } as Actor,
    holdSeats: new HoldSeats(performances, reservations, seatHolds, ids, clock, events, policy),
    /** Another instance's HoldSeats: same database, its own hold store (and its own outage reports). */
    holdSeatsWith: (store: SeatHoldStore, onStoreUnavailable: (error: StoreUnavailableError) => void = () => {}) =>
      new HoldSeats(
        performances,
        reservations,
        new BestEffortSeatHoldStore(store, onStoreUnavailable),
        ids,
        clock,
        events,
        policy,
      ),
    confirm: new ConfirmReservation(reservations, seatHolds, clock, events),
    cancel: new CancelReservation(reservations, seatHolds, clock, events),
    sweep: new ExpireOverdueHolds(reservations, seatHolds, clock, events, 2),
    seatMap: new GetSeatMap(new SeatMapReader(performances, unversionedSeatStates(reservations), clock)),
  };
}
