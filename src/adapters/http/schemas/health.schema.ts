import { z } from './zod';

export const HealthSchema = z.object({ status: z.literal('ok') }).openapi('Health');

export const ReadinessSchema = z
  .object({
    status: z.enum(['ready', 'unavailable']),
    checks: z.record(z.string(), z.enum(['up', 'down', 'current', 'behind'])).openapi({
      description:
        'Per dependency: `up` or `down`; `schema` is `behind` when the database lacks a migration this release needs',
      example: { mysql: 'up', redis: 'up', schema: 'current' },
    }),
  })
  .openapi('Readiness');

export type ReadinessJson = z.infer<typeof ReadinessSchema>;
