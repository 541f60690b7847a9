import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Container } from 'inversify';
import type Koa from 'koa';
import type { Logger } from 'pino';
import { createHttpApp } from '../adapters/http/app';
import { answerClientError } from '../adapters/http/client-error';
import type { HttpDependencies, ReadinessReport } from '../adapters/http/http-dependencies';
import type { Clock } from '../application/shared/ports/clock';
import type { PasswordHasher } from '../application/identity/ports/password-hasher';
import type { CreatePerformance } from '../application/catalog/create-performance/create-performance.use-case';
import type { EnsureAdmin } from '../application/identity/ensure-admin/ensure-admin.use-case';
import type { Config } from './config';
import { buildContainer, type PeriodicJob, type UseCaseDecorator } from './container';
import { seedDemoPerformances } from './demo-data';
import { openEmbeddedStores, openExternalStores, Stores } from './stores';
import { TOKENS } from './tokens';
import { SystemClock } from '../adapters/system/system-clock';
import { ServiceMetrics } from '../adapters/telemetry/metrics';
import { tracedUseCase } from '../adapters/telemetry/traced-use-case';
import { USE_CASE_SPAN_ATTRIBUTES } from '../adapters/telemetry/use-case-span-attributes';
import type { SeatStateModule } from './seat-state';

export interface ApplicationOptions {
  readonly clock?: Clock;
  readonly passwordHasher?: PasswordHasher;
  readonly decorateUseCase?: UseCaseDecorator;
  /** Replaces the stores the configuration asks for (tests hand in their own). */
  readonly stores?: Stores;
}

export interface Application {
  readonly http: Koa;
  readonly container: Container;
  readonly stores: Stores;
  listen(): Promise<Server>;
  /** Readiness turns false, in-flight requests finish (bounded), stores close. */
  stop(): Promise<void>;
}

/** The embedded default's admin, announced at start-up; never created against real stores. */
export const EMBEDDED_ADMIN = { email: 'admin@ticketing.local', password: 'embedded-admin-demo' } as const;

export async function createApplication(
  config: Config,
  logger: Logger,
  options: ApplicationOptions = {},
): Promise<Application> {
  const clock = options.clock ?? new SystemClock();
  const stores =
    options.stores ??
    (config.storage.kind === 'external'
      ? await openExternalStores(config.storage, { migrate: config.migrateOnStart, logger })
      : openEmbeddedStores(clock));
  const metrics = new ServiceMetrics();
  // Every use case gets a span and a duration-by-outcome histogram; with tracing off the
  // span is a no-op, so the wrapper costs a function call. Spans carry only the attributes
  // listed for their use case.
  const traced: UseCaseDecorator = (name, useCase) =>
    tracedUseCase(name, useCase, {
      attributes: USE_CASE_SPAN_ATTRIBUTES[name],
      onOutcome: (useCaseName, outcome, seconds) => metrics.observeUseCase(useCaseName, outcome, seconds),
    });
  // The container wires everything, the HTTP adapter's dependencies and the periodic jobs
  // included; what follows is the lifecycle: start-up data, listening, shutting down.
  const container = buildContainer({
    config,
    logger,
    stores,
    clock,
    metrics,
    ...(options.passwordHasher ? { passwordHasher: options.passwordHasher } : {}),
    decorateUseCase: options.decorateUseCase
      ? (name, useCase) => options.decorateUseCase!(name, traced(name, useCase))
      : traced,
  });

  const admin = config.admin ?? (stores.kind === 'embedded' ? EMBEDDED_ADMIN : null);
  const ensured = admin && (await container.get<EnsureAdmin>(TOKENS.EnsureAdmin).execute(admin.email, admin.password));
  if (ensured) logger.info({ outcome: ensured.outcome }, 'admin account ensured');
  if (stores.kind === 'embedded') {
    const seeded =
      config.demoData && ensured
        ? await seedDemoPerformances(
            container.get<CreatePerformance>(TOKENS.CreatePerformance),
            { memberId: ensured.memberId, role: 'ADMIN' },
            clock.now(),
          )
        : 0;
    // The demo admin's credentials are printed on purpose: they exist only in this mode.
    const adminHint = config.admin
      ? 'admin from ADMIN_EMAIL'
      : `admin ${EMBEDDED_ADMIN.email} / ${EMBEDDED_ADMIN.password}`;
    logger.warn(
      { demoPerformances: seeded },
      `EMBEDDED MODE: no DATABASE_URL/REDIS_URL set; in-memory stores, nothing is kept when the process exits; ${adminHint}`,
    );
  }

  let shuttingDown = false;
  const httpDependencies = container.get<HttpDependencies>(TOKENS.HttpDependencies);
  const http = createHttpApp({
    ...httpDependencies,
    // Readiness turns false as soon as shutdown starts, so the load balancer stops sending.
    readiness: async (): Promise<ReadinessReport> =>
      shuttingDown ? { ready: false, checks: { shutdown: 'down' } } : httpDependencies.readiness(),
  });
  const jobs = container.get<readonly PeriodicJob[]>(TOKENS.PeriodicJobs).map((job) => startPeriodic(job, logger));
  let server: Server | undefined;
  // Responses still open when shutdown starts: told to close their connection, so that
  // keep-alive sockets do not hold server.close() until the deadline.
  const openResponses = new Set<ServerResponse>();

  return {
    http,
    container,
    stores,
    listen() {
      return new Promise((resolve, reject) => {
        const listening = http.listen(config.port, config.host, () => resolve(listening));
        listening.once('error', reject);
        // Slightly above typical load-balancer idle timeouts, so the balancer closes first.
        listening.keepAliveTimeout = 65_000;
        listening.headersTimeout = 66_000;
        listening.on('clientError', answerClientError);
        listening.on('request', (_request: IncomingMessage, response: ServerResponse) => {
          if (shuttingDown) response.setHeader('Connection', 'close');
          openResponses.add(response);
          response.once('close', () => openResponses.delete(response));
        });
        server = listening;
      });
    },
    async stop() {
      shuttingDown = true;
      for (const response of openResponses) if (!response.headersSent) response.setHeader('Connection', 'close');
      for (const job of jobs) job.stop();
      // A provider that reports back from inside this process (the fake) stops sending.
      container.get<{ close?: () => void } | null>(TOKENS.PaymentProvider)?.close?.();
      // Streams never end by themselves: closing them lets their clients reconnect elsewhere.
      await container.get<SeatStateModule>(TOKENS.SeatState).view.close();
      if (server) await closeServer(server, config.http.shutdownTimeoutMs);
      await Promise.all(jobs.map((job) => job.idle()));
      // Keep-alive sockets to webhook receivers would keep the process alive.
      container.get<{ close(): void }>(TOKENS.WebhookSender).close();
      await stores.close();
    },
  };
}

/** Runs a job every `intervalMs` on every instance; never overlapping itself, never keeping the process alive. */
function startPeriodic(job: PeriodicJob, logger: Logger) {
  let running: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    running = running
      .then(() => job.run())
      .then((count) => {
        if (count > 0) logger.info({ [job.countField]: count }, job.doneMessage);
      })
      .catch((error: unknown) => logger.warn({ err: error }, job.failedMessage));
  }, job.intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer), idle: () => running };
}

function closeServer(server: Server, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const deadline = setTimeout(() => {
      server.closeAllConnections();
      resolve();
    }, timeoutMs);
    deadline.unref();
    server.close(() => {
      clearTimeout(deadline);
      resolve();
    });
    // Idle keep-alive sockets would hold close() open until they time out.
    server.closeIdleConnections();
  });
}
