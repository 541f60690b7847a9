import { Section } from '../../src/domain/catalog/performance';
import { chooseBestBlock, SeatingAreaFilter, SeatingPlan } from '../../src/domain/catalog/seating-plan';
import { BestAvailableStore } from '../../src/application/sales/ports/best-available-store';
import { SeatHoldStore } from '../../src/application/sales/ports/seat-hold-store';
import { Money } from '../../src/domain/shared/money';
import { aPerformance } from '../support/builders';
import { aReservationId, millisecondsAfter } from '../support/seat-hold.mother';
import { seededRandom } from '../../testkit/random';

/** What the contract needs from each adapter's test file. */
export interface BestAvailableStoreTestbed {
  readonly store: BestAvailableStore;
  /** The seat holds the store shares (the same Redis, or the same in-memory holds). */
  readonly holds: SeatHoldStore;
  now(): Date;
  /** Returns once holds ending at `expiresAt` are over as far as the stores can tell. */
  waitForHoldsToEnd(performanceId: string, seatIds: readonly string[], expiresAt: Date): Promise<void>;
}

const LONG_HOLD_MS = 10 * 60_000;
const SHORT_HOLD_MS = 1_000;

function aHall(sections: Section[]) {
  const performance = aPerformance({
    grades: [
      { name: 'VIP', price: Money.of(150_000, 'KRW') },
      { name: 'R', price: Money.of(120_000, 'KRW') },
    ],
    sections,
  });
  return { performanceId: performance.id, plan: SeatingPlan.of(performance.toSnapshot()) };
}

/**
 * One behaviour for every BestAvailableStore, run on the in-memory twin and on Redis: the
 * choices of chooseBestBlock, atomically, sharing the seat holds of the SeatHoldStore.
 */
