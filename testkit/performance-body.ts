import { DAY, HOUR } from './time';

/** The body of POST /api/v1/performances. */
export interface PerformanceBody {
  title: string;
  venue: string;
  startsAt: string;
  salesOpenAt: string;
  salesCloseAt: string;
  currency?: string;
  grades: { name: string; price: number }[];
  sections: { name: string; grade: string; rows: number; seatsPerRow: number }[];
  /** Sold through a waiting room; none by default. */
  waitingRoom?: { admitPerMinute: number; admissionSeconds?: number };
}

/**
 * A valid performance on sale at `now`: sales opened an hour ago and close a day before the
 * show, in 30 days; section A (VIP, 2×5) and B (R, 2×5). Any field can be overridden.
 */
export function performanceBody(now: Date | number, overrides: Partial<PerformanceBody> = {}): PerformanceBody {
  const at = (offsetMs: number) => new Date(new Date(now).getTime() + offsetMs).toISOString();
  return {
    title: 'Spring Symphony',
    venue: 'Test Hall',
    startsAt: at(30 * DAY),
    salesOpenAt: at(-HOUR),
    salesCloseAt: at(29 * DAY),
    grades: [
      { name: 'VIP', price: 150_000 },
      { name: 'R', price: 120_000 },
    ],
    sections: [
      { name: 'A', grade: 'VIP', rows: 2, seatsPerRow: 5 },
      { name: 'B', grade: 'R', rows: 2, seatsPerRow: 5 },
    ],
    ...overrides,
  };
}

export interface HallOptions {
  readonly rows: number;
  readonly seatsPerRow: number;
  readonly title?: string;
}

/** A hall for races: one section of `rows × seatsPerRow` seats of one grade, on sale at `now`. */
export function hallBody(
  now: Date | number,
  { rows, seatsPerRow, title = 'Race Night' }: HallOptions,
): PerformanceBody {
  return performanceBody(now, {
    title,
    venue: 'Test Arena',
    grades: [{ name: 'R', price: 120_000 }],
    sections: [{ name: 'A', grade: 'R', rows, seatsPerRow }],
  });
}
