import { InvalidPerformanceError } from '../../../src/domain/catalog/performance.errors';
import { Performance } from '../../../src/domain/catalog/performance';
import { Money } from '../../../src/domain/shared/money';
import { randomUUID } from 'node:crypto';
import { aNewPerformance, aPerformance, T0 } from '../../support/builders';

describe('Performance', () => {
  it('lays out every section row by row with stable ids and section-row-number labels', () => {
    const performance = aPerformance();
    const seats = performance.toSnapshot().seats;

    expect(performance.seatCount).toBe(2 * 5 + 3 * 5);
    expect(seats[0]).toMatchObject({ label: 'A-1-1', section: 'A', row: 1, number: 1, grade: 'VIP' });
    expect(seats[5]).toMatchObject({ label: 'A-2-1', row: 2, number: 1 });
    expect(seats.at(-1)).toMatchObject({ label: 'B-3-5', grade: 'R' });
    expect(new Set(seats.map((seat) => seat.id)).size).toBe(seats.length);
    expect(performance.pullEvents()).toEqual([
      expect.objectContaining({ type: 'PerformanceCreated', performanceId: performance.id, seatCount: 25 }),
    ]);
  });

  it.each([
    ['a blank title', { title: '  ' }],
    ['sales that close before they open', { salesOpenAt: new Date(T0.getTime() + 10), salesCloseAt: T0 }],
    [
      'sales that close after the show starts',
      { startsAt: T0, salesOpenAt: new Date(T0.getTime() - 20), salesCloseAt: new Date(T0.getTime() + 10) },
    ],
    ['no grades', { grades: [] }],
    ['a section with an unknown grade', { sections: [{ name: 'Z', grade: 'GOLD', rows: 1, seatsPerRow: 1 }] }],
    [
      'a grade defined twice',
      {
        grades: [
          { name: 'R', price: Money.of(1, 'KRW') },
          { name: 'R', price: Money.of(2, 'KRW') },
        ],
      },
    ],
    [
      'grades in two currencies',
      {
        grades: [
          { name: 'VIP', price: Money.of(1, 'KRW') },
          { name: 'R', price: Money.of(2, 'USD') },
        ],
      },
    ],
    [
      'a section defined twice',
      {
        sections: [
          { name: 'A', grade: 'VIP', rows: 1, seatsPerRow: 1 },
          { name: 'A', grade: 'R', rows: 1, seatsPerRow: 1 },
        ],
      },
    ],
    ['zero rows', { sections: [{ name: 'A', grade: 'VIP', rows: 0, seatsPerRow: 1 }] }],
    ['fractional seats per row', { sections: [{ name: 'A', grade: 'VIP', rows: 1, seatsPerRow: 1.5 }] }],
    [
      'a hall larger than any venue',
      {
        sections: [
          { name: 'A', grade: 'VIP', rows: 200, seatsPerRow: 200 },
          { name: 'B', grade: 'R', rows: 200, seatsPerRow: 200 },
        ],
      },
    ],
    ['a section name with the label separator', { sections: [{ name: 'A-1', grade: 'VIP', rows: 1, seatsPerRow: 1 }] }],
    ['a waiting room admitting nobody', { waitingRoom: { admitPerMinute: 0, admissionSeconds: 600 } }],
    ['a waiting room admitting fractions', { waitingRoom: { admitPerMinute: 2.5, admissionSeconds: 600 } }],
    ['an admission shorter than 10 s', { waitingRoom: { admitPerMinute: 60, admissionSeconds: 9 } }],
    ['an admission longer than a day', { waitingRoom: { admitPerMinute: 60, admissionSeconds: 86_401 } }],
  ])('refuses %s', (_case, overrides) => {
    expect(() => Performance.create('p', aNewPerformance(overrides), T0, () => randomUUID())).toThrow(
      InvalidPerformanceError,
    );
  });

  it('keeps its waiting room, or none', () => {
    const room = { admitPerMinute: 1, admissionSeconds: 10 };
    expect(aPerformance({ waitingRoom: room }).waitingRoom).toEqual(room);
    expect(aPerformance().waitingRoom).toBeNull();
  });

  describe('selecting seats for a hold', () => {
    const performance = aPerformance();
    const [first, second] = performance.toSnapshot().seats;

    it('prices each seat from its grade', () => {
      const seats = performance.selectSeatsForHold([first!.id, second!.id], T0, 4);
      expect(seats.map((seat) => [seat.label, seat.price.amount])).toEqual([
        ['A-1-1', 150_000],
        ['A-1-2', 150_000],
      ]);
    });

    it('refuses outside the sales window, with the window in the error', () => {
      const beforeOpening = new Date(T0.getTime() - 2 * 3_600_000);
      expect(() => performance.selectSeatsForHold([first!.id], beforeOpening, 4)).toThrow(
        expect.objectContaining({ code: 'SALES_CLOSED' }),
      );
      const atClosing = performance.toSnapshot().salesCloseAt;
      expect(() => performance.selectSeatsForHold([first!.id], atClosing, 4)).toThrow(
        expect.objectContaining({ code: 'SALES_CLOSED' }),
      );
    });

    it('refuses more seats than the policy allows, and none at all', () => {
      const five = performance
        .toSnapshot()
        .seats.slice(0, 5)
        .map((seat) => seat.id);
      expect(() => performance.selectSeatsForHold(five, T0, 4)).toThrow(
        expect.objectContaining({ code: 'TOO_MANY_SEATS' }),
      );
      expect(() => performance.selectSeatsForHold([], T0, 4)).toThrow(
        expect.objectContaining({ code: 'TOO_MANY_SEATS' }),
      );
    });

    it('refuses a seat named twice and seats of another hall', () => {
      expect(() => performance.selectSeatsForHold([first!.id, first!.id], T0, 4)).toThrow(
        expect.objectContaining({ code: 'DUPLICATE_SEATS', details: { seatIds: [first!.id] } }),
      );
      const elsewhere = aPerformance().toSnapshot().seats[0]!.id;
      expect(() => performance.selectSeatsForHold([first!.id, elsewhere], T0, 4)).toThrow(
        expect.objectContaining({ code: 'SEAT_NOT_FOUND' }),
      );
    });
  });
});
