import type { Logger } from 'pino';
import type { ApiRouter } from '../api-router';
import type { HttpMetrics, ReadinessReport } from '../http-dependencies';
import { HealthSchema, ReadinessSchema, type ReadinessJson } from '../schemas/health.schema';
import { NO_STORE, ok } from './respond';

/** Probes answer plain JSON (not problem details) and are never cached. */
export function healthRoutes(
  api: ApiRouter,
  readiness: () => Promise<ReadinessReport>,
  logger: Logger,
  metrics?: HttpMetrics,
): void {
  api.route(
    {
      method: 'get',
      path: '/healthz',
      operationId: 'liveness',
      summary: 'Liveness: the process answers (checks no dependency)',
      description:
        'Answers 200 while the process runs, whatever its stores do, so an orchestrator never restarts it for them.',
      tag: 'Operations',
      access: 'anyone',
      // Probes and scrapes come from a few addresses, often; they are never rate limited.
      rateLimit: 'none',
      responses: [{ status: 200, description: 'Alive', schema: HealthSchema }],
    },
    () => ok({ status: 'ok' }, NO_STORE),
  );

  api.route(
    {
      method: 'get',
      path: '/readyz',
      operationId: 'readiness',
      summary: 'Readiness: every store this instance needs answers',
      description:
        'Ready while MySQL answers (Redis is reported, not required); 503 while it does not or while shutting down, ' +
        'so a load balancer takes the instance out of rotation.',
      tag: 'Operations',
      access: 'anyone',
      rateLimit: 'none',
      responses: [
        { status: 200, description: 'Ready for traffic', schema: ReadinessSchema },
        { status: 503, description: 'Not ready: take this instance out of rotation', schema: ReadinessSchema },
      ],
    },
    async () => {
      let report: ReadinessReport;
      try {
        report = await readiness();
      } catch (error) {
        logger.warn({ err: error }, 'readiness check failed');
        report = { ready: false, checks: {} };
      }
      const body: ReadinessJson = { status: report.ready ? 'ready' : 'unavailable', checks: { ...report.checks } };
      return { status: report.ready ? 200 : 503, headers: NO_STORE, body };
    },
  );

  if (metrics) {
    api.route(
      {
        method: 'get',
        path: '/metrics',
        operationId: 'metrics',
        summary: 'Prometheus metrics: RED per route, MySQL pool, seat holds, event-loop delay',
        description: 'Prometheus text exposition of the request, use-case, pool, seat-hold and runtime metrics.',
        tag: 'Operations',
        access: 'anyone',
        rateLimit: 'none',
        responses: [{ status: 200, description: 'Prometheus text exposition format', contentType: 'text/plain' }],
      },
      async () => ok(await metrics.render(), { ...NO_STORE, 'Content-Type': metrics.contentType }),
    );
  }
}
