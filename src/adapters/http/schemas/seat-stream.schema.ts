import { LAYOUT_LIMITS } from '../../../domain/catalog/performance';
import { SeatMapSchema } from './performance.schema';
import { uuid, z } from './zod';

export const SeatChangesSchema = z
  .object({
    version: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).openapi({ format: 'int64', example: 43 }),
    seats: z
      .array(
        z
          .object({ id: uuid(), status: z.enum(['AVAILABLE', 'HELD', 'RESERVED']) })
          .openapi('SeatStatusChange', { description: 'A seat and its status at `version`' }),
      )
      .max(LAYOUT_LIMITS.maxSeats),
  })
  .openapi('SeatChanges', {
    description:
      'The seats that changed since the previous event, each with its status at `version`; applied in order to the ' +
      'snapshot they give exactly what GET seats answers at that version',
  });

/** What one server-sent event carries; documentation of the text/event-stream body. */
export const SeatStreamEventSchema = z
  .object({
    event: z.enum(['snapshot', 'changes']).openapi({ description: 'The SSE `event:` field' }),
    id: z
      .string()
      .max(16)
      .openapi({ description: 'The SSE `id:` field: the version, sent back as Last-Event-ID on reconnect' }),
    data: z.union([SeatMapSchema, SeatChangesSchema]).openapi({
      description:
        'The SSE `data:` field (one line of JSON): the seat map for `snapshot`, the changed seats for `changes`',
    }),
  })
  .openapi('SeatStreamEvent', {
    description:
      'A text/event-stream: `retry: 2000` first, then `event: snapshot` (or, when resuming, `event: changes`), then ' +
      '`event: changes` for every change (changes close together share one event, at most 100 ms late), and a ' +
      '`: ping` comment every SEAT_STREAM_HEARTBEAT_MS. Versions strictly increase along a stream.',
  });
