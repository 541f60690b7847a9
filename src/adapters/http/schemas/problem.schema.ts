import { z } from './zod';

export const FieldIssueSchema = z.object({
  path: z.string().openapi({ example: 'seatIds.0' }),
  message: z.string(),
});

/** RFC 9457 problem details; extra members (seatIds, errors, ...) depend on the code. */
export const ProblemSchema = z
  .looseObject({
    type: z.string().openapi({ example: '/problems/seat-unavailable' }),
    title: z.string().openapi({ example: 'Seats unavailable' }),
    status: z.number().int().openapi({ example: 409 }),
    detail: z.string(),
    code: z.string().openapi({ example: 'SEAT_UNAVAILABLE', description: 'Stable machine-readable code' }),
    instance: z.string().optional().openapi({ example: '/api/v1/reservations' }),
    traceId: z.string().optional().openapi({ description: 'Correlation id, also in X-Request-Id' }),
    errors: z
      .array(FieldIssueSchema)
      .optional()
      .openapi({ description: 'VALIDATION_FAILED / INVALID_ID: what is wrong where' }),
    seatIds: z
      .array(z.string())
      .optional()
      .openapi({
        description: 'SEAT_UNAVAILABLE, SEATS_ALREADY_CLAIMED, SEAT_NOT_FOUND, DUPLICATE_SEATS: the seats concerned',
      }),
    allow: z
      .array(z.string())
      .optional()
      .openapi({ description: 'METHOD_NOT_ALLOWED: the methods the path answers, as in the Allow header' }),
  })
  .openapi('Problem');
