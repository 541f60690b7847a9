import { currencyCode, isoDateTime, minorUnits, uuid, z } from './zod';

export const CreatePerformanceBody = z
  .strictObject({
    title: z.string().max(200).openapi({ example: 'Spring Symphony' }),
    venue: z.string().max(200).openapi({ example: 'Seoul Arts Center' }),
    startsAt: isoDateTime(),
    salesOpenAt: isoDateTime(),
    salesCloseAt: isoDateTime(),
    currency: currencyCode().default('KRW'),
    grades: z
      .array(z.strictObject({ name: z.string().max(50).openapi({ example: 'VIP' }), price: minorUnits() }))
      .max(50),
    sections: z
      .array(
        z.strictObject({
          name: z.string().max(50).openapi({ example: 'A' }),
          grade: z.string().max(50).openapi({ example: 'VIP' }),
          rows: z.number().int().openapi({ example: 10 }),
          seatsPerRow: z.number().int().openapi({ example: 20 }),
        }),
      )
      .max(200),
  })
  .openapi('CreatePerformanceRequest');

export const ListPerformancesQuery = z.object({
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  size: z.coerce.number().int().min(1).max(100).default(20),
});

const GradeSchema = z.object({ name: z.string(), price: minorUnits(), currency: currencyCode() }).openapi('Grade');

const SectionSchema = z
  .object({ name: z.string(), grade: z.string(), rows: z.number().int(), seatsPerRow: z.number().int() })
  .openapi('Section');

const performanceFields = {
  id: uuid(),
  title: z.string(),
  venue: z.string(),
  startsAt: isoDateTime(),
  salesOpenAt: isoDateTime(),
  salesCloseAt: isoDateTime(),
  currency: currencyCode(),
  seatCount: z.number().int(),
  grades: z.array(GradeSchema),
  sections: z.array(SectionSchema),
  createdAt: isoDateTime(),
};

export const PerformanceSchema = z.object(performanceFields).openapi('Performance');

export const PerformanceDetailSchema = z
  .object({
    ...performanceFields,
    availability: z.array(
      z
        .object({ grade: z.string(), total: z.number().int(), available: z.number().int() })
        .openapi('GradeAvailability'),
    ),
  })
  .openapi('PerformanceDetail');

export const PerformancePageSchema = z
  .object({
    items: z.array(
      z
        .object({
          id: uuid(),
          title: z.string(),
          venue: z.string(),
          startsAt: isoDateTime(),
          salesOpenAt: isoDateTime(),
          salesCloseAt: isoDateTime(),
          seatCount: z.number().int(),
          lowestPrice: minorUnits(),
          currency: currencyCode(),
        })
        .openapi('PerformanceSummary'),
    ),
    page: z.number().int(),
    size: z.number().int(),
    total: z.number().int(),
  })
  .openapi('PerformancePage');

export const SeatMapSchema = z
  .object({
    performanceId: uuid(),
    currency: currencyCode(),
    version: z
      .number()
      .int()
      .nullable()
      .openapi({
        description:
          'The seat-state version: increases with every change of any seat of the performance, the same on every ' +
          'instance, and is the ETag. Null (and no ETag) only while the live view is unavailable and MySQL answered directly.',
        example: 42,
      }),
    seats: z.array(
      z
        .object({
          id: uuid(),
          label: z.string().openapi({ example: 'A-3-12' }),
          section: z.string(),
          row: z.number().int(),
          number: z.number().int(),
          grade: z.string(),
          price: minorUnits(),
          status: z.enum(['AVAILABLE', 'HELD', 'RESERVED']),
        })
        .openapi('Seat'),
    ),
  })
  .openapi('SeatMap');

export type PerformanceJson = z.infer<typeof PerformanceSchema>;
export type PerformanceDetailJson = z.infer<typeof PerformanceDetailSchema>;
export type PerformancePageJson = z.infer<typeof PerformancePageSchema>;
export type SeatMapJson = z.infer<typeof SeatMapSchema>;
