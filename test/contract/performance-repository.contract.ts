import { PerformanceCatalog } from '../../src/application/catalog/ports/performance-catalog';
import { PerformanceRepository } from '../../src/domain/catalog/performance.repository';
import { Money } from '../../src/domain/shared/money';
import { aPerformance, at, DAY, HOUR, seatIdsOf, T0 } from '../support/builders';

export type PerformanceStore = PerformanceRepository & PerformanceCatalog;

/** What the performance repository and its catalog read model must do, in memory and in MySQL. */
export function performanceRepositoryContract(makeStore: () => PerformanceStore | Promise<PerformanceStore>): void {
  describe('PerformanceRepository and PerformanceCatalog contract', () => {
    let performances: PerformanceStore;
    beforeEach(async () => {
      performances = await makeStore();
    });

    describe('findById', () => {
      it('restores an added performance exactly: grades, sections, seats in layout order, millisecond times', async () => {
        const performance = aPerformance({
          startsAt: at(30 * DAY + 1),
          salesOpenAt: at(-HOUR + 2),
          salesCloseAt: at(29 * DAY + 3),
          createdAt: at(-DAY + 4),
        });
        await performances.add(performance);

        const found = await performances.findById(performance.id);

        expect(found?.toSnapshot()).toEqual(performance.toSnapshot());
        expect(found?.toSnapshot().salesOpenAt.getTime()).toBe(T0.getTime() - HOUR + 2);
      });

      it('restores the waiting room setting', async () => {
        const performance = aPerformance({ waitingRoom: { admitPerMinute: 600, admissionSeconds: 120 } });
        await performances.add(performance);

        const found = await performances.findById(performance.id);

        expect(found?.waitingRoom).toEqual({ admitPerMinute: 600, admissionSeconds: 120 });
        expect(found?.toSnapshot()).toEqual(performance.toSnapshot());
      });

      it('keeps the layout order even when seat ids do not sort that way', async () => {
        let n = 1000;
        const performance = aPerformance({ nextSeatId: () => `seat-${n--}` });
        await performances.add(performance);

        const found = await performances.findById(performance.id);

        expect(found?.toSnapshot().seats.map((seat) => seat.label)).toEqual(
          performance.toSnapshot().seats.map((seat) => seat.label),
        );
        expect(found?.toSnapshot().seats[0]).toEqual({
          id: 'seat-1000',
          label: 'A-1-1',
          section: 'A',
          row: 1,
          number: 1,
          grade: 'VIP',
        });
      });

      it('prices every seat by its grade, in the currency of the performance', async () => {
        const performance = aPerformance({
          grades: [
            { name: 'S', price: Money.of(9_900, 'USD') },
            { name: 'A', price: Money.of(5_000, 'USD') },
          ],
          sections: [
            { name: 'Floor', grade: 'S', rows: 1, seatsPerRow: 2 },
            { name: 'Balcony', grade: 'A', rows: 1, seatsPerRow: 1 },
          ],
        });
        await performances.add(performance);

        const found = (await performances.findById(performance.id))!;

        const prices = found.selectSeatsForHold(seatIdsOf(performance), T0, 10).map((seat) => seat.price);
        expect(prices).toEqual([Money.of(9_900, 'USD'), Money.of(9_900, 'USD'), Money.of(5_000, 'USD')]);
        expect(found.currency).toBe('USD');
      });

      it('keeps section and grade names that differ only by case apart', async () => {
        const performance = aPerformance({
          grades: [
            { name: 'r', price: Money.of(1_000, 'KRW') },
            { name: 'R', price: Money.of(2_000, 'KRW') },
          ],
          sections: [
            { name: 'a', grade: 'r', rows: 1, seatsPerRow: 1 },
            { name: 'A', grade: 'R', rows: 1, seatsPerRow: 1 },
          ],
        });
        await performances.add(performance);

        const found = (await performances.findById(performance.id))!.toSnapshot();

        expect(found.seats.map((seat) => [seat.label, seat.grade])).toEqual([
          ['a-1-1', 'r'],
          ['A-1-1', 'R'],
        ]);
      });

      it('answers null for an unknown id', async () => {
        await performances.add(aPerformance());

        expect(await performances.findById('00000000-0000-0000-0000-000000000000')).toBeNull();
      });
    });

    describe('listUpcoming', () => {
      it('lists performances that have not started, latest sales opening first, ties by id', async () => {
        const now = T0;
        const opensLate = aPerformance({ id: 'p-3', salesOpenAt: at(2 * HOUR) });
        const tieB = aPerformance({ id: 'p-2', salesOpenAt: at(HOUR) });
        const tieA = aPerformance({ id: 'p-1', salesOpenAt: at(HOUR) });
        const startsNow = aPerformance({ id: 'p-4', salesOpenAt: at(-2 * DAY), salesCloseAt: at(-DAY), startsAt: now });
        const past = aPerformance({
          id: 'p-5',
          salesOpenAt: at(-3 * DAY),
          salesCloseAt: at(-2 * DAY),
          startsAt: at(-DAY),
        });
        for (const performance of [tieB, startsNow, opensLate, past, tieA]) await performances.add(performance);

        const page = await performances.listUpcoming(now, 1, 10);

        expect(page.items.map((item) => item.id)).toEqual(['p-3', 'p-1', 'p-2']);
        expect(page).toMatchObject({ page: 1, size: 10, total: 3 });
      });

      it('pages through the list and counts them all', async () => {
        for (let i = 1; i <= 5; i++) await performances.add(aPerformance({ id: `p-${i}`, salesOpenAt: at(-i * HOUR) }));

        const second = await performances.listUpcoming(T0, 2, 2);
        const beyond = await performances.listUpcoming(T0, 4, 2);

        expect(second.items.map((item) => item.id)).toEqual(['p-3', 'p-4']);
        expect(second).toMatchObject({ page: 2, size: 2, total: 5 });
        expect(beyond).toEqual({ items: [], page: 4, size: 2, total: 5 });
      });

      it('summarizes each performance with its seat count and lowest price', async () => {
        const performance = aPerformance({
          title: 'Summer Night',
          venue: 'Olympic Hall',
          startsAt: at(10 * DAY + 7),
          salesOpenAt: at(-HOUR + 5),
          salesCloseAt: at(9 * DAY + 6),
          grades: [
            { name: 'VIP', price: Money.of(200_000, 'KRW') },
            { name: 'R', price: Money.of(90_000, 'KRW') },
            { name: 'S', price: Money.of(130_000, 'KRW') },
          ],
          sections: [
            { name: 'A', grade: 'VIP', rows: 2, seatsPerRow: 3 },
            { name: 'B', grade: 'R', rows: 4, seatsPerRow: 5 },
            { name: 'C', grade: 'S', rows: 1, seatsPerRow: 7 },
          ],
        });
        await performances.add(performance);
        await performances.add(
          aPerformance({ salesOpenAt: at(-2 * HOUR), sections: [{ name: 'A', grade: 'R', rows: 1, seatsPerRow: 1 }] }),
        );

        const page = await performances.listUpcoming(T0, 1, 10);

        expect(page.items[0]).toEqual({
          id: performance.id,
          title: 'Summer Night',
          venue: 'Olympic Hall',
          startsAt: at(10 * DAY + 7),
          salesOpenAt: at(-HOUR + 5),
          salesCloseAt: at(9 * DAY + 6),
          seatCount: 6 + 20 + 7,
          lowestPrice: Money.of(90_000, 'KRW'),
        });
        expect(page.items[1]).toMatchObject({ seatCount: 1, lowestPrice: Money.of(120_000, 'KRW') });
      });

      it('answers an empty page when nothing is upcoming', async () => {
        expect(await performances.listUpcoming(T0, 1, 20)).toEqual({ items: [], page: 1, size: 20, total: 0 });
      });
    });
  });
}
