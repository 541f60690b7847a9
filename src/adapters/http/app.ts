import Koa from 'koa';
import { accessLog } from './access-log';
import { ApiRouter } from './api-router';
import { problemDetails } from './error-middleware';
import type { HttpDependencies } from './http-dependencies';
import type { RequestState } from './http-context';
import { Idempotency } from './idempotency/idempotency';
import { NO_RATE_LIMITS } from './rate-limits';
import { jsonBodyReader } from './request-body';
import { requestTimeout } from './request-timeout';
import { admissionRoutes } from './routes/admission.routes';
import { authRoutes } from './routes/auth.routes';
import { docsRoutes } from './routes/docs.routes';
import { healthRoutes } from './routes/health.routes';
import { memberRoutes, staffRoutes } from './routes/members.routes';
import { performanceRoutes } from './routes/performances.routes';
import { salesReportRoutes } from './routes/sales-report.routes';
import { ticketRoutes } from './routes/tickets.routes';
import { paymentRoutes } from './routes/payments.routes';
import { reservationRoutes } from './routes/reservations.routes';
import { seatStreamRoutes } from './routes/seat-stream.routes';
import { webhookRoutes } from './routes/webhooks.routes';
import { corsFor, securityHeaders } from './security-headers';

/**
 * The Koa application, outermost first: access log (and correlation id), security headers,
 * CORS, the one error middleware, the request timeout, then the routes and the 404/405
 * fallback. Listening, TLS and server timeouts belong to bootstrap.
 */
export function createHttpApp(deps: HttpDependencies): Koa {
  const app = new Koa<RequestState>();
  // Anything that escapes the error middleware (a broken response stream) still gets logged.
  app.on('error', (error: unknown) => deps.logger.error({ err: error }, 'http error outside a request'));
  const trustProxy = deps.options.trustProxy ?? false;
  if (trustProxy !== false) {
    // ctx.ip (the key of the per-IP rate limits) then comes from X-Forwarded-For.
    app.proxy = true;
    if (typeof trustProxy === 'number') app.maxIpsCount = trustProxy;
  }

  const rateLimits = deps.rateLimits ?? NO_RATE_LIMITS;
  const idempotency =
    deps.idempotency &&
    new Idempotency({
      ...deps.idempotency,
      // A first request that has run this long has died or been abandoned: a retry may run again.
      lockSeconds: Math.max(30, Math.ceil((2 * deps.options.requestTimeoutMs) / 1000)),
      onStoreFailure: (error) =>
        deps.logger.warn({ err: error }, 'idempotency record not written; the key is not remembered'),
    });
  const api = new ApiRouter(deps.tokens, jsonBodyReader(deps.options.bodyLimitBytes), { rateLimits, idempotency });
  healthRoutes(api, deps.readiness, deps.logger, deps.metrics);
  memberRoutes(api, deps.useCases);
  staffRoutes(api, deps.useCases);
  authRoutes(api, deps.useCases, rateLimits);
  performanceRoutes(api, deps.useCases);
  salesReportRoutes(api, deps.useCases);
  if (deps.seatStreams) seatStreamRoutes(api, deps.useCases, deps.seatStreams);
  admissionRoutes(api, deps.useCases, deps.publicKeys);
  reservationRoutes(api, deps.useCases, deps.reservationLimits);
  ticketRoutes(api, deps.useCases);
  paymentRoutes(api, deps.useCases);
  webhookRoutes(api, deps.useCases);
  docsRoutes(api);

  app.use(accessLog(deps.logger, deps.metrics));
  app.use(securityHeaders());
  const cors = corsFor(deps.options.corsOrigins);
  if (cors) app.use(cors);
  app.use(problemDetails(deps.logger));
  app.use(requestTimeout(deps.options.requestTimeoutMs));
  for (const middleware of api.middleware()) app.use(middleware);
  return app as unknown as Koa;
}
