import {
  chooseBestBlock,
  SeatingAreaFilter,
  SeatingPlan,
  UnknownSeatingAreaError,
} from '../../../src/domain/catalog/seating-plan';
import { Section } from '../../../src/domain/catalog/performance';
import { Money } from '../../../src/domain/shared/money';
import { aPerformance } from '../../support/builders';

/** A hall of these sections (grades VIP and R), its seats known by label ("A-1-3"). */
function hall(...sections: Section[]) {
  const performance = aPerformance({
    grades: [
      { name: 'VIP', price: Money.of(150_000, 'KRW') },
      { name: 'R', price: Money.of(120_000, 'KRW') },
    ],
    sections,
  });
  const seats = performance.toSnapshot().seats;
  const idOf = new Map(seats.map((seat) => [seat.label, seat.id]));
  const labelOf = new Map(seats.map((seat) => [seat.id, seat.label]));
  const plan = SeatingPlan.of(performance.toSnapshot());
  return {
    /** The labels of the block chosen with these seats taken, or the largest block left. */
    choose(quantity: number, taken: readonly string[] = [], filter: SeatingAreaFilter = {}) {
      const takenIds = new Set(taken.map((label) => idOf.get(label)!));
      const choice = chooseBestBlock(plan.area(filter), quantity, (seatId) => takenIds.has(seatId));
      return 'block' in choice ? choice.block.seatIds.map((id) => labelOf.get(id)) : choice;
    },
    plan,
  };
}

const section = (name: string, rows: number, seatsPerRow: number, grade = 'R'): Section => ({
  name,
  grade,
  rows,
  seatsPerRow,
});

/** Every seat of a row, e.g. row('A', 1, 5) = A-1-1 … A-1-5. */
const row = (name: string, rowNo: number, seats: number) =>
  Array.from({ length: seats }, (_, index) => `${name}-${rowNo}-${index + 1}`);

describe('the best-available rule', () => {
  it('takes the middle of the front row of an empty hall', () => {
    const { choose } = hall(section('A', 3, 10));
    expect(choose(2)).toEqual(['A-1-5', 'A-1-6']);
    expect(choose(4)).toEqual(['A-1-4', 'A-1-5', 'A-1-6', 'A-1-7']);
  });

  it('prefers the lower row to the centre: an edge block in row 1 beats the middle of row 2', () => {
    const { choose } = hall(section('A', 2, 8));
    // Row 1 keeps only seats 1–3 free; row 2 is empty.
    expect(choose(3, ['A-1-4', 'A-1-5', 'A-1-6', 'A-1-7', 'A-1-8'])).toEqual(['A-1-1', 'A-1-2', 'A-1-3']);
  });

  it('leaves no single empty seat beside a taken seat when a block elsewhere avoids it', () => {
    const { choose } = hall(section('A', 2, 5));
    // Row 1: 1 2 [3 taken] 4 5. One seat anywhere in it would leave its neighbour alone.
    expect(choose(1, ['A-1-3'])).toEqual(['A-2-3']);
    // Two seats fill one side exactly: no orphan, so row 1 wins again.
    expect(choose(2, ['A-1-3'])).toEqual(['A-1-1', 'A-1-2']);
  });

  it('leaves no single empty seat at a row end either', () => {
    const { choose } = hall(section('A', 1, 5), section('B', 1, 4));
    // Four of A's five seats leave seat 1 or 5 alone; B's row of four fits exactly.
    expect(choose(4)).toEqual(['B-1-1', 'B-1-2', 'B-1-3', 'B-1-4']);
  });

  it('leaves an orphan when every block would, choosing by row and centre among them', () => {
    const { choose } = hall(section('A', 2, 5));
    const taken = ['A-1-3', 'A-2-3'];
    // Every single seat leaves its neighbour alone: the front row, nearest the centre, lowest number.
    expect(choose(1, taken)).toEqual(['A-1-2']);
  });

  it('breaks a tie of distance to the centre by the lowest seat number', () => {
    const { choose } = hall(section('A', 1, 6));
    expect(choose(1)).toEqual(['A-1-3']);
    expect(choose(1, ['A-1-3'])).toEqual(['A-1-4']);
  });

  it('breaks a tie between sections by the order they were created in', () => {
    const { choose } = hall(section('B', 1, 5), section('A', 1, 5));
    expect(choose(1)).toEqual(['B-1-3']);
    expect(choose(1, ['B-1-3'])).toEqual(['A-1-3']);
  });

  it('compares row numbers across sections before section order', () => {
    const { choose } = hall(section('A', 2, 5), section('B', 2, 5));
    expect(choose(5, row('A', 1, 5))).toEqual(row('B', 1, 5));
  });

  it('keeps to the grade and the section asked for', () => {
    const { choose } = hall(section('A', 1, 5, 'VIP'), section('B', 1, 5), section('C', 1, 5));
    expect(choose(1, [], { grade: 'R' })).toEqual(['B-1-3']);
    expect(choose(1, [], { section: 'C' })).toEqual(['C-1-3']);
    expect(choose(1, [], { grade: 'R', section: 'C' })).toEqual(['C-1-3']);
    // A VIP section asked for as R has no row to offer.
    expect(choose(1, [], { grade: 'R', section: 'A' })).toEqual({ largestBlock: 0 });
  });

  it('answers the largest block of adjacent free seats left when no block fits', () => {
    const { choose } = hall(section('A', 2, 5));
    const taken = ['A-1-3', 'A-2-1', 'A-2-5'];
    expect(choose(4, taken)).toEqual({ largestBlock: 3 });
    expect(choose(1, [...row('A', 1, 5), ...row('A', 2, 5)])).toEqual({ largestBlock: 0 });
  });

  it('refuses a grade or section the performance does not have, naming the field', () => {
    const { plan } = hall(section('A', 1, 5));
    expect(() => plan.area({ grade: 'Gold' })).toThrow(UnknownSeatingAreaError);
    expect(() => plan.area({ section: 'Z' })).toThrow(expect.objectContaining({ field: 'section' }));
    expect(() => plan.area({ grade: 'Gold' })).toThrow(expect.objectContaining({ field: 'grade' }));
  });

  it('numbers every seat of the hall by position: section order, row, number', () => {
    const { plan } = hall(section('B', 2, 3), section('A', 1, 2));
    const rows = plan.area({});
    expect(rows.map((each) => [each.section, each.row, each.firstPosition])).toEqual([
      ['B', 1, 0],
      ['A', 1, 6],
      ['B', 2, 3],
    ]);
    expect(plan.seatIds).toHaveLength(8);
  });
});
