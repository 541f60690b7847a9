import { createHash } from 'node:crypto';
import type { Clock } from '../../../application/shared/ports/clock';
import type { IdempotencyStore, RecordedResponse } from './idempotency-store';
import type { Actor } from '../../../application/shared/actor';
import { problemReplyFor } from '../error-middleware';
import { RequestError } from '../error-codes';
import type { HttpContext } from '../http-context';
import { type Reply, writeReply } from '../reply';

export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';
export const REPLAYED_HEADER = 'Idempotent-Replayed';
/** 1–255 printable ASCII characters (Node has already trimmed surrounding blanks). */
const VALID_KEY = /^[\x20-\x7E]{1,255}$/;
const IN_FLIGHT_RETRY_AFTER_SECONDS = 1;
/** The response headers worth replaying; the rest (security, correlation id) are set per request. */
const RECORDED_HEADERS = ['Content-Type', 'Location', 'Cache-Control'] as const;

export interface IdempotencyOptions {
  readonly store: IdempotencyStore;
  readonly clock: Clock;
  /** How long a key is remembered after its first use. */
  readonly ttlSeconds: number;
  /** How long a first request may run before a retry with its key may run again (it died). */
  readonly lockSeconds: number;
  /** A record that could not be written: the answer still goes out, the key is not remembered. */
  readonly onStoreFailure?: (error: unknown) => void;
}

/**
 * Idempotency-Key for unsafe member requests: the first request with a key runs, and its
 * answer (success or 4xx problem) is recorded and replayed to every later request with the
 * same key and the same method, path and body, with `Idempotent-Replayed: true`. A 5xx is not
 * recorded, so a retry runs again. A request without the header runs as usual.
 */
export class Idempotency {
  constructor(private readonly options: IdempotencyOptions) {}

  async run(ctx: HttpContext, actor: Actor, body: unknown, handle: () => Promise<Reply>): Promise<void> {
    const key = idempotencyKeyOf(ctx);
    if (key === undefined) {
      writeReply(ctx, await handle());
      return;
    }
    const { store, clock, ttlSeconds, lockSeconds } = this.options;
    const fingerprint = fingerprintOf(ctx.method, ctx.path, body);
    const now = clock.now();
    const started = await store.start({
      memberId: actor.memberId,
      key,
      fingerprint,
      now,
      expiresAt: new Date(now.getTime() + ttlSeconds * 1000),
      lockedUntil: new Date(now.getTime() + lockSeconds * 1000),
    });
    switch (started.outcome) {
      case 'mismatch':
        throw new RequestError(
          'IDEMPOTENCY_KEY_REUSED',
          'This Idempotency-Key was used for a different request; use a new key for a new request',
        );
      case 'in-flight':
        // The first request usually answers within milliseconds; its lock only bounds a crash.
        throw new RequestError(
          'IDEMPOTENCY_KEY_IN_USE',
          'A request with this Idempotency-Key is still being processed; retry shortly for its answer',
          { retryAfterSeconds: IN_FLIGHT_RETRY_AFTER_SECONDS },
          { 'Retry-After': String(IN_FLIGHT_RETRY_AFTER_SECONDS) },
        );
      case 'replay':
        writeReply(ctx, {
          ...replyOf(started.response),
          headers: { ...started.response.headers, [REPLAYED_HEADER]: 'true' },
        });
        return;
      case 'started':
        break;
    }

    let reply: Reply;
    try {
      reply = await handle();
    } catch (error) {
      const problem = problemReplyFor(error, ctx);
      // A 5xx (or an unknown error, which the error middleware logs) may pass: retries run again.
      if (!problem.known || problem.reply.status >= 500) {
        await store.abandon(actor.memberId, key, fingerprint).catch(this.storeFailed);
        throw error;
      }
      reply = problem.reply;
    }
    const recorded = record(reply);
    if (recorded.status >= 500) await store.abandon(actor.memberId, key, fingerprint).catch(this.storeFailed);
    else await store.complete(actor.memberId, key, fingerprint, recorded).catch(this.storeFailed);
    // After a request timeout the client has had its 503 already; the record still tells the truth.
    if (!ctx.headerSent) writeReply(ctx, replyOf(recorded));
  }

  private readonly storeFailed = (error: unknown): void => this.options.onStoreFailure?.(error);
}

/** The Idempotency-Key of the request, undefined without one; 400 when it is malformed. */
export function idempotencyKeyOf(ctx: HttpContext): string | undefined {
  const value = ctx.headers['idempotency-key'];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !VALID_KEY.test(value)) {
    throw new RequestError(
      'INVALID_IDEMPOTENCY_KEY',
      `The ${IDEMPOTENCY_KEY_HEADER} header must be 1 to 255 printable ASCII characters`,
    );
  }
  return value;
}

/** Method, path (with its ids) and the body with its keys sorted: what makes two requests the same. */
export function fingerprintOf(method: string, path: string, body: unknown): string {
  return createHash('sha256')
    .update(`${method} ${path}\n${canonicalJson(body ?? null)}`)
    .digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, entry]) => entry !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, entry]) => `${JSON.stringify(key)}:${canonicalJson(entry)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function record(reply: Reply): RecordedResponse {
  const headers: Record<string, string> = {};
  for (const name of RECORDED_HEADERS) {
    const value = reply.headers?.[name];
    if (value !== undefined) headers[name] = value;
  }
  if (typeof reply.body === 'string') return { status: reply.status, headers, body: reply.body };
  headers['Content-Type'] ??= 'application/json; charset=utf-8';
  return { status: reply.status, headers, body: JSON.stringify(reply.body) };
}

function replyOf(response: RecordedResponse): Reply {
  return { status: response.status, headers: response.headers, body: response.body };
}
