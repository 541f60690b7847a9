import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';

// Adds .openapi() to zod's prototypes (idempotent). Every HTTP schema imports z from here,
// so the request validators and the OpenAPI document are built from the same objects.
extendZodWithOpenApi(z);

export { z };

/** Text that neither starts nor ends with white space (names the domain stores as given or trimmed). */
export const PLAIN_TEXT = '^\\S(?:[\\s\\S]*\\S)?$';
/** Text with something besides white space in it (titles the domain refuses when blank). */
export const NOT_BLANK = '\\S';

/** A UUID is 36 characters; stating it bounds every id the document mentions. */
const UUID_LENGTH = 36;
/** Longer than any ISO-8601 instant a client sends (nanoseconds and an offset are 35). */
const DATE_TIME_MAX_LENGTH = 64;

/**
 * Request date-times; the domain refuses instants outside the years 1000–9999 (a DATETIME
 * column holds no others), which the pattern states for the calendar date written.
 */
export const isoDateTime = () =>
  z.iso.datetime({ offset: true }).max(DATE_TIME_MAX_LENGTH).openapi({
    example: '2030-05-01T19:00:00.000Z',
    description: 'ISO-8601 date-time with a Z or ±hh:mm offset, in the years 1000 to 9999',
    pattern: '^[1-9][0-9]{3}-',
  });

/** Response date-times: always Date.toISOString(), 24 characters. */
export const isoInstant = () =>
  z.string().openapi({
    format: 'date-time',
    minLength: 24,
    maxLength: 24,
    pattern: '^[1-9][0-9]{3}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z$',
    example: '2030-05-01T19:00:00.000Z',
    description: 'ISO-8601 date-time in UTC, millisecond precision',
  });

export const uuid = () =>
  z.uuid().max(UUID_LENGTH).openapi({ minLength: UUID_LENGTH, example: '0190f2c4-1d5e-7a3b-9c1d-2e3f4a5b6c7d' });

/** Integer amount in the currency's smallest unit (won for KRW, cents for USD); MySQL keeps it exactly up to 2^53 - 1. */
export const minorUnits = () =>
  z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER).openapi({ format: 'int64', example: 150000 });

/** A count or an index that fits in 32 bits; `min` and `max` state the bounds the service keeps. */
export const int32 = (min: number, max: number) => z.number().int().min(min).max(max).openapi({ format: 'int32' });

export const currencyCode = () =>
  z
    .string()
    .regex(/^[A-Z]{3}$/)
    .max(3)
    .openapi({ example: 'KRW', description: 'ISO 4217 code' });

export const IdParams = z.object({
  id: uuid().openapi({ param: { description: 'The id of the resource, a UUID' } }),
});

/** `page` (from 1) and `size` of a paged list; `maxSize` is the list's own bound. */
export const pageQuery = (maxSize: number) =>
  z.object({
    page: z.coerce
      .number()
      .int()
      .min(1)
      .max(100_000)
      .default(1)
      .openapi({ format: 'int32', param: { description: 'Page number, from 1' } }),
    size: z.coerce
      .number()
      .int()
      .min(1)
      .max(maxSize)
      .default(20)
      .openapi({ format: 'int32', param: { description: 'Items per page' } }),
  });
