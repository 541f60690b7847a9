import { InMemoryBestAvailableStore } from '../../../src/adapters/memory/in-memory-best-available.store';
import { InMemorySeatHoldStore } from '../../../src/adapters/memory/in-memory-seat-hold.store';
import { HoldBestAvailable } from '../../../src/application/sales/hold-best-available/hold-best-available.use-case';
import { BestAvailableStore } from '../../../src/application/sales/ports/best-available-store';
import { StoreUnavailableError } from '../../../src/application/shared/errors';
import { BestEffortBestAvailableStore } from '../../../src/application/sales/best-effort-seat-hold-store';
import { UnknownSeatingAreaError } from '../../../src/domain/catalog/seating-plan';
import { NotEnoughSeatsTogetherError } from '../../../src/domain/sales/best-available.errors';
import { reservationFixture } from '../../support/application-fixture';
import { at, DAY } from '../../support/builders';

/** A best-available store whose every call fails as Redis does when it is down. */
const redisDown = (): BestAvailableStore & { calls: number } => {
  const store = {
    calls: 0,
    async holdBestBlock(): Promise<never> {
      store.calls++;
      throw new StoreUnavailableError('Redis');
    },
    async release(): Promise<never> {
      store.calls++;
      throw new StoreUnavailableError('Redis');
    },
    async releaseReservation(): Promise<never> {
      store.calls++;
      throw new StoreUnavailableError('Redis');
    },
  };
  return store;
};

/** The fixture's hall is A (VIP, 2 rows of 5) then B (R, 3 rows of 5). */
async function fixture(store?: BestAvailableStore) {
  // One set of seat holds for both ways of holding, as in production.
  const holds = new InMemorySeatHoldStore({ now: () => base.clock.now() });
  const base = await reservationFixture({ seatHolds: holds });
  const warnings: StoreUnavailableError[] = [];
  const useCase = new HoldBestAvailable(
    base.performances,
    base.reservations,
    base.seatHolds,
    // As in production, the store is seen through the one failure policy.
    new BestEffortBestAvailableStore(store ?? new InMemoryBestAvailableStore(holds), (error) => warnings.push(error)),
    base.reservations,
    base.ids,
    base.clock,
    base.events,
    base.policy,
  );
  const labelOf = new Map(base.performance.toSnapshot().seats.map((seat) => [seat.id, seat.label]));
  const labels = (reservation: { seats: readonly { seatId: string }[] }) =>
    reservation.seats.map((seat) => labelOf.get(seat.seatId));
  return { ...base, useCase, warnings, labels };
}

/** A store that holds the block but whose answer is lost, as when Redis answers after the client's timeout. */
class TimedOutAfterHolding implements BestAvailableStore {
  constructor(private readonly inner: BestAvailableStore) {}
  async holdBestBlock(request: Parameters<BestAvailableStore['holdBestBlock']>[0]): Promise<never> {
    await this.inner.holdBestBlock(request);
    throw new StoreUnavailableError('Redis');
  }
  release: BestAvailableStore['release'] = (...args) => this.inner.release(...args);
  releaseReservation: BestAvailableStore['releaseReservation'] = (...args) => this.inner.releaseReservation(...args);
}

