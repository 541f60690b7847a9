import type { ApiRouter } from '../api-router';
import type { SeatStreams, UseCases } from '../http-dependencies';
import { SeatStreamEventSchema } from '../schemas/seat-stream.schema';
import { TAKEN_OVER } from '../reply';
import { IdParams } from '../schemas/zod';
import { lastEventVersion, SseStream } from '../sse';
import { API_PREFIX } from './respond';

export function seatStreamRoutes(api: ApiRouter, useCases: UseCases, streams: SeatStreams): void {
  api.route(
    {
      method: 'get',
      path: `${API_PREFIX}/performances/:id/seats/stream`,
      operationId: 'followSeatMap',
      summary: 'The seat map, live: a snapshot, then every change (server-sent events)',
      description:
        'A text/event-stream that needs no login. It starts with `retry: 2000` and `event: snapshot` (the body of GET ' +
        'seats, `id:` its version); then `event: changes` with `{"version", "seats": [{"id", "status"}]}` for every ' +
        'change of any seat (changes close together share one event, at most 100 ms late), and `: ping` every ' +
        'SEAT_STREAM_HEARTBEAT_MS. Versions strictly increase. On reconnect send `Last-Event-ID: <version>` (browsers ' +
        'do): the stream then starts with the changes after it if they are still retained (at least the last 10,000 ' +
        'changes or 10 minutes), otherwise with a fresh snapshot. A change made through any instance reaches every ' +
        "instance's streams. 503 TOO_MANY_STREAMS with Retry-After when this instance serves its maximum of streams; " +
        'streams end on shutdown so that clients reconnect elsewhere.',
      tag: 'Performances',
      access: 'anyone',
      params: IdParams,
      responses: [
        {
          status: 200,
          description: 'The event stream (never ends by itself)',
          schema: SeatStreamEventSchema,
          contentType: 'text/event-stream',
        },
      ],
      errors: ['PERFORMANCE_NOT_FOUND', 'TOO_MANY_STREAMS'],
    },
    async (ctx, { params }) => {
      // The performance must exist before anything is streamed: 404 as problem details.
      const { performance } = await useCases.getSeatMap.execute(params.id);
      const stream = new SseStream(ctx, performance);
      const subscribing = streams.subscribe(params.id, lastEventVersion(ctx.get('Last-Event-ID')), stream);
      // The client may leave at any time, before the subscription is made as well.
      ctx.res.once('close', () => {
        subscribing.then(
          (subscription) => subscription.cancel(),
          () => {},
        );
      });
      await subscribing;
      stream.open();
      return TAKEN_OVER;
    },
  );
}
