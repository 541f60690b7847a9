import type { HttpContext } from './http-context';

/**
 * A response as data: what a handler answers and what an idempotency record replays.
 * `body` is written as JSON unless it is already a string (then `headers` name its type).
 */
export interface Reply {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * What a handler answers when it has taken the raw response over (a Server-Sent Events
 * stream writes its own status line and keeps the socket): there is nothing left to write.
 */
export const TAKEN_OVER: Reply = Object.freeze({ status: 200, body: null });

export function writeReply(ctx: HttpContext, reply: Reply): void {
  if (reply === TAKEN_OVER) return;
  ctx.status = reply.status;
  if (reply.headers) ctx.set({ ...reply.headers });
  ctx.body = reply.body;
  // A string body makes Koa guess text/*; the recorded Content-Type says what it is.
  const type = reply.headers?.['Content-Type'];
  if (type) ctx.type = type;
}
