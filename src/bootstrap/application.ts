import type { Server } from 'node:http';
import type { Container } from 'inversify';
import type Koa from 'koa';
import type { Logger } from 'pino';
import { createHttpApp } from '../adapters/http/app';
import type { ReadinessReport, UseCases } from '../adapters/http/http-dependencies';
import type { Clock } from '../application/ports/clock';
import type { PasswordHasher } from '../application/ports/password-hasher';
import type { TokenService } from '../application/ports/token-service';
import type { ExpireOverdueHolds } from '../application/expire-overdue-holds/expire-overdue-holds.use-case';
import type { EnsureAdmin } from '../application/ensure-admin/ensure-admin.use-case';
import type { Config } from './config';
import { buildContainer, UseCaseDecorator } from './container';
import { seedDemoPerformances } from './demo-data';
import { openEmbeddedStores, openExternalStores, Stores } from './stores';
import { TOKENS } from './tokens';
import { SystemClock } from '../adapters/system/system-clock';
import type { InMemoryEventPublisher } from '../adapters/memory/in-memory-event.publisher';
import { instrumentKnexPool, knexPoolStats } from '../adapters/telemetry/knex-pool-instrumentation';
import { ServiceMetrics } from '../adapters/telemetry/metrics';
import { tracedUseCase } from '../adapters/telemetry/traced-use-case';

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

export async function createApplication(config: Config, logger: Logger, options: ApplicationOptions = {}): Promise<Application> {
  const clock = options.clock ?? new SystemClock();
  const stores =
    options.stores ??
    (config.storage.kind === 'external'
      ? await openExternalStores(config.storage, { migrate: config.migrateOnStart, logger })
      : openEmbeddedStores(clock));
  const metrics = new ServiceMetrics();
  if (stores.knex) {
    const knex = stores.knex;
    instrumentKnexPool(knex, (seconds) => metrics.observePoolAcquire(seconds));
    metrics.watchPool(() => knexPoolStats(knex));
  }
  // Every use case gets a span and a duration-by-outcome histogram; with tracing off the
  // span is a no-op, so the wrapper costs a function call.
  const traced: UseCaseDecorator = (name, useCase) =>
    tracedUseCase(name, useCase, (useCaseName, outcome, seconds) => metrics.observeUseCase(useCaseName, outcome, seconds));
  const container = buildContainer({
    config,
    logger,
    stores,
    clock,
    ...(options.passwordHasher ? { passwordHasher: options.passwordHasher } : {}),
    decorateUseCase: options.decorateUseCase
      ? (name, useCase) => options.decorateUseCase!(name, traced(name, useCase))
      : traced,
  });
  container.get<InMemoryEventPublisher>(TOKENS.EventPublisher).subscribe((event) => metrics.observeEvent(event));
  const get = <T>(id: symbol) => container.get<T>(id);

  const admin = config.admin ?? (stores.kind === 'embedded' ? EMBEDDED_ADMIN : null);
  if (admin) {
    const outcome = await get<EnsureAdmin>(TOKENS.EnsureAdmin).execute(admin.email, admin.password);
    logger.info({ outcome }, 'admin account ensured');
  }
  if (stores.kind === 'embedded') {
    const seeded = config.demoData ? await seedDemoPerformances(get(TOKENS.CreatePerformance), clock.now()) : 0;
    // The demo admin's credentials are printed on purpose: they exist only in this mode.
    const adminHint = config.admin ? 'admin from ADMIN_EMAIL' : `admin ${EMBEDDED_ADMIN.email} / ${EMBEDDED_ADMIN.password}`;
    logger.warn(
      { demoPerformances: seeded },
      `EMBEDDED MODE: no DATABASE_URL/REDIS_URL set; in-memory stores, nothing is kept when the process exits; ${adminHint}`,
    );
  }

  let shuttingDown = false;
  const useCases: UseCases = {
    registerMember: get(TOKENS.RegisterMember),
    logIn: get(TOKENS.LogIn),
    getMember: get(TOKENS.GetMember),
    createPerformance: get(TOKENS.CreatePerformance),
    listPerformances: get(TOKENS.ListPerformances),
    getPerformance: get(TOKENS.GetPerformance),
    getSeatMap: get(TOKENS.GetSeatMap),
    holdSeats: get(TOKENS.HoldSeats),
    confirmReservation: get(TOKENS.ConfirmReservation),
    cancelReservation: get(TOKENS.CancelReservation),
    getReservation: get(TOKENS.GetReservation),
    listMemberReservations: get(TOKENS.ListMemberReservations),
  };
  const http = createHttpApp({
    useCases,
    tokens: get<TokenService>(TOKENS.TokenService),
    readiness: async (): Promise<ReadinessReport> => {
      if (shuttingDown) return { ready: false, checks: { shutdown: 'down' } };
      return get<() => Promise<ReadinessReport>>(TOKENS.Readiness)();
    },
    logger,
    options: config.http,
    metrics,
  });

  const sweeper = startSweeper(get(TOKENS.ExpireOverdueHolds), config.reservation.sweepIntervalMs, logger);
  let server: Server | undefined;

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
        server = listening;
      });
    },
    async stop() {
      shuttingDown = true;
      sweeper.stop();
      if (server) await closeServer(server, config.http.shutdownTimeoutMs);
      await sweeper.idle();
      await stores.close();
    },
  };
}

/** Runs the sweeper every `intervalMs`; never overlapping itself, never keeping the process alive. */
function startSweeper(expire: ExpireOverdueHolds, intervalMs: number, logger: Logger) {
  let running: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    running = running
      .then(() => expire.execute())
      .then((expired) => {
        if (expired > 0) logger.info({ expired }, 'expired overdue holds');
      })
      .catch((error: unknown) => logger.warn({ err: error }, 'hold sweeper failed; will retry'));
  }, intervalMs);
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
