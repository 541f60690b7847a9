import { ValidationError } from '../shared/domain-error';
import type { PerformanceSnapshot } from './performance';

/**
 * One row of a hall as best-available sees it: its seats by number (seatIds[0] is seat 1),
 * where it sits in the hall's layout, and what orders it against other rows.
 */
export interface SeatRow {
  readonly section: string;
  /** The section's place in the order the performance created its sections, from 0. */
  readonly sectionOrder: number;
  /** Row number within the section, from 1 (row 1 is nearest the stage). */
  readonly row: number;
  /** Position of seat 1 in the hall layout (seats counted by section order, row, number, from 0). */
  readonly firstPosition: number;
  readonly seatIds: readonly string[];
}

/** Where a best-available request may look: a grade, a section, both, or the whole hall. */
export interface SeatingAreaFilter {
  readonly grade?: string | undefined;
  readonly section?: string | undefined;
}

/** A grade or section the performance does not have: the request names a field wrongly. */
export class UnknownSeatingAreaError extends ValidationError {
  constructor(
    readonly field: 'grade' | 'section',
    readonly value: string,
  ) {
    super(`This performance has no ${field} named "${value}"`, { field });
  }
}

/**
 * The hall as rows of adjacent seats, built once per performance: every seat has a position
 * (section order as created, then row, then number), the same on every instance, so a store
 * can keep one bit per seat.
 */
export class SeatingPlan {
  private constructor(
    /** Seat ids by position. */
    readonly seatIds: readonly string[],
    private readonly rows: readonly SeatRow[],
    private readonly grades: ReadonlySet<string>,
    private readonly sectionGrades: ReadonlyMap<string, string>,
  ) {}

  #positions: ReadonlyMap<string, number> | undefined;

  /** The seat's position in the layout (undefined: not a seat of this hall). */
  positionOf(seatId: string): number | undefined {
    this.#positions ??= new Map(this.seatIds.map((id, position) => [id, position]));
    return this.#positions.get(seatId);
  }

  static of(performance: PerformanceSnapshot): SeatingPlan {
    const seatIdAt = new Map(performance.seats.map((seat) => [`${seat.section}/${seat.row}/${seat.number}`, seat.id]));
    const seatIds: string[] = [];
    const rows: SeatRow[] = [];
    performance.sections.forEach((section, sectionOrder) => {
      for (let row = 1; row <= section.rows; row++) {
        const ids: string[] = [];
        for (let number = 1; number <= section.seatsPerRow; number++) {
          ids.push(seatIdAt.get(`${section.name}/${row}/${number}`)!);
        }
        rows.push({ section: section.name, sectionOrder, row, firstPosition: seatIds.length, seatIds: ids });
        seatIds.push(...ids);
      }
    });
    return new SeatingPlan(
      seatIds,
      rows,
      new Set(performance.grades.map((grade) => grade.name)),
      new Map(performance.sections.map((section) => [section.name, section.grade])),
    );
  }

  /**
   * The rows a request may take seats from, in the order the rule reads them: row number
   * first (nearest the stage), then section order. A section of another grade than the one
   * asked for leaves no row.
   */
  area(filter: SeatingAreaFilter): SeatRow[] {
    if (filter.grade !== undefined && !this.grades.has(filter.grade))
      throw new UnknownSeatingAreaError('grade', filter.grade);
    if (filter.section !== undefined && !this.sectionGrades.has(filter.section))
      throw new UnknownSeatingAreaError('section', filter.section);
    return this.rows
      .filter(
        (row) =>
          (filter.section === undefined || row.section === filter.section) &&
          (filter.grade === undefined || this.sectionGrades.get(row.section) === filter.grade),
      )
      .sort((a, b) => a.row - b.row || a.sectionOrder - b.sectionOrder);
  }
}

/** n adjacent seats of one row: seats firstNumber … firstNumber + n − 1. */
export interface SeatBlock {
  readonly row: SeatRow;
  readonly firstNumber: number;
  readonly seatIds: readonly string[];
}

export type BlockChoice = { readonly block: SeatBlock } | { readonly largestBlock: number };

interface Candidate {
  readonly row: SeatRow;
  /** Index in row.seatIds of the block's first seat. */
  readonly first: number;
  readonly orphan: boolean;
  /** Twice the distance from the block's centre to the row's centre. */
  readonly distance: number;
}

/** Lower is better: the rule's order of preference, as a comparison. */
function better(a: Candidate, b: Candidate): boolean {
  if (a.orphan !== b.orphan) return !a.orphan;
  if (a.row.row !== b.row.row) return a.row.row < b.row.row;
  if (a.distance !== b.distance) return a.distance < b.distance;
  if (a.row.sectionOrder !== b.row.sectionOrder) return a.row.sectionOrder < b.row.sectionOrder;
  return a.first < b.first;
}

/**
 * The best-available rule: of every block of `quantity` free adjacent seats in `rows`, the one
 * that, in this order of preference,
 * 1. leaves no orphan: no single empty seat between the block and a taken seat or a row end
 *    (when some block avoids it),
 * 2. is in the lowest row number,
 * 3. has its centre nearest the row's centre,
 * 4. then comes first by section order, then by lowest seat number.
 * Deterministic for a given hall state. No block: the largest run of free adjacent seats.
 * `rows` must come in area() order; the Redis script restates this function, and the
 * best-available contract tests hold the two to the same choices.
 */
export function chooseBestBlock(
  rows: readonly SeatRow[],
  quantity: number,
  isTaken: (seatId: string, position: number) => boolean,
): BlockChoice {
  let best: Candidate | undefined;
  let largestBlock = 0;
  for (const row of rows) {
    // Rows come by row number: nothing further back beats a block that leaves no orphan.
    if (best && !best.orphan && row.row > best.row.row) break;
    const length = row.seatIds.length;
    const taken = (index: number) => isTaken(row.seatIds[index]!, row.firstPosition + index);
    let start = 0;
    while (start < length) {
      if (taken(start)) {
        start++;
        continue;
      }
      let end = start;
      while (end + 1 < length && !taken(end + 1)) end++;
      largestBlock = Math.max(largestBlock, end - start + 1);
      for (let first = start; first + quantity - 1 <= end; first++) {
        const last = first + quantity - 1;
        const candidate = {
          row,
          first,
          orphan: first - start === 1 || end - last === 1,
          distance: Math.abs(first + last - (length - 1)),
        };
        if (!best || better(candidate, best)) best = candidate;
      }
      start = end + 1;
    }
  }
  if (!best) return { largestBlock };
  return {
    block: {
      row: best.row,
      firstNumber: best.first + 1,
      seatIds: best.row.seatIds.slice(best.first, best.first + quantity),
    },
  };
}
