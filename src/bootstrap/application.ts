import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Container } from 'inversify';
import type Koa from 'koa';
import type { Logger } from 'pino';
import { createHttpApp } from '../adapters/http/app';
import { answerClientError } from '../adapters/http/client-error';
import type { ReadinessReport, UseCases } from '../adapters/http/http-dependencies';
import type { Clock } from '../application/shared/ports/clock';
import type { PasswordHasher } from '../application/identity/ports/password-hasher';
import type { TokenService } from '../application/identity/ports/token-service';
import type { ExpireOverdueHolds } from '../application/sales/expire-overdue-holds/expire-overdue-holds.use-case';
import type { PurgeExpiredIdempotencyKeys } from '../application/idempotency/purge-expired-keys/purge-expired-idempotency-keys.use-case';
import { FlexibleRateLimits, NO_RATE_LIMITS } from '../adapters/http/rate-limits';
import type { EnsureAdmin } from '../application/identity/ensure-admin/ensure-admin.use-case';
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
  if (stores.knex) {
    const knex = stores.knex;
    instrumentKnexPool(knex, (seconds) => metrics.observePoolAcquire(seconds));
    metrics.watchPool(() => knexPoolStats(knex));
  }
  // Every use case gets a span and a duration-by-outcome histogram; with tracing off the
  // span is a no-op, so the wrapper costs a function call.
  const traced: UseCaseDecorator = (name, useCase) =>
    tracedUseCase(name, useCase, (useCaseName, outcome, seconds) =>
      metrics.observeUseCase(useCaseName, outcome, seconds),
    );
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
  const ensured = admin && (await get<EnsureAdmin>(TOKENS.EnsureAdmin).execute(admin.email, admin.password));
  if (ensured) logger.info({ outcome: ensured.outcome }, 'admin account ensured');
  if (stores.kind === 'embedded') {
    const seeded =
      config.demoData && ensured
        ? await seedDemoPerformances(
            get(TOKENS.CreatePerformance),
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
    // RATE_LIMIT_ENABLED=false lifts the rate limits only: the seat caps are business rules.
    rateLimits: config.rateLimitEnabled
      ? new FlexibleRateLimits(
          config.rateLimits,
          stores.rateLimiters,
          throttled(logger, 'rate limiter failed; request let through'),
        )
      : NO_RATE_LIMITS,
    idempotency: { store: stores.idempotency, clock, ttlSeconds: config.idempotencyTtlSeconds },
  });

  const holdSweeper = startPeriodic(
    () => get<ExpireOverdueHolds>(TOKENS.ExpireOverdueHolds).execute(),
    config.reservation.sweepIntervalMs,
    logger,
    ['expired', 'expired overdue holds'],
    'hold sweeper failed; will retry',
  );
  const keyPurger = startPeriodic(
    () => get<PurgeExpiredIdempotencyKeys>(TOKENS.PurgeExpiredIdempotencyKeys).execute(),
    IDEMPOTENCY_PURGE_INTERVAL_MS,
    logger,
    ['purged', 'purged expired idempotency keys'],
    'idempotency key purge failed; will retry',
  );
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
      holdSweeper.stop();
      keyPurger.stop();
      if (server) await closeServer(server, config.http.shutdownTimeoutMs);
      await Promise.all([holdSweeper.idle(), keyPurger.idle()]);
      await stores.close();
    },
  };
}

/** Expired idempotency records only take space; a minute's delay in deleting them costs nothing. */
const IDEMPOTENCY_PURGE_INTERVAL_MS = 60_000;

/** Runs `job` every `intervalMs` on every instance; never overlapping itself, never keeping the process alive. */
function startPeriodic(
  job: () => Promise<number>,
  intervalMs: number,
  logger: Logger,
  [field, doneMessage]: [field: string, message: string],
  failedMessage: string,
) {
  let running: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    running = running
      .then(job)
      .then((count) => {
        if (count > 0) logger.info({ [field]: count }, doneMessage);
      })
      .catch((error: unknown) => logger.warn({ err: error }, failedMessage));
  }, intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer), idle: () => running };
}

/** A warning at most every 10 s, counting the ones it kept quiet: outages fail every request. */
function throttled(logger: Logger, message: string): (error: unknown) => void {
  let quietUntil = 0;
  let suppressed = 0;
  return (error) => {
    const now = Date.now();
    if (now < quietUntil) {
      suppressed++;
      return;
    }
    logger.warn({ err: error, failuresSinceLastWarning: suppressed }, message);
    quietUntil = now + 10_000;
    suppressed = 0;
  };
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