export function describeBestAvailableStoreContract(
  adapter: string,
  openTestbed: () => BestAvailableStoreTestbed | Promise<BestAvailableStoreTestbed>,
): void {
  describe(`BestAvailableStore contract: ${adapter}`, () => {
    let bed: BestAvailableStoreTestbed;
    const later = () => millisecondsAfter(bed.now(), LONG_HOLD_MS);

    beforeEach(async () => {
      bed = await openTestbed();
    });

    const request = (
      hall: ReturnType<typeof aHall>,
      quantity: number,
      filter: SeatingAreaFilter = {},
      reservationId = aReservationId(),
      expiresAt = later(),
    ) => ({
      performanceId: hall.performanceId,
      plan: hall.plan,
      rows: hall.plan.area(filter),
      quantity,
      reservationId,
      expiresAt,
    });

    it('makes the choices of the rule, request after request, amid holds by id, until the hall is full', async () => {
      const hall = aHall([
        { name: 'A', grade: 'VIP', rows: 3, seatsPerRow: 7 },
        { name: 'B', grade: 'R', rows: 4, seatsPerRow: 9 },
        { name: 'C', grade: 'R', rows: 4, seatsPerRow: 6 },
      ]);
      const random = seededRandom(7);
      const taken = new Set<string>();
      // Some seats go by id first, scattered: the store must see them as the rule does.
      for (const seatId of hall.plan.seatIds.filter(() => random() < 0.15)) {
        expect(await bed.holds.tryHold(hall.performanceId, [seatId], aReservationId(), later())).toEqual({
          granted: true,
        });
        taken.add(seatId);
      }
      const filters: SeatingAreaFilter[] = [{}, { grade: 'R' }, { section: 'C' }, { grade: 'VIP' }];
      let refusals = 0;
      const byId: { seatId: string; holder: string }[] = [];
      for (let turn = 0; turn < 80; turn++) {
        // Between choices, seats are held by id and some of those released: the choices must know.
        const free = hall.plan.seatIds.filter((seatId) => !taken.has(seatId));
        if (free.length > 0 && random() < 0.3) {
          const seatId = free[Math.floor(random() * free.length)]!;
          const holder = aReservationId();
          await bed.holds.tryHold(hall.performanceId, [seatId], holder, later());
          taken.add(seatId);
          byId.push({ seatId, holder });
        }
        if (byId.length > 0 && random() < 0.15) {
          const { seatId, holder } = byId.splice(Math.floor(random() * byId.length), 1)[0]!;
          await bed.holds.release(hall.performanceId, [seatId], holder);
          taken.delete(seatId);
        }
        const quantity = 1 + Math.floor(random() * 4);
        const filter = filters[Math.floor(random() * filters.length)]!;
        const expected = chooseBestBlock(hall.plan.area(filter), quantity, (seatId) => taken.has(seatId));
        const attempt = await bed.store.holdBestBlock(request(hall, quantity, filter));
        if ('block' in expected) {
          expect(attempt).toEqual({ granted: true, seatIds: expected.block.seatIds });
          for (const seatId of expected.block.seatIds) taken.add(seatId);
        } else {
          expect(attempt).toEqual({ granted: false, largestBlock: expected.largestBlock });
          refusals++;
        }
      }
      expect(refusals).toBeGreaterThan(0);
      expect(taken.size).toBeGreaterThan(hall.plan.seatIds.length * 0.8);
    });

    it('makes the choices of the rule on a larger hall filled to the last seat', async () => {
      const hall = aHall([
        { name: 'A', grade: 'VIP', rows: 6, seatsPerRow: 24 },
        { name: 'B', grade: 'R', rows: 8, seatsPerRow: 33 },
      ]);
      const random = seededRandom(11);
      const taken = new Set<string>();
      for (let turn = 0; turn < 260; turn++) {
        const quantity = 1 + Math.floor(random() * 4);
        const expected = chooseBestBlock(hall.plan.area({}), quantity, (seatId) => taken.has(seatId));
        const attempt = await bed.store.holdBestBlock(request(hall, quantity));
        if ('block' in expected) {
          expect(attempt).toEqual({ granted: true, seatIds: expected.block.seatIds });
          for (const seatId of expected.block.seatIds) taken.add(seatId);
        } else {
          expect(attempt).toEqual({ granted: false, largestBlock: expected.largestBlock });
        }
      }
      expect(taken.size).toBeGreaterThan(hall.plan.seatIds.length * 0.97);
    });

    it('holds its blocks for the seat-id path too', async () => {
      const hall = aHall([{ name: 'A', grade: 'R', rows: 1, seatsPerRow: 6 }]);
      const attempt = await bed.store.holdBestBlock(request(hall, 2));
      expect(attempt).toEqual({ granted: true, seatIds: hall.plan.seatIds.slice(2, 4) });

      expect(
        await bed.holds.tryHold(hall.performanceId, hall.plan.seatIds.slice(1, 3), aReservationId(), later()),
      ).toEqual({ granted: false, conflicts: [hall.plan.seatIds[2]] });
    });

    it('never hands out overlapping blocks to concurrent requests', async () => {
      const hall = aHall([{ name: 'A', grade: 'R', rows: 5, seatsPerRow: 10 }]);
      const attempts = await Promise.all(
        Array.from({ length: 40 }, (_, index) => bed.store.holdBestBlock(request(hall, 1 + (index % 3)))),
      );
      const granted = attempts.flatMap((attempt) => (attempt.granted ? attempt.seatIds : []));
      expect(new Set(granted).size).toBe(granted.length);
      expect(granted.length).toBeGreaterThan(40);
    });

    it('offers released seats again, but never seats someone else still holds', async () => {
      const hall = aHall([{ name: 'A', grade: 'R', rows: 1, seatsPerRow: 4 }]);
      const owner = aReservationId();
      expect(await bed.store.holdBestBlock(request(hall, 4, {}, owner))).toMatchObject({ granted: true });
      expect(await bed.store.holdBestBlock(request(hall, 1))).toEqual({ granted: false, largestBlock: 0 });

      // A stranger's release frees nothing; the owner's frees the seats it names.
      await bed.store.release(hall.performanceId, hall.plan.seatIds, aReservationId());
      expect(await bed.store.holdBestBlock(request(hall, 1))).toEqual({ granted: false, largestBlock: 0 });
      await bed.store.release(hall.performanceId, hall.plan.seatIds.slice(0, 2), owner);
      expect(await bed.store.holdBestBlock(request(hall, 2))).toEqual({
        granted: true,
        seatIds: hall.plan.seatIds.slice(0, 2),
      });
    });

    it('offers a block again once the seat-hold store releases it (a cancel), never once it is sold', async () => {
      const hall = aHall([{ name: 'A', grade: 'R', rows: 1, seatsPerRow: 4 }]);
      const [cancelled, sold] = [aReservationId(), aReservationId()];
      const first = await bed.store.holdBestBlock(request(hall, 2, {}, cancelled));
      const second = await bed.store.holdBestBlock(request(hall, 2, {}, sold));
      if (!first.granted || !second.granted) throw new Error('both blocks should be held');

      await bed.holds.markSold(hall.performanceId, second.seatIds, sold);
      await bed.holds.release(hall.performanceId, first.seatIds, cancelled);

      expect(await bed.store.holdBestBlock(request(hall, 2))).toEqual({ granted: true, seatIds: first.seatIds });
      expect(await bed.store.holdBestBlock(request(hall, 1))).toEqual({ granted: false, largestBlock: 0 });
    });

    it('treats the seats it is told are taken elsewhere as taken, this once', async () => {
      const hall = aHall([{ name: 'A', grade: 'R', rows: 2, seatsPerRow: 4 }]);
      const row1 = hall.plan.seatIds.slice(0, 4);
      const told = { ...request(hall, 2), alsoTaken: new Set([row1[1]!]) };
      // Row 1 keeps only seats 3–4 together; seat 1 would be left alone beside the taken seat 2.
      expect(await bed.store.holdBestBlock(told)).toEqual({ granted: true, seatIds: row1.slice(2, 4) });
      // Not remembered: seats 1–2 are free for the next request.
      expect(await bed.store.holdBestBlock(request(hall, 2))).toEqual({ granted: true, seatIds: row1.slice(0, 2) });
    });

    it('gives back the block held for a reservation whose answer was lost, and nothing else', async () => {
      const hall = aHall([{ name: 'A', grade: 'R', rows: 1, seatsPerRow: 4 }]);
      const [lost, kept] = [aReservationId(), aReservationId()];
      expect(await bed.store.holdBestBlock(request(hall, 2, {}, lost))).toMatchObject({ granted: true });
      expect(await bed.store.holdBestBlock(request(hall, 2, {}, kept))).toMatchObject({ granted: true });

      await bed.store.releaseReservation(hall.performanceId, lost);
      await bed.store.releaseReservation(hall.performanceId, aReservationId());

      expect(await bed.store.holdBestBlock(request(hall, 2))).toEqual({
        granted: true,
        seatIds: hall.plan.seatIds.slice(0, 2),
      });
      expect(await bed.store.holdBestBlock(request(hall, 1))).toEqual({ granted: false, largestBlock: 0 });
    });

    it('keeps away from seats the seat-hold store was taught about, sold or held', async () => {
      const hall = aHall([{ name: 'A', grade: 'R', rows: 2, seatsPerRow: 3 }]);
      const [a1, a2, a3] = hall.plan.seatIds;
      await bed.holds.remember(hall.performanceId, new Map([[a2!, aReservationId()]]), null);
      await bed.holds.remember(hall.performanceId, new Map([[a3!, aReservationId()]]), later());
      await bed.holds.release(hall.performanceId, [a2!, a3!], aReservationId());
      await bed.store.release(hall.performanceId, [a2!, a3!], aReservationId());

      // Row 1 has no two free seats; in row 2 either pair leaves one alone: the lower numbers.
      expect(await bed.store.holdBestBlock(request(hall, 2))).toEqual({
        granted: true,
        seatIds: hall.plan.seatIds.slice(3, 5),
      });
      expect(await bed.store.holdBestBlock(request(hall, 1))).toEqual({ granted: true, seatIds: [a1] });
    });

    it('offers the seats of a hold whose time is over again', async () => {
      const hall = aHall([{ name: 'A', grade: 'R', rows: 1, seatsPerRow: 3 }]);
      const holdEnd = millisecondsAfter(bed.now(), SHORT_HOLD_MS);
      expect(await bed.store.holdBestBlock(request(hall, 3, {}, aReservationId(), holdEnd))).toMatchObject({
        granted: true,
      });
      expect(await bed.store.holdBestBlock(request(hall, 1))).toEqual({ granted: false, largestBlock: 0 });

      await bed.waitForHoldsToEnd(hall.performanceId, hall.plan.seatIds, holdEnd);
      expect(await bed.store.holdBestBlock(request(hall, 3))).toEqual({ granted: true, seatIds: hall.plan.seatIds });
    });
  });
}
