import { SeatHoldStore } from '../../src/application/sales/ports/seat-hold-store';
import { aPerformanceId, aReservationId, millisecondsAfter } from '../support/seat-hold.mother';

/** What the contract needs from each adapter's test file. */
export interface SeatHoldStoreTestbed {
  readonly store: SeatHoldStore;
  /** The time the store measures holds against. */
  now(): Date;
  /**
   * Returns once the holds on these seats, which end at `expiresAt`, are over as far as the
   * store can tell (a manual clock moves there; a real one is waited on), or fails.
   */
  waitForHoldsToEnd(performanceId: string, seatIds: readonly string[], expiresAt: Date): Promise<void>;
}

/**
 * Short enough to keep a real-time suite fast, long enough that even a loaded CI machine
 * checks a hold before it ends.
 */
const SHORT_HOLD_MS = 1_000;
const LONG_HOLD_MS = 10 * 60_000;

/** One behaviour for every SeatHoldStore: run against the in-memory twin and the real adapter. */
export function describeSeatHoldStoreContract(
  adapter: string,
  openTestbed: () => SeatHoldStoreTestbed | Promise<SeatHoldStoreTestbed>,
): void {
  describe(`SeatHoldStore contract: ${adapter}`, () => {
    let bed: SeatHoldStoreTestbed;
    let store: SeatHoldStore;
    let performanceId: string;
    const later = () => millisecondsAfter(bed.now(), LONG_HOLD_MS);
    const shortly = () => millisecondsAfter(bed.now(), SHORT_HOLD_MS);

    beforeEach(async () => {
      bed = await openTestbed();
      store = bed.store;
      performanceId = aPerformanceId();
    });

    it('grants free seats and then refuses them to another reservation, naming them', async () => {
      const [first, second] = [aReservationId(), aReservationId()];

      expect(await store.tryHold(performanceId, ['A1', 'A2'], first, later())).toEqual({ granted: true });
      expect(await store.tryHold(performanceId, ['A2', 'A1'], second, later())).toEqual({
        granted: false,
        conflicts: ['A2', 'A1'],
      });
    });

    it('takes nothing when one seat is held by someone else, and names only the conflicting seats', async () => {
      const [holder, greedy, next] = [aReservationId(), aReservationId(), aReservationId()];
      await store.tryHold(performanceId, ['B2', 'B4'], holder, later());

      expect(await store.tryHold(performanceId, ['B1', 'B2', 'B3', 'B4'], greedy, later())).toEqual({
        granted: false,
        conflicts: ['B2', 'B4'],
      });
      // B1 and B3 were not taken by the refused attempt.
      expect(await store.tryHold(performanceId, ['B1', 'B3'], next, later())).toEqual({ granted: true });
    });

    it('keeps the holds of one performance apart from another', async () => {
      const otherPerformanceId = aPerformanceId();
      await store.tryHold(performanceId, ['C1'], aReservationId(), later());

      expect(await store.tryHold(otherPerformanceId, ['C1'], aReservationId(), later())).toEqual({ granted: true });
    });

    it('lets a reservation hold its own seats again, with more seats and a new end', async () => {
      const [owner, other] = [aReservationId(), aReservationId()];
      const firstEnd = shortly();
      await store.tryHold(performanceId, ['D1', 'D2'], owner, firstEnd);
      await store.tryHold(performanceId, ['D9'], owner, firstEnd);

      expect(await store.tryHold(performanceId, ['D1', 'D2', 'D3'], owner, later())).toEqual({ granted: true });
      expect(await store.tryHold(performanceId, ['D3'], other, later())).toEqual({ granted: false, conflicts: ['D3'] });

      // D9 kept the first end and proves that time is over; D1 and D2 took the new one.
      await bed.waitForHoldsToEnd(performanceId, ['D9'], firstEnd);
      expect(await store.tryHold(performanceId, ['D1', 'D2', 'D9'], other, later())).toEqual({
        granted: false,
        conflicts: ['D1', 'D2'],
      });
    });

    it('releases only the seats the reservation itself holds', async () => {
      const [owner, stranger, next] = [aReservationId(), aReservationId(), aReservationId()];
      await store.tryHold(performanceId, ['E1', 'E2'], owner, later());
      await store.tryHold(performanceId, ['E3'], stranger, later());

      await store.release(performanceId, ['E1', 'E2', 'E3'], stranger);

      expect(await store.tryHold(performanceId, ['E1', 'E2', 'E3'], next, later())).toEqual({
        granted: false,
        conflicts: ['E1', 'E2'],
      });
      expect(await store.tryHold(performanceId, ['E3'], next, later())).toEqual({ granted: true });

      await store.release(performanceId, ['E1', 'E2'], owner);
      expect(await store.tryHold(performanceId, ['E1', 'E2'], next, later())).toEqual({ granted: true });
    });

    it('keeps sold seats past the end of their hold', async () => {
      const [buyer, other] = [aReservationId(), aReservationId()];
      const holdEnd = shortly();
      await store.tryHold(performanceId, ['F1', 'F2', 'F3'], buyer, holdEnd);

      await store.markSold(performanceId, ['F1', 'F2'], buyer);

      // F3 was held as long but not sold: once it is free, the hold time is over.
      await bed.waitForHoldsToEnd(performanceId, ['F3'], holdEnd);
      expect(await store.tryHold(performanceId, ['F1', 'F2', 'F3'], other, later())).toEqual({
        granted: false,
        conflicts: ['F1', 'F2'],
      });
    });

    it('marks a free seat sold but never takes a seat held by another reservation', async () => {
      const [holder, buyer] = [aReservationId(), aReservationId()];
      await store.tryHold(performanceId, ['G1'], holder, later());

      await store.markSold(performanceId, ['G1', 'G2'], buyer);

      expect(await store.tryHold(performanceId, ['G1', 'G2'], buyer, later())).toEqual({
        granted: false,
        conflicts: ['G1'],
      });
      expect(await store.tryHold(performanceId, ['G1', 'G2'], holder, later())).toEqual({
        granted: false,
        conflicts: ['G2'],
      });
    });

    it('refuses seats it was taught about by remember, with or without an end', async () => {
      const [heldElsewhere, soldElsewhere, newcomer] = [aReservationId(), aReservationId(), aReservationId()];
      const holdEnd = shortly();

      await store.remember(
        performanceId,
        new Map([
          ['H1', heldElsewhere],
          ['H2', heldElsewhere],
        ]),
        holdEnd,
      );
      await store.remember(performanceId, new Map([['H3', soldElsewhere]]), null);

      expect(await store.tryHold(performanceId, ['H0', 'H1', 'H2', 'H3'], newcomer, later())).toEqual({
        granted: false,
        conflicts: ['H1', 'H2', 'H3'],
      });
      expect(await store.tryHold(performanceId, ['H1'], heldElsewhere, later())).toEqual({ granted: true });

      await bed.waitForHoldsToEnd(performanceId, ['H2'], holdEnd);
      expect(await store.tryHold(performanceId, ['H2', 'H3'], newcomer, later())).toEqual({
        granted: false,
        conflicts: ['H3'],
      });
    });

    it('frees a hold once its time is over', async () => {
      const [first, second] = [aReservationId(), aReservationId()];
      const holdEnd = shortly();
      await store.tryHold(performanceId, ['J1', 'J2'], first, holdEnd);
      expect(await store.tryHold(performanceId, ['J1', 'J2'], second, later())).toEqual({
        granted: false,
        conflicts: ['J1', 'J2'],
      });

      await bed.waitForHoldsToEnd(performanceId, ['J1', 'J2'], holdEnd);

      expect(await store.tryHold(performanceId, ['J1', 'J2'], second, later())).toEqual({ granted: true });
    });
  });
}
