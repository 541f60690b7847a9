import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';

// Adds .openapi() to zod's prototypes (idempotent). Every HTTP schema imports z from here,
// so the request validators and the OpenAPI document are built from the same objects.
extendZodWithOpenApi(z);

export { z };

export const isoDateTime = () =>
  z.iso.datetime({ offset: true }).openapi({ example: '2030-05-01T19:00:00.000Z', description: 'ISO-8601 date-time' });

export const uuid = () => z.uuid().openapi({ example: '0190f2c4-1d5e-7a3b-9c1d-2e3f4a5b6c7d' });

/** Integer amount in the currency's smallest unit (won for KRW, cents for USD). */
export const minorUnits = () => z.number().int().nonnegative().openapi({ example: 150000 });

export const currencyCode = () =>
  z
    .string()
    .regex(/^[A-Z]{3}$/)
    .openapi({ example: 'KRW', description: 'ISO 4217 code' });

export const IdParams = z.object({ id: uuid() });
