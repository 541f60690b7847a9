import { LAYOUT_LIMITS, WAITING_ROOM_LIMITS } from '../../../domain/catalog/performance';
import {
  NOT_BLANK,
  PLAIN_TEXT,
  currencyCode,
  int32,
  isoDateTime,
  isoInstant,
  minorUnits,
  pageQuery,
  uuid,
  z,
} from './zod';

// Sizes past the schema's bounds are 400 VALIDATION_FAILED; the layout rules of the domain
// (blank or padded names, rows and seats per row, seats per hall, dates) are 422
// INVALID_PERFORMANCE. The document states both.
export const TITLE_MAX_LENGTH = 200;
export const NAME_MAX_LENGTH = 50;
export const MAX_GRADES = 50;
const MAX_SECTIONS = 200;
/** Grade and section names: no surrounding white space; a section name has no "-" (it separates label parts). */
const SECTION_NAME = '^[^\\s-](?:[^-]*[^\\s-])?$';
/** "<section>-<row>-<number>". */
/** Section name, row and number: `A-3-12`. */
export const SEAT_LABEL_MAX_LENGTH = NAME_MAX_LENGTH + 2 * (1 + String(LAYOUT_LIMITS.maxRows).length);
export const seatLabel = () =>
  z
    .string()
    .max(SEAT_LABEL_MAX_LENGTH)
    .openapi({ pattern: '^[^-]+-[0-9]+-[0-9]+$', example: 'A-3-12', description: 'Section-row-number' });

const title = (example: string, what: string) =>
  z
    .string()
    .max(TITLE_MAX_LENGTH)
    .openapi({ pattern: NOT_BLANK, example, description: `The ${what}; not blank` });
const gradeName = () =>
  z
    .string()
    .max(NAME_MAX_LENGTH)
    .openapi({ minLength: 1, pattern: PLAIN_TEXT, example: 'VIP', description: 'A grade name: no surrounding spaces' });
const sectionName = () =>
  z.string().max(NAME_MAX_LENGTH).openapi({
    minLength: 1,
    pattern: SECTION_NAME,
    example: 'A',
    description: 'A section name: no surrounding spaces and no "-"',
  });

const admitPerMinute = () =>
  int32(1, WAITING_ROOM_LIMITS.maxAdmitPerMinute).openapi({
    example: 600,
    description: 'Members admitted per minute, across all instances together, in queue order',
  });
const admissionSeconds = () =>
  int32(WAITING_ROOM_LIMITS.minAdmissionSeconds, WAITING_ROOM_LIMITS.maxAdmissionSeconds).openapi({
    example: WAITING_ROOM_LIMITS.defaultAdmissionSeconds,
    description: 'How long an admission lets its member hold seats',
  });

export const WaitingRoomSchema = z
  .object({ admitPerMinute: admitPerMinute(), admissionSeconds: admissionSeconds() })
  .openapi('WaitingRoom', {
    description: 'Holds need an Admission-Token from the queue (POST …/queue, GET …/queue/me)',
  });

export const CreatePerformanceBody = z
  .strictObject({
    title: title('Spring Symphony', 'title'),
    venue: title('Seoul Arts Center', 'venue'),
    startsAt: isoDateTime(),
    salesOpenAt: isoDateTime().openapi({ description: 'Sales open; before salesCloseAt' }),
    salesCloseAt: isoDateTime().openapi({ description: 'Sales close; no later than startsAt' }),
    currency: currencyCode().default('KRW'),
    grades: z
      .array(z.strictObject({ name: gradeName(), price: minorUnits() }).openapi('NewGrade'))
      .max(MAX_GRADES)
      .openapi({ minItems: 1, description: 'Price grades, names unique' }),
    sections: z
      .array(
        z
          .strictObject({
            name: sectionName(),
            grade: gradeName().openapi({ description: 'The name of one of the grades' }),
            rows: z
              .number()
              .int()
              .openapi({ format: 'int32', minimum: 1, maximum: LAYOUT_LIMITS.maxRows, example: 10 }),
            seatsPerRow: z
              .number()
              .int()
              .openapi({ format: 'int32', minimum: 1, maximum: LAYOUT_LIMITS.maxSeatsPerRow, example: 20 }),
          })
          .openapi('NewSection'),
      )
      .max(MAX_SECTIONS)
      .openapi({
        minItems: 1,
        description: `The hall: names unique, at most ${LAYOUT_LIMITS.maxSeats} seats in all (rows × seatsPerRow summed)`,
      }),
    waitingRoom: z
      .strictObject({
        admitPerMinute: admitPerMinute(),
        admissionSeconds: admissionSeconds().default(WAITING_ROOM_LIMITS.defaultAdmissionSeconds),
      })
      .optional()
      .openapi('NewWaitingRoom', {
        description:
          'Optional: sell through a waiting room. Members queue (a random order for those who join before ' +
          'salesOpenAt, then first come first served) and holds need their Admission-Token',
      }),
  })
  .openapi('CreatePerformanceRequest', {
    description:
      'Every rule of the layout that the schema cannot state (unique names, known grades, one currency, ' +
      `dates in order, at most ${LAYOUT_LIMITS.maxSeats} seats) is 422 INVALID_PERFORMANCE`,
  });

