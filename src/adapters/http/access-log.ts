import { randomUUID } from 'node:crypto';
import type { Middleware } from 'koa';
import type { Logger } from 'pino';
import { routeOf } from './error-middleware';
import type { RequestState } from './http-context';

/** Accept a caller's correlation id only if it cannot smuggle anything into logs or headers. */
const SAFE_REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * Outermost middleware: gives every request a correlation id and writes exactly one log line
 * when it is answered: method, route pattern, status, duration. Never the URL (ids, query),
 * headers (tokens) or bodies (passwords, emails).
 */
export function accessLog(logger: Logger): Middleware<RequestState> {
  return async (ctx, next) => {
    const started = process.hrtime.bigint();
    const incoming = ctx.get('X-Request-Id');
    ctx.state.requestId = SAFE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
    ctx.set('X-Request-Id', ctx.state.requestId);
    try {
      await next();
    } finally {
      const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
      const line = {
        requestId: ctx.state.requestId,
        method: ctx.method,
        route: routeOf(ctx) ?? '(unmatched)',
        status: ctx.status,
        durationMs: Math.round(durationMs * 100) / 100,
      };
      if (ctx.status >= 500) logger.warn(line, 'request');
      else logger.info(line, 'request');
    }
  };
}
