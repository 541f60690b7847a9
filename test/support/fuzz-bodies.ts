import fc from 'fast-check';
import { DAY, HOUR, MINUTE } from '../../testkit/time';
import { boundaryString, Fields, nastyNumber, nastyString, rawNumber } from './fuzz-arbitraries';

/** ISO date-times at the edges of what parses, what JavaScript holds and what a DATETIME column holds. */
export const ODD_DATE_TIMES = [
  '0000-01-01T00:00:00Z',
  '0001-01-01T00:00:00.000Z',
  '0999-12-31T23:59:59Z',
  '1000-01-01T00:00:00Z',
  '1969-12-31T23:59:59Z',
  '1970-01-01T00:00:00Z',
  '2038-01-19T03:14:08Z',
  '9999-12-31T23:59:59.999Z',
  '9999-12-31T23:59:59-23:59',
  '9999-12-31T20:00:00-12:00',
  '2032-02-29T00:00:00Z',
  '2030-02-29T00:00:00Z',
  '2030-01-01T23:59:60Z',
  '2030-01-01T24:00:00Z',
  '2030-01-01',
  '2030-01-01T00:00:00',
  '2030-01-01T00:00:00.123456789+09:00',
  '2030-01-01 00:00:00Z',
  '20300101T000000Z',
  'now',
  'tomorrow',
  '1893456000000',
] as const;

export const oddDateTime: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...ODD_DATE_TIMES) },
  { weight: 1, arbitrary: fc.date({ noInvalidDate: true }).map((date) => date.toISOString()) },
  { weight: 1, arbitrary: nastyString(30) },
  { weight: 1, arbitrary: nastyNumber },
);

/** Grade and section names that collide under some collation, trim or case rule, or break a label. */
const ODD_NAMES = [
  'VIP',
  'VIP ',
  ' VIP',
  'vip',
  'Vip',
  'VIP\u0000',
  'VİP',
  'A',
  'A ',
  'a',
  'A-1',
  'Ａ',
  'A\t',
  '🎵',
  '',
] as const;

const oddName = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...ODD_NAMES) },
  { weight: 2, arbitrary: nastyString(60) },
  { weight: 1, arbitrary: boundaryString },
);

const oddCount = fc.oneof(
  { weight: 2, arbitrary: nastyNumber },
  { weight: 1, arbitrary: rawNumber },
  { weight: 1, arbitrary: fc.constantFrom('3', null, true, [2]) },
);
const oddPrice = fc.oneof(
  { weight: 2, arbitrary: nastyNumber },
  { weight: 1, arbitrary: rawNumber },
  { weight: 1, arbitrary: fc.constantFrom(Number.MAX_SAFE_INTEGER, 2 ** 53 - 2, '150000', null) },
);

/**
 * Bodies of POST /performances around `nowMs`: `valid` ones (a small hall on sale now), and
 * per field the hostile values that replace it: names that collide only in a database,
 * halls at and past the layout limits, prices past 2^53, dates past year 9999.
 */
