import { LAYOUT_LIMITS } from '../../../domain/catalog/performance';
import { ADAPTER_ERRORS, DOMAIN_ERRORS, PROBLEM_LIMITS } from '../error-codes';
import { isoInstant, uuid, z } from './zod';

/** A number of seats, or a configured cap on them. */
const count = () => z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).openapi({ format: 'int64' });

const CODES = [...new Set([...Object.keys(ADAPTER_ERRORS), ...Object.keys(DOMAIN_ERRORS)])].sort();
const TITLES = [
  ...new Set([...Object.values(ADAPTER_ERRORS), ...Object.values(DOMAIN_ERRORS)].map((kind) => kind.title)),
].sort();

export const FieldIssueSchema = z.object({
  path: z.string().max(PROBLEM_LIMITS.issuePathLength).openapi({
    pattern: '^[A-Za-z0-9_.-]*$',
    example: 'seatIds.0',
    description: 'Dotted path of the field; empty for the whole',
  }),
  message: z.string().min(1).max(PROBLEM_LIMITS.issueMessageLength).openapi({ pattern: '\\S' }),
});

/** RFC 9457 problem details; extra members (seatIds, errors, ...) depend on the code. */
export const ProblemSchema = z
  .looseObject({
    type: z.string().max(100).openapi({ pattern: '^/problems/[a-z0-9-]+$', example: '/problems/seat-unavailable' }),
    title: z.enum(TITLES).openapi({ example: 'Seats unavailable', description: 'Fixed per code' }),
    status: z.number().int().min(400).max(599).openapi({ format: 'int32', example: 409 }),
    detail: z
      .string()
      .min(1)
      .max(PROBLEM_LIMITS.detailLength)
      .openapi({ pattern: '\\S', description: 'What went wrong with this request, for people' }),
    code: z.enum(CODES).openapi({ example: 'SEAT_UNAVAILABLE', description: 'Stable machine-readable code' }),
    instance: z
      .string()
      .max(PROBLEM_LIMITS.instanceLength)
      .optional()
      .openapi({ pattern: '^/', example: '/api/v1/reservations', description: 'The path of the request' }),
    traceId: z
      .string()
      .max(64)
      .optional()
      .openapi({ pattern: '^[A-Za-z0-9._-]{1,64}$', description: 'Correlation id, also in X-Request-Id' }),
    errors: z
      .array(FieldIssueSchema)
      .max(PROBLEM_LIMITS.issues)
      .optional()
      .openapi({ description: 'VALIDATION_FAILED / INVALID_ID: what is wrong where (the first issues found)' }),
    seatIds: z.array(uuid()).max(100).optional().openapi({
      description: 'SEAT_UNAVAILABLE, SEATS_ALREADY_CLAIMED, SEAT_NOT_FOUND, DUPLICATE_SEATS: the seats concerned',
    }),
    allow: z
      .array(z.enum(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']))
      .max(7)
      .optional()
      .openapi({ description: 'METHOD_NOT_ALLOWED: the methods the path answers, as in the Allow header' }),
    performanceId: uuid().optional().openapi({ description: 'The performance concerned' }),
    reservationId: uuid().optional().openapi({ description: 'The reservation concerned' }),
    memberId: uuid().optional(),
    expiresAt: isoInstant().optional().openapi({ description: 'HOLD_EXPIRED: when the hold ended' }),
    salesOpenAt: isoInstant().optional().openapi({ description: 'SALES_CLOSED: the sales window' }),
    salesCloseAt: isoInstant().optional(),
    requested: count()
      .optional()
      .openapi({ description: 'TOO_MANY_SEATS, MEMBER_SEAT_LIMIT, NOT_ENOUGH_SEATS_TOGETHER: seats asked for' }),
    max: count().optional().openapi({ description: 'TOO_MANY_SEATS: MAX_SEATS_PER_RESERVATION' }),
    limit: count().optional().openapi({ description: 'MEMBER_SEAT_LIMIT: MAX_SEATS_PER_MEMBER' }),
    held: count().optional().openapi({ description: 'MEMBER_SEAT_LIMIT: seats the member already holds or owns' }),
    largestBlock: z.number().int().min(0).max(LAYOUT_LIMITS.maxSeatsPerRow).optional().openapi({
      format: 'int32',
      description: 'NOT_ENOUGH_SEATS_TOGETHER: the most adjacent free seats left where the request looked',
    }),
    store: z.enum(['MySQL', 'Redis']).optional().openapi({ description: 'SERVICE_UNAVAILABLE: the store that failed' }),
    retryAfterSeconds: z
      .number()
      .int()
      .min(1)
      .max(Number.MAX_SAFE_INTEGER)
      .optional()
      .openapi({ format: 'int64', description: 'RATE_LIMITED, IDEMPOTENCY_KEY_IN_USE: as Retry-After says' }),
  })
  .openapi('Problem');
