import { NewPerformance, Performance } from '../../src/domain/performance/performance';
import { Money } from '../../src/domain/shared/money';

export const T0 = new Date('2030-01-01T00:00:00Z');
const HOUR = 3_600_000;

let sequence = 0;
/** Ids that are unique within a test run and readable in failure messages. */
export const nextTestId = (prefix = 'id'): string => `${prefix}-${++sequence}`;

/** A small hall on sale at T0: section A (VIP, 2×5) and B (R, 3×5). */
export function aNewPerformance(overrides: Partial<NewPerformance> = {}): NewPerformance {
  return {
    title: 'Test Concert',
    venue: 'Test Hall',
    startsAt: new Date(T0.getTime() + 30 * 24 * HOUR),
    salesOpenAt: new Date(T0.getTime() - HOUR),
    salesCloseAt: new Date(T0.getTime() + 29 * 24 * HOUR),
    grades: [
      { name: 'VIP', price: Money.of(150_000, 'KRW') },
      { name: 'R', price: Money.of(120_000, 'KRW') },
    ],
    sections: [
      { name: 'A', grade: 'VIP', rows: 2, seatsPerRow: 5 },
      { name: 'B', grade: 'R', rows: 3, seatsPerRow: 5 },
    ],
    ...overrides,
  };
}

export function aPerformanceOnSale(overrides: Partial<NewPerformance> = {}): Performance {
  return Performance.create(nextTestId('perf'), aNewPerformance(overrides), T0, () => nextTestId('seat'));
}
