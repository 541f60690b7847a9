import { CancelReservation } from '../../src/application/sales/cancel-reservation/cancel-reservation.use-case';
import { ConfirmReservation } from '../../src/application/sales/confirm-reservation/confirm-reservation.use-case';
import { ExpireOverdueHolds } from '../../src/application/sales/expire-overdue-holds/expire-overdue-holds.use-case';
import { SeatMapReader } from '../../src/application/catalog/seat-map';
import { GetSeatMap } from '../../src/application/catalog/get-seat-map/get-seat-map.use-case';
import { HoldSeats } from '../../src/application/sales/hold-seats/hold-seats.use-case';
import { SeatHoldStore } from '../../src/application/sales/ports/seat-hold-store';
import { Actor } from '../../src/application/shared/actor';
import { GetReservation } from '../../src/application/sales/get-reservation/get-reservation.use-case';
import { ListMemberReservations } from '../../src/application/sales/list-member-reservations/list-member-reservations.use-case';
import { InMemoryMemberRepository } from '../../src/adapters/memory/in-memory-member.repository';
import { InMemoryEventPublisher } from '../../src/adapters/memory/in-memory-event.publisher';
import { InMemoryPerformanceRepository } from '../../src/adapters/memory/in-memory-performance.repository';
import { InMemoryReservationRepository } from '../../src/adapters/memory/in-memory-reservation.repository';
import { InMemorySeatHoldStore } from '../../src/adapters/memory/in-memory-seat-hold.store';
import { ManualClock } from '../../src/adapters/memory/manual-clock';
import { UuidV7IdGenerator } from '../../src/adapters/system/uuid-v7.id-generator';
import { aMember, aPerformance, T0 } from './builders';

export const HOLD_SECONDS = 300;

/**
 * The reservation use cases wired to the in-memory adapters, on a clock the test moves.
 * Members 1 to 9 and an admin exist; a reservation of anyone else is refused, as MySQL's
 * foreign key refuses it.
 */
export async function reservationFixture(options: { seatHolds?: SeatHoldStore; maxSeatsPerMember?: number } = {}) {
  const clock = new ManualClock(T0);
  const members = new InMemoryMemberRepository();
  for (let n = 1; n <= 9; n++) await members.add(aMember({ id: `member-${n}` }));
  await members.add(aMember({ id: 'admin', role: 'ADMIN' }));
  const performances = new InMemoryPerformanceRepository();
  const reservations = new InMemoryReservationRepository(members);
  const seatHolds = options.seatHolds ?? new InMemorySeatHoldStore(clock);
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
    /** A well-signed token's actor whose member is gone. */
    ghost: { memberId: 'deleted-member', role: 'USER' } as Actor,
    admin: { memberId: 'admin', role: 'ADMIN' } as Actor,
    holdSeats: new HoldSeats(performances, reservations, seatHolds, ids, clock, events, policy),
    /** Another instance's HoldSeats: same database, its own hold store. */
    holdSeatsWith: (store: SeatHoldStore, onStoreFailure?: (error: unknown) => void) =>
      new HoldSeats(performances, reservations, store, ids, clock, events, policy, onStoreFailure),
    confirm: new ConfirmReservation(reservations, members, seatHolds, clock, events),
    cancel: new CancelReservation(reservations, members, seatHolds, clock, events),
    get: new GetReservation(reservations, members, clock),
    list: new ListMemberReservations(reservations, members, clock),
    sweep: new ExpireOverdueHolds(reservations, seatHolds, clock, events, 2),
    seatMap: new GetSeatMap(new SeatMapReader(performances, reservations, clock)),
  };
}