export function performanceBodies(nowMs: number, title = 'Fuzz Night') {
  const valid = fc
    .record({
      open: fc.integer({ min: -2 * DAY, max: -MINUTE }),
      // At least two days and an hour, so every valid performance starts an hour or more from now
      // (one starting during the run would drop out of the listing and look like a change).
      sale: fc.integer({ min: 2 * DAY + HOUR, max: 20 * DAY }),
      gap: fc.integer({ min: 0, max: 5 * DAY }),
      grades: fc.uniqueArray(fc.constantFrom('VIP', 'R', 'S', 'A+'), { minLength: 1, maxLength: 3 }),
      price: fc.integer({ min: 0, max: 300_000 }),
      rows: fc.integer({ min: 1, max: 3 }),
      seatsPerRow: fc.integer({ min: 1, max: 5 }),
      currency: fc.constantFrom('KRW', 'USD', 'JPY'),
    })
    .map(({ open, sale, gap, grades, price, rows, seatsPerRow, currency }) => {
      const salesOpenAt = nowMs + open;
      return {
        title,
        venue: 'Fuzz Hall',
        startsAt: new Date(salesOpenAt + sale + gap).toISOString(),
        salesOpenAt: new Date(salesOpenAt).toISOString(),
        salesCloseAt: new Date(salesOpenAt + sale).toISOString(),
        currency,
        grades: grades.map((name, index) => ({ name, price: price + index })),
        sections: grades.map((grade, index) => ({ name: String.fromCharCode(65 + index), grade, rows, seatsPerRow })),
      } as Record<string, unknown>;
    });

  const grade = fc.record(
    { name: oddName, price: fc.oneof(fc.integer({ min: 0, max: 300_000 }), oddPrice) },
    { requiredKeys: ['name'] },
  );
  const section = fc.record(
    {
      name: oddName,
      grade: fc.oneof(fc.constantFrom('VIP', 'R'), oddName),
      rows: fc.oneof(fc.integer({ min: 1, max: 3 }), oddCount),
      seatsPerRow: fc.oneof(fc.integer({ min: 1, max: 3 }), oddCount),
    },
    { requiredKeys: ['name', 'grade', 'rows'] },
  );
  const replacements: Record<string, fc.Arbitrary<unknown>> = {
    title: fc.oneof(nastyString(), boundaryString),
    venue: fc.oneof(nastyString(), boundaryString),
    startsAt: oddDateTime,
    salesOpenAt: oddDateTime,
    salesCloseAt: oddDateTime,
    currency: fc.oneof(fc.constantFrom('krw', 'KR', 'KRWW', '€€€', '123', ''), nastyString(5)),
    grades: fc.oneof(
      fc.array(grade, { maxLength: 4 }),
      fc.constant(Array.from({ length: 51 }, (_, index) => ({ name: `G${index}`, price: index }))),
    ),
    sections: fc.array(section, { maxLength: 4 }),
    // Grades and sections together, so the layout passes the domain's rules and reaches the store.
    layout: fc.oneof(
      // Two grades the domain tells apart but a collation, a trim or a case rule might not.
      fc.tuple(fc.constantFrom(...ODD_NAMES), fc.constantFrom(...ODD_NAMES)).map(
        ([name, other]) =>
          new Fields({
            grades: [
              { name, price: 1000 },
              { name: other, price: 2000 },
            ],
            sections: [
              { name: 'A', grade: name, rows: 1, seatsPerRow: 2 },
              { name: 'B', grade: other, rows: 1, seatsPerRow: 2 },
            ],
          }),
      ),
      // Two sections likewise, whose seat labels ("A-1-1", "A -1-1") may collide too.
      fc.tuple(fc.constantFrom(...ODD_NAMES), fc.constantFrom(...ODD_NAMES)).map(
        ([name, other]) =>
          new Fields({
            grades: [{ name: 'VIP', price: 1000 }],
            sections: [
              { name, grade: 'VIP', rows: 1, seatsPerRow: 2 },
              { name: other, grade: 'VIP', rows: 1, seatsPerRow: 2 },
            ],
          }),
      ),
      // The layout limits: one row or seat past them, two halls of 200 × 200 (past 50,000 seats).
      // (A whole 40,000-seat hall takes seconds to store; the MariaDB suite creates one on purpose.)
      fc
        .constantFrom(
          [{ name: 'A', grade: 'VIP', rows: 201, seatsPerRow: 1 }],
          [{ name: 'A', grade: 'VIP', rows: 1, seatsPerRow: 201 }],
          [
            { name: 'A', grade: 'VIP', rows: 200, seatsPerRow: 200 },
            { name: 'B', grade: 'VIP', rows: 200, seatsPerRow: 200 },
          ],
          [{ name: 'x'.repeat(50), grade: 'VIP', rows: 200, seatsPerRow: 1 }],
          [{ name: '🎵'.repeat(25), grade: 'VIP', rows: 2, seatsPerRow: 2 }],
          [{ name: '\u0000', grade: 'VIP', rows: 2, seatsPerRow: 2 }],
        )
        .map((sections) => new Fields({ grades: [{ name: 'VIP', price: 1000 }], sections })),
      // Prices at 2^53 - 1: one seat is fine, a reservation of two adds past what a double holds exactly.
      fc.constantFrom(Number.MAX_SAFE_INTEGER, 2 ** 53 - 2, 2 ** 52).map(
        (price) =>
          new Fields({
            grades: [{ name: 'VIP', price }],
            sections: [{ name: 'A', grade: 'VIP', rows: 1, seatsPerRow: 4 }],
          }),
      ),
    ),
  };
  const { layout: _layout, ...fields } = replacements;
  /** valid bodies; per key, what replaces it in an otherwise valid body; per field, wild values. */
  return { valid, replacements, fields };
}