describe('HoldBestAvailable', () => {
  it('holds the best block as a PENDING reservation and publishes ReservationHeld with its seats', async () => {
    const { useCase, performance, member, labels, events } = await fixture();
    const held = await useCase.execute(member(1), { performanceId: performance.id, quantity: 3 });
    expect(held.status).toBe('PENDING');
    // A-1-1…3 and A-1-3…5 leave no seat alone and are as central: the lower numbers.
    expect(labels(held)).toEqual(['A-1-1', 'A-1-2', 'A-1-3']);
    expect(events.published.at(-1)).toMatchObject({
      type: 'ReservationHeld',
      seatIds: held.seats.map((s) => s.seatId),
    });
  });

  it('runs the same rule on the database while the store is down, and says so', async () => {
    const store = redisDown();
    const { useCase, performance, member, labels, warnings } = await fixture(store);
    const first = await useCase.execute(member(1), { performanceId: performance.id, quantity: 2, grade: 'R' });
    const second = await useCase.execute(member(2), { performanceId: performance.id, quantity: 3, section: 'B' });
    expect(labels(first)).toEqual(['B-1-1', 'B-1-2']);
    expect(labels(second)).toEqual(['B-1-3', 'B-1-4', 'B-1-5']);
    expect(warnings.length).toBe(2);
    // Each lost answer was followed by an attempt to give back what the step may have held.
    expect(store.calls).toBe(4);
  });

  it('gives back the block of a step whose answer was lost, and holds by the database instead', async () => {
    const holds = new InMemorySeatHoldStore({ now: () => new Date(0) });
    const inner = new InMemoryBestAvailableStore(holds);
    const { useCase, performance, member, labels } = await fixture(new TimedOutAfterHolding(inner));
    const held = await useCase.execute(member(1), { performanceId: performance.id, quantity: 2, section: 'B' });
    expect(labels(held)).toEqual(['B-1-1', 'B-1-2']);
    // Nothing is left held in the store that timed out: its block went back.
    for (const seatId of performance.toSnapshot().seats.map((seat) => seat.id)) {
      expect(holds.holderOf(performance.id, seatId)).toBeUndefined();
    }
  });

  it('looks again when it loses a block at the database to a concurrent request (store down)', async () => {
    const { useCase, performance, member } = await fixture(redisDown());
    const requests = [1, 2, 3, 4].map((n) =>
      useCase.execute(member(n), { performanceId: performance.id, quantity: 2, section: 'A' }),
    );
    const held = await Promise.all(requests);
    const seats = held.flatMap((reservation) => reservation.seats.map((seat) => seat.seatId));
    expect(new Set(seats).size).toBe(8);
  });

  it('refuses with the largest block left when no block fits', async () => {
    const { useCase, performance, member } = await fixture();
    await useCase.execute(member(1), { performanceId: performance.id, quantity: 4, section: 'A' });
    await useCase.execute(member(2), { performanceId: performance.id, quantity: 4, section: 'A' });
    await expect(
      useCase.execute(member(3), { performanceId: performance.id, quantity: 2, section: 'A' }),
    ).rejects.toThrow(NotEnoughSeatsTogetherError);
    await expect(
      useCase.execute(member(3), { performanceId: performance.id, quantity: 2, section: 'A' }),
    ).rejects.toMatchObject({ details: { largestBlock: 1, requested: 2 } });
  });

  it('refuses an unknown grade or section, too many seats, and a closed sale', async () => {
    const { useCase, performance, member, clock } = await fixture();
    const ask = (input: object) => useCase.execute(member(1), { performanceId: performance.id, quantity: 1, ...input });
    await expect(ask({ grade: 'Gold' })).rejects.toThrow(UnknownSeatingAreaError);
    await expect(ask({ section: 'Z' })).rejects.toMatchObject({ field: 'section' });
    await expect(ask({ quantity: 5 })).rejects.toMatchObject({ code: 'TOO_MANY_SEATS' });
    clock.set(at(400 * DAY));
    await expect(ask({})).rejects.toMatchObject({ code: 'SALES_CLOSED' });
  });

  it("frees the block in the store when the database refuses the hold (the member's cap)", async () => {
    const { useCase, performance, member, labels } = await fixture();
    await useCase.execute(member(1), { performanceId: performance.id, quantity: 3, section: 'A' });
    await expect(
      useCase.execute(member(1), { performanceId: performance.id, quantity: 2, section: 'A' }),
    ).rejects.toMatchObject({ code: 'MEMBER_SEAT_LIMIT' });
    // The refused block (A-1-4, A-1-5: the rest of row 1) went back: the next member gets it.
    const next = await useCase.execute(member(2), { performanceId: performance.id, quantity: 2, section: 'A' });
    expect(labels(next)).toEqual(['A-1-4', 'A-1-5']);
  });
});
