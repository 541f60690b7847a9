import { z } from './zod';

export const HealthSchema = z.object({ status: z.literal('ok') }).openapi('Health');

export const ReadinessSchema = z
  .object({
    status: z.enum(['ready', 'unavailable']),
    checks: z.record(z.string(), z.enum(['up', 'down'])).openapi({ example: { database: 'up', redis: 'up' } }),
  })
  .openapi('Readiness');

export type ReadinessJson = z.infer<typeof ReadinessSchema>;
