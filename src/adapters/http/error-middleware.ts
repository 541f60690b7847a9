import type { Middleware } from 'koa';
import type { Logger } from 'pino';
import { DomainError } from '../../domain/shared/domain-error';
import {
  ADAPTER_ERRORS,
  DOMAIN_ERRORS,
  PROBLEM_LIMITS,
  ProblemKind,
  RequestError,
  RETRY_AFTER_SECONDS,
  problemType,
  truncate,
} from './error-codes';
import type { HttpContext, RequestState } from './http-context';
import { type Reply, writeReply } from './reply';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** Members of the problem body that details from an error may not overwrite. */
const RESERVED = new Set(['type', 'title', 'status', 'detail', 'code', 'instance', 'traceId']);

interface Classified {
  readonly code: string;
  readonly kind: ProblemKind;
  readonly detail: string;
  readonly details?: Readonly<Record<string, unknown>>;
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * The only place that turns errors into responses: RFC 9457 problem details, statuses from
 * the table in error-codes.ts. Unknown errors (and codes missing from the table) are a 500
 * that is logged with its stack; the client sees only the correlation id.
 */
export function problemDetails(logger: Logger): Middleware<RequestState> {
  return async (ctx, next) => {
    try {
      await next();
    } catch (error) {
      const { reply, known } = problemReplyFor(error, ctx);
      if (!known) {
        logger.error(
          { err: error, requestId: ctx.state.requestId, method: ctx.method, route: routeOf(ctx) },
          'unhandled error',
        );
      }
      if (ctx.headerSent) return;
      writeReply(ctx, reply);
    }
  };
}

/**
 * The problem response for an error, as data (the idempotency layer records 4xx ones).
 * `known: false` is an unknown error: a 500 that the caller must log.
 */
export function problemReplyFor(error: unknown, ctx: HttpContext): { reply: Reply; known: boolean } {
  const known = classify(error);
  const problem = known ?? {
    code: 'INTERNAL_ERROR',
    kind: ADAPTER_ERRORS.INTERNAL_ERROR,
    detail: 'An unexpected error occurred; quote the traceId when reporting it',
  };
  const extra: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(problem.details ?? {})) {
    if (!RESERVED.has(key)) extra[key] = value;
  }
  const status = problem.kind.status;
  const headers: Record<string, string> = { 'Content-Type': PROBLEM_CONTENT_TYPE, 'Cache-Control': 'no-store' };
  if (status === 401) {
    headers['WWW-Authenticate'] =
      problem.code === 'INVALID_TOKEN' ? 'Bearer realm="ticketing", error="invalid_token"' : 'Bearer realm="ticketing"';
  }
  if (status === 503) headers['Retry-After'] = String(RETRY_AFTER_SECONDS);
  Object.assign(headers, problem.headers);
  const body = JSON.stringify({
    type: problemType(problem.code),
    title: problem.kind.title,
    status,
    detail: truncate(problem.detail, PROBLEM_LIMITS.detailLength),
    code: problem.code,
    instance: truncate(ctx.path, PROBLEM_LIMITS.instanceLength),
    traceId: ctx.state.requestId,
    ...extra,
  });
  return { reply: { status, headers, body }, known: known !== undefined };
}

function classify(error: unknown): Classified | undefined {
  if (error instanceof RequestError) {
    return {
      code: error.code,
      kind: ADAPTER_ERRORS[error.code],
      detail: error.message,
      details: error.details,
      headers: error.headers,
    };
  }
  if (error instanceof DomainError) {
    const kind = (DOMAIN_ERRORS as Record<string, ProblemKind | undefined>)[error.code];
    return kind && { code: error.code, kind, detail: error.message, details: error.details };
  }
  return frameworkClientError(error);
}

/**
 * Koa and its middleware throw http-errors for the few client mistakes they catch themselves;
 * those keep their 4xx status under the adapter code of that status.
 */
function frameworkClientError(error: unknown): Classified | undefined {
  const { status, expose } = (error ?? {}) as { status?: unknown; expose?: unknown };
  if (typeof status !== 'number' || status < 400 || status > 499 || expose !== true) return undefined;
  const [code, kind] = Object.entries(ADAPTER_ERRORS).find(([, entry]) => entry.status === status) ?? [
    'BAD_REQUEST',
    ADAPTER_ERRORS.BAD_REQUEST,
  ];
  return { code, kind, detail: kind.title };
}

/** The matched route pattern (never the raw path, which holds ids), for logs. */
export function routeOf(ctx: object): string | undefined {
  const route = (ctx as { _matchedRoute?: unknown })._matchedRoute;
  return typeof route === 'string' ? route : undefined;
}
