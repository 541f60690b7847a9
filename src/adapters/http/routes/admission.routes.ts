import type { QueueStatus } from '../../../application/admission/waiting-rooms';
import type { ApiRouter } from '../api-router';
import type { HttpDependencies, UseCases } from '../http-dependencies';
import { TAKEN_OVER, type Reply } from '../reply';
import { SSE_RETRY_MS } from '../sse';
import { JwksSchema, QueueStatusSchema } from '../schemas/admission.schema';
import { IdParams } from '../schemas/zod';
import { API_PREFIX, NO_STORE } from './respond';

const TAG = 'Waiting room';

export function presentQueueStatus(status: QueueStatus): Record<string, unknown> {
  switch (status.state) {
    case 'WAITING':
      return {
        state: status.state,
        position: status.position,
        etaSeconds: status.etaSeconds,
        pollAfterMs: status.pollAfterMs,
      };
    case 'ADMITTED':
      return {
        state: status.state,
        admissionToken: status.admissionToken,
        admissionExpiresAt: status.admissionExpiresAt.toISOString(),
      };
    case 'EXPIRED':
      return {
        state: status.state,
        admittedAt: status.admittedAt.toISOString(),
        admissionExpiresAt: status.admissionExpiredAt.toISOString(),
      };
  }
}

/** The answer carries a member's admission: no cache may keep it. */
function queueReply(status: number, queueStatus: QueueStatus): Reply {
  return { status, headers: NO_STORE, body: presentQueueStatus(queueStatus) };
}

export function admissionRoutes(
  api: ApiRouter,
  useCases: UseCases,
  publicKeys: NonNullable<HttpDependencies['publicKeys']> | undefined,
): void {
  api.route(
    {
      method: 'post',
      path: `${API_PREFIX}/performances/:id/queue`,
      operationId: 'joinQueue',
      summary: "Join a performance's waiting room (201; again: 200 with the same entry)",
      description:
        'Members who join before salesOpenAt are put in a uniformly random order at salesOpenAt and all come before ' +
        'anyone who joins later; after that, first come first served. Admissions follow queue order at the ' +
        "performance's admitPerMinute. Poll GET …/queue/me every pollAfterMs: a member silent for QUEUE_ABANDON_SECONDS " +
        '(counted from joining) is dropped. An EXPIRED member joins again at the back (201).',
      tag: TAG,
      access: 'member',
      params: IdParams,
      responses: [
        { status: 201, description: 'Joined now', schema: QueueStatusSchema },
        { status: 200, description: 'Already in the queue (or admitted): the same entry', schema: QueueStatusSchema },
      ],
      errors: ['PERFORMANCE_NOT_FOUND', 'NO_WAITING_ROOM', 'SALES_CLOSED'],
    },
    async (_ctx, { actor, params }) => {
      const joined = await useCases.joinQueue.execute(actor, params.id);
      return queueReply(joined.created ? 201 : 200, joined.status);
    },
  );

  api.route(
    {
      method: 'get',
      path: `${API_PREFIX}/performances/:id/queue/me`,
      operationId: 'getMyQueueEntry',
      summary: "The calling member's place in the waiting room, or its admission",
      description:
        'WAITING with position (1 = next), etaSeconds and pollAfterMs; ADMITTED with the admissionToken (the same token ' +
        'on every poll) and admissionExpiresAt; EXPIRED once the admission window is over. Each poll keeps a WAITING ' +
        'member in the queue. 404 QUEUE_ENTRY_NOT_FOUND: never joined, dropped for not polling, or the queue was reset ' +
        '(its detail says which; `queueReset: true`): join again.',
      tag: TAG,
      access: 'member',
      params: IdParams,
      responses: [{ status: 200, description: 'The entry', schema: QueueStatusSchema }],
      errors: ['PERFORMANCE_NOT_FOUND', 'NO_WAITING_ROOM', 'QUEUE_ENTRY_NOT_FOUND'],
    },
    async (_ctx, { actor, params }) => queueReply(200, await useCases.getQueueStatus.execute(actor, params.id)),
  );

  api.route(
    {
      method: 'get',
      path: `${API_PREFIX}/performances/:id/queue/me/stream`,
      operationId: 'followMyQueueEntry',
      summary: "The calling member's queue entry, pushed (server-sent events); polling queue/me works as well",
      description:
        'A text/event-stream of `event: status` events whose data is what GET …/queue/me answers: the current ' +
        'entry at once, then every change, checked every pollAfterMs (the stream keeps the member in the queue as ' +
        'polling does). It ends after ADMITTED or EXPIRED, or with `event: gone` (data: the problem details) when ' +
        'the entry is dropped or the queue reset. Errors before the stream opens are problem details.',
      tag: TAG,
      access: 'member',
      params: IdParams,
      responses: [
        {
          status: 200,
          description: 'The event stream; it ends once the member is admitted or its entry is gone',
          schema: QueueStatusSchema,
          contentType: 'text/event-stream',
        },
      ],
      errors: ['PERFORMANCE_NOT_FOUND', 'NO_WAITING_ROOM', 'QUEUE_ENTRY_NOT_FOUND'],
    },
    async (ctx, { actor, params }) => {
      // The first status comes before the stream opens: a 404 or 409 is answered as problem details.
      const first = await useCases.getQueueStatus.execute(actor, params.id);
      ctx.status = 200;
      ctx.respond = false;
      const res = ctx.res;
      res.writeHead(200, {
        'Content-Type': 'text/event-stream',
        'Cache-Control': 'no-store, no-transform',
        'X-Accel-Buffering': 'no',
        Connection: 'keep-alive',
      });
      res.write(`retry: ${SSE_RETRY_MS}\n\n`);
      let timer: NodeJS.Timeout | undefined;
      let last = '';
      const send = (status: QueueStatus) => {
        if (res.writableEnded || res.destroyed) return;
        const data = JSON.stringify(presentQueueStatus(status));
        if (data !== last) res.write(`event: status\ndata: ${data}\n\n`);
        last = data;
        if (status.state !== 'WAITING') res.end();
        else timer = setTimeout(next, status.pollAfterMs);
      };
      const next = () => {
        if (res.writableEnded || res.destroyed) return;
        useCases.getQueueStatus.execute(actor, params.id).then(send, (error: unknown) => {
          if (res.writableEnded || res.destroyed) return;
          const code = (error as { code?: unknown }).code;
          if (code === 'QUEUE_ENTRY_NOT_FOUND') {
            res.end(`event: gone\ndata: ${JSON.stringify({ code, detail: (error as Error).message })}\n\n`);
          } else {
            // A store that is down for a moment: the client reconnects after `retry` and polls again.
            res.destroy();
          }
        });
      };
      res.once('close', () => clearTimeout(timer));
      send(first);
      return TAKEN_OVER;
    },
  );

  if (publicKeys) {
    api.route(
      {
        method: 'get',
        path: '/.well-known/jwks.json',
        operationId: 'getJsonWebKeySet',
        summary: "The public keys of the service's signed tokens (JWK Set)",
        description:
          'Every key that signs tokens others may verify (admission tokens and ticket codes: kty OKP, crv Ed25519, ' +
          'alg EdDSA), by kid, so an edge proxy can check an Admission-Token, and a gate a ticket code, without ' +
          'calling the service.',
        tag: TAG,
        access: 'anyone',
        responses: [{ status: 200, description: 'The key set', schema: JwksSchema }],
      },
      () => ({ status: 200, headers: { 'Cache-Control': 'public, max-age=300' }, body: { keys: publicKeys.keys } }),
    );
  }
}
