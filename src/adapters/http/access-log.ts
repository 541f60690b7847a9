import { randomUUID } from 'node:crypto';
import { isSpanContextValid, trace } from '@opentelemetry/api';
import type { Middleware } from 'koa';
import type { Logger } from 'pino';
import { routeOf } from './error-middleware';
import type { RequestState } from './http-context';
import type { HttpMetrics } from './http-dependencies';

/** Accept a caller's correlation id only if it cannot smuggle anything into logs or headers. */
const SAFE_REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * Outermost middleware: gives every request a correlation id and writes exactly one log line
 * when it is answered: method, route pattern, status, duration. Never the URL (ids, query),
 * headers (tokens) or bodies (passwords, emails).
 */
export function accessLog(logger: Logger, metrics?: HttpMetrics): Middleware<RequestState> {
  return async (ctx, next) => {
    const started = process.hrtime.bigint();
    const incoming = ctx.get('X-Request-Id');
    // With tracing on, the correlation id IS the trace id: an error body or a log line leads
    // straight to the trace. The W3C traceparent is returned for tools that speak it.
    const span = trace.getActiveSpan()?.spanContext();
    const traced = span && isSpanContextValid(span) ? span : undefined;
    ctx.state.requestId = SAFE_REQUEST_ID.test(incoming) ? incoming : (traced?.traceId ?? randomUUID());
    ctx.set('X-Request-Id', ctx.state.requestId);
    if (traced) ctx.set('traceparent', `00-${traced.traceId}-${traced.spanId}-0${traced.traceFlags.toString(16)}`);
    try {
      await next();
    } finally {
      const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
      const route = routeOf(ctx) ?? '(unmatched)';
      metrics?.observeHttp(ctx.method, route, ctx.status, durationMs / 1000);
      const line = {
        requestId: ctx.state.requestId,
        method: ctx.method,
        route,
        status: ctx.status,
        durationMs: Math.round(durationMs * 100) / 100,
      };
      if (ctx.status >= 500) logger.warn(line, 'request');
      else logger.info(line, 'request');
    }
  };
}