export const ListPerformancesQuery = pageQuery(100);

const GradeSchema = z
  .object({
    name: z.string().min(1).max(NAME_MAX_LENGTH).openapi({ pattern: PLAIN_TEXT }),
    price: minorUnits(),
    currency: currencyCode(),
  })
  .openapi('Grade');

const SectionSchema = z
  .object({
    name: z.string().min(1).max(NAME_MAX_LENGTH).openapi({ pattern: SECTION_NAME }),
    grade: z.string().min(1).max(NAME_MAX_LENGTH).openapi({ pattern: PLAIN_TEXT }),
    rows: int32(1, LAYOUT_LIMITS.maxRows),
    seatsPerRow: int32(1, LAYOUT_LIMITS.maxSeatsPerRow),
  })
  .openapi('Section');

const storedTitle = () => z.string().max(TITLE_MAX_LENGTH).openapi({ pattern: NOT_BLANK });
const seatCount = () => int32(1, LAYOUT_LIMITS.maxSeats);

const performanceFields = {
  id: uuid(),
  title: storedTitle(),
  venue: storedTitle(),
  startsAt: isoInstant(),
  salesOpenAt: isoInstant(),
  salesCloseAt: isoInstant(),
  currency: currencyCode(),
  seatCount: seatCount(),
  grades: z.array(GradeSchema).min(1).max(MAX_GRADES),
  sections: z.array(SectionSchema).min(1).max(MAX_SECTIONS),
  waitingRoom: WaitingRoomSchema.nullable().openapi({ description: 'The waiting room; null when there is none' }),
  createdAt: isoInstant(),
};

export const PerformanceSchema = z.object(performanceFields).openapi('Performance');

export const PerformanceDetailSchema = z
  .object({
    ...performanceFields,
    availability: z
      .array(
        z
          .object({
            grade: z.string().min(1).max(NAME_MAX_LENGTH).openapi({ pattern: PLAIN_TEXT }),
            total: int32(0, LAYOUT_LIMITS.maxSeats),
            available: int32(0, LAYOUT_LIMITS.maxSeats),
          })
          .openapi('GradeAvailability'),
      )
      .max(MAX_GRADES),
  })
  .openapi('PerformanceDetail');

export const PerformancePageSchema = z
  .object({
    items: z
      .array(
        z
          .object({
            id: uuid(),
            title: storedTitle(),
            venue: storedTitle(),
            startsAt: isoInstant(),
            salesOpenAt: isoInstant(),
            salesCloseAt: isoInstant(),
            seatCount: seatCount(),
            lowestPrice: minorUnits(),
            currency: currencyCode(),
          })
          .openapi('PerformanceSummary'),
      )
      .max(100),
    page: int32(1, 100_000),
    size: int32(1, 100),
    total: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).openapi({ format: 'int64' }),
  })
  .openapi('PerformancePage');

export const SeatMapSchema = z
  .object({
    performanceId: uuid(),
    currency: currencyCode(),
    version: z
      .number()
      .int()
      .min(0)
      .max(Number.MAX_SAFE_INTEGER)
      .nullable()
      .openapi({
        format: 'int64',
        description:
          'The seat-state version: increases with every change of any seat of the performance, the same on every ' +
          'instance, and is the ETag. Null (and no ETag) only while the live view is unavailable and MySQL answered directly.',
        example: 42,
      }),
    seats: z
      .array(
        z
          .object({
            id: uuid(),
            label: seatLabel(),
            section: z.string().min(1).max(NAME_MAX_LENGTH).openapi({ pattern: SECTION_NAME }),
            row: int32(1, LAYOUT_LIMITS.maxRows),
            number: int32(1, LAYOUT_LIMITS.maxSeatsPerRow),
            grade: z.string().min(1).max(NAME_MAX_LENGTH).openapi({ pattern: PLAIN_TEXT }),
            price: minorUnits(),
            status: z.enum(['AVAILABLE', 'HELD', 'RESERVED']),
          })
          .openapi('Seat'),
      )
      .max(LAYOUT_LIMITS.maxSeats)
      .openapi({ description: `Every seat of the hall: at most ${LAYOUT_LIMITS.maxSeats}, the largest hall allowed` }),
  })
  .openapi('SeatMap');

export type PerformanceJson = z.infer<typeof PerformanceSchema>;
export type PerformanceDetailJson = z.infer<typeof PerformanceDetailSchema>;
export type PerformancePageJson = z.infer<typeof PerformancePageSchema>;
export type SeatMapJson = z.infer<typeof SeatMapSchema>;
