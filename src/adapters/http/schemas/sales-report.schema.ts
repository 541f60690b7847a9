import { LAYOUT_LIMITS } from '../../../domain/catalog/performance';
import { MAX_GRADES, NAME_MAX_LENGTH, TITLE_MAX_LENGTH } from './performance.schema';
import { PLAIN_TEXT, currencyCode, int32, isoInstant, minorUnits, uuid, z } from './zod';

const seatCount = (description: string) => int32(0, LAYOUT_LIMITS.maxSeats).openapi({ description });

const salesFigures = {
  seats: seatCount('Every seat of the grade (of the hall, in the totals)'),
  sold: seatCount('Seats of CONFIRMED reservations'),
  held: seatCount('Seats of PENDING reservations whose hold has not run out (overdue holds count as available)'),
  available: seatCount('Neither sold nor held: seats − sold − held'),
  revenue: minorUnits().openapi({
    description: "Sum of the sold seats' prices as they were held, in the currency's smallest unit",
  }),
  currency: currencyCode(),
};

export const SalesReportSchema = z
  .object({
    performanceId: uuid(),
    title: z.string().max(TITLE_MAX_LENGTH).openapi({ description: 'The performance title' }),
    asOf: isoInstant().openapi({ description: 'The instant the counts are of' }),
    grades: z
      .array(
        z
          .object({
            grade: z
              .string()
              .min(1)
              .max(NAME_MAX_LENGTH)
              .openapi({ pattern: PLAIN_TEXT, description: 'The grade name' }),
            ...salesFigures,
          })
          .openapi('GradeSales', { description: 'What sold, is held and is left of one grade' }),
      )
      .max(MAX_GRADES)
      .openapi({ description: 'Every grade of the performance, in the order of its creation, sold or not' }),
    totals: z.object(salesFigures).openapi('SalesTotals', { description: 'The sums over every grade' }),
  })
  .openapi('SalesReport', {
    description: 'Sales of one performance per grade, as of now, with totals',
  });

export type SalesReportJson = z.infer<typeof SalesReportSchema>;

/** Header line, one line per grade, a totals line; each at most a grade name and seven numbers long. */
const CSV_MAX_LENGTH = (MAX_GRADES + 2) * (2 * NAME_MAX_LENGTH + 8 * 20);

export const SalesReportCsvSchema = z
  .string()
  .max(CSV_MAX_LENGTH)
  .openapi('SalesReportCsv', {
    description:
      'RFC 4180 CSV (CRLF line ends, fields with a comma, quote or line break quoted, quotes doubled): the header ' +
      '`scope,grade,seats,sold,held,available,revenue,currency`, one `grade` line per grade, then one `total` line ' +
      '(grade empty). A grade name starting with =, +, -, @, tab or carriage return is prefixed with an apostrophe ' +
      'so that spreadsheets do not run it as a formula.',
    example:
      'scope,grade,seats,sold,held,available,revenue,currency\r\ngrade,VIP,100,10,2,88,1500000,KRW\r\n' +
      'grade,R,200,0,4,196,0,KRW\r\ntotal,,300,10,6,284,1500000,KRW\r\n',
  });
