import { Container, ServiceIdentifier } from 'inversify';
import type { Logger } from 'pino';
import { CancelReservation } from '../application/sales/cancel-reservation/cancel-reservation.use-case';
import { ConfirmReservation } from '../application/sales/confirm-reservation/confirm-reservation.use-case';
import { Checkout, type CheckoutPolicy } from '../application/sales/checkout/checkout.use-case';
import { HandlePaymentNotification } from '../application/sales/handle-payment-notification/handle-payment-notification.use-case';
import { RefundDuePayments } from '../application/sales/refund-due-payments/refund-due-payments.use-case';
import type { PaymentProvider } from '../application/sales/ports/payment-provider';
import { choosePaymentProvider } from './payments';
import { CreatePerformance } from '../application/catalog/create-performance/create-performance.use-case';
import { EnsureAdmin } from '../application/identity/ensure-admin/ensure-admin.use-case';
import { ExpireOverdueHolds } from '../application/sales/expire-overdue-holds/expire-overdue-holds.use-case';
import { GetMember } from '../application/identity/get-member/get-member.use-case';
import { GetPerformance } from '../application/catalog/get-performance/get-performance.use-case';
import { GetSalesReport } from '../application/sales/get-sales-report/get-sales-report.use-case';
import { GetReservation } from '../application/sales/get-reservation/get-reservation.use-case';
import { GetSeatMap } from '../application/catalog/get-seat-map/get-seat-map.use-case';
import { HoldSeats } from '../application/sales/hold-seats/hold-seats.use-case';
import { HoldBestAvailable } from '../application/sales/hold-best-available/hold-best-available.use-case';
import {
  BestEffortBestAvailableStore,
  BestEffortSeatHoldStore,
} from '../application/sales/best-effort-seat-hold-store';
import { ListMemberReservations } from '../application/sales/list-member-reservations/list-member-reservations.use-case';
import { ListPerformances } from '../application/catalog/list-performances/list-performances.use-case';
import { PurgeExpiredIdempotencyKeys } from '../adapters/http/idempotency/purge-expired-idempotency-keys';
import { LogIn } from '../application/identity/log-in/log-in.use-case';
import type { Clock } from '../application/shared/ports/clock';
import type { PasswordHasher } from '../application/identity/ports/password-hasher';
import { MemberRegistration } from '../application/identity/member-registration';
import { SeatMapReader } from '../application/catalog/seat-map';
import { RegisterMember } from '../application/identity/register-member/register-member.use-case';
import type { ReservationPolicy } from '../application/sales/reservation-policy';
import { CachedPerformanceRepository } from '../adapters/cache/cached-performance.repository';
import { MicroCachedSeatStatusQuery } from '../adapters/cache/micro-cached-seat-status.query';
import { InMemoryEventPublisher } from '../adapters/memory/in-memory-event.publisher';
import { Argon2PasswordHasher, OWASP_ARGON2ID } from '../adapters/security/argon2-password.hasher';
import { JoseTokenService } from '../adapters/security/jose-token.service';
import { SystemClock } from '../adapters/system/system-clock';
import { throttledWarning } from '../adapters/telemetry/throttled-warning';
import { UuidV7IdGenerator } from '../adapters/system/uuid-v7.id-generator';
import type { HttpDependencies, IdempotencyDependencies, UseCases } from '../adapters/http/http-dependencies';
import { FlexibleRateLimits, NO_RATE_LIMITS, type HttpRateLimits } from '../adapters/http/rate-limits';
import { instrumentKnexPool, knexPoolStats } from '../adapters/telemetry/knex-pool-instrumentation';
import { ServiceMetrics } from '../adapters/telemetry/metrics';
import type { Config } from './config';
import type { Stores } from './stores';
import { buildSeatState, type SeatStateModule } from './seat-state';
import type { SeatStates } from '../application/seat-state/ports/seat-states';
import {
  admissionSigningKey,
  buildAdmission,
  PublicKeySet,
  WAITING_ROOM_ADVANCE_INTERVAL_MS,
  type AdmissionModule,
} from './admission';
import type { PeriodicJob } from './periodic-job';
import { ticketSigningKey } from './tickets';
import { Ed25519TicketCodes } from '../adapters/security/ed25519-ticket-codes';
import { RegisterStaff } from '../application/identity/register-staff/register-staff.use-case';
import { CheckInTicket } from '../application/sales/check-in-ticket/check-in-ticket.use-case';
import { GetTicketCode } from '../application/sales/get-ticket-code/get-ticket-code.use-case';
import { TOKENS } from './tokens';
import { bindWebhooks } from './webhooks';

/** Wraps each use case as it is built; telemetry uses it to add a span per use case. */
export type UseCaseDecorator = <T extends object>(name: string, useCase: T) => T;

export interface ContainerOptions {
  readonly config: Config;
  readonly logger: Logger;
  readonly stores: Stores;
  readonly clock?: Clock;
  readonly passwordHasher?: PasswordHasher;
  readonly decorateUseCase?: UseCaseDecorator;
  /** The registry behind /metrics; bootstrap shares it with the use-case decorator. */
  readonly metrics?: ServiceMetrics;
}

export type { PeriodicJob } from './periodic-job';

/** Expired idempotency records only take space; a minute's delay in deleting them costs nothing. */
const IDEMPOTENCY_PURGE_INTERVAL_MS = 60_000;

/** How often refunds the provider did not do at once are asked for again (a no-op while none is due). */
const REFUND_RETRY_INTERVAL_MS = 10_000;

/** How often missed seat changes are looked for (a no-op while there are none). */
const SEAT_STATE_REPAIR_INTERVAL_MS = 1_000;

/**
 * The composition root: the one place that knows which adapter serves which port. Use
 * cases and adapters stay plain classes; they are built here with `toResolvedValue`, so
 * none of them carries a decorator or imports Inversify.
 */
export function buildContainer(options: ContainerOptions): Container {
  const { config, stores, logger } = options;
  const decorate: UseCaseDecorator = options.decorateUseCase ?? ((_name, useCase) => useCase);
  const container = new Container({ defaultScope: 'Singleton' });
  const constant = <T>(id: ServiceIdentifier<T>, value: T) => container.bind<T>(id).toConstantValue(value);

  const clock = options.clock ?? new SystemClock();
  constant(TOKENS.Clock, clock);
  constant(TOKENS.IdGenerator, new UuidV7IdGenerator());
  constant(
    TOKENS.PasswordHasher,
    options.passwordHasher ??
      new Argon2PasswordHasher({
        ...OWASP_ARGON2ID,
        concurrency: config.passwordHashConcurrency ?? Infinity,
        // A hash still queued when its request has timed out is hashing for nobody.
        maxQueueWaitMs: config.http.requestTimeoutMs,
      }),
  );
  constant(TOKENS.TokenService, new JoseTokenService(config.jwtSecret, config.tokenTtlSeconds, clock));
  constant(TOKENS.EventPublisher, new InMemoryEventPublisher());
  constant<ReservationPolicy>(TOKENS.ReservationPolicy, {
    holdSeconds: config.reservation.holdSeconds,
    maxSeatsPerReservation: config.reservation.maxSeatsPerReservation,
    maxSeatsPerMember: config.reservation.maxSeatsPerMember,
  });

  constant(TOKENS.MemberRepository, stores.members);
  constant(TOKENS.PerformanceCatalog, stores.catalog);
  constant(TOKENS.ReservationRepository, stores.reservations);
  constant(TOKENS.CheckInRepository, stores.checkIns);
  // While Redis is down every hold fails over to MySQL; one warning per 10 s says so.
  constant(
    TOKENS.SeatHoldStore,
    new BestEffortSeatHoldStore(
      stores.seatHolds,
      throttledWarning(logger, 'seat hold store failed; MySQL alone decides'),
    ),
  );
  constant(
    TOKENS.BestAvailableStore,
    new BestEffortBestAvailableStore(
      stores.bestAvailable,
      throttledWarning(logger, 'best-available store failed; the rule runs on MySQL'),
    ),
  );
  // Best-available without Redis reads MySQL itself: a cached view would only cost lost blocks.
  constant(TOKENS.UncachedSeatStatusQuery, stores.seatStatuses);
  constant(TOKENS.SalesReportQuery, stores.salesReports);
  constant(TOKENS.IdempotencyStore, stores.idempotency);
  constant(TOKENS.Readiness, () => stores.readiness());
  // Caching is a wiring decision: CACHE_ENABLED=false measures the service without it.
  constant(
    TOKENS.PerformanceRepository,
    config.cache.enabled ? new CachedPerformanceRepository(stores.performances) : stores.performances,
  );
  constant(
    TOKENS.SeatStatusQuery,
    config.cache.enabled && config.cache.seatMapMs > 0
      ? new MicroCachedSeatStatusQuery(stores.seatStatuses, config.cache.seatMapMs)
      : stores.seatStatuses,
  );

  const bindUseCase = <T extends object, A extends unknown[]>(
    id: ServiceIdentifier<T>,
    UseCase: new (...args: A) => T,
    dependencies: ServiceIdentifier[],
  ) =>
    container
      .bind<T>(id)
      .toResolvedValue(
        (...resolved: unknown[]) => decorate(UseCase.name, new UseCase(...(resolved as A))),
        dependencies,
      )
      .inSingletonScope();

  const T = TOKENS;
  container
    .bind(T.MemberRegistration)
    .toResolvedValue(
      (...deps: unknown[]) => new MemberRegistration(...(deps as ConstructorParameters<typeof MemberRegistration>)),
      [T.MemberRepository, T.PasswordHasher, T.IdGenerator, T.Clock, T.EventPublisher],
    );
  // The live seat state serves the seat map; the SeatStatusQuery (MySQL) only while its log is unreachable.
  const seatState = buildSeatState(config, stores, container.get(T.SeatStatusQuery), logger);
  constant<SeatStateModule>(T.SeatState, seatState);
  constant<SeatStates>(T.SeatStates, seatState.view);
  container.get<InMemoryEventPublisher>(T.EventPublisher).subscribe(seatState.recorder.listener);
  container
    .bind(T.SeatMapReader)
    .toResolvedValue(
      (performances: unknown, clock: unknown) =>
        new SeatMapReader(
          performances as ConstructorParameters<typeof SeatMapReader>[0],
          seatState.view,
          clock as ConstructorParameters<typeof SeatMapReader>[2],
        ),
      [T.PerformanceRepository, T.Clock],
    );
  bindUseCase(T.RegisterMember, RegisterMember, [T.MemberRegistration]);
  bindUseCase(T.LogIn, LogIn, [T.MemberRepository, T.PasswordHasher, T.TokenService]);
  bindUseCase(T.GetMember, GetMember, [T.MemberRepository]);
  bindUseCase(T.EnsureAdmin, EnsureAdmin, [T.MemberRepository, T.MemberRegistration]);
  bindUseCase(T.CreatePerformance, CreatePerformance, [
    T.PerformanceRepository,
    T.MemberRepository,
    T.IdGenerator,
    T.Clock,
    T.EventPublisher,
  ]);
  bindUseCase(T.ListPerformances, ListPerformances, [T.PerformanceCatalog, T.Clock]);
  bindUseCase(T.GetSeatMap, GetSeatMap, [T.SeatMapReader]);
  bindUseCase(T.GetPerformance, GetPerformance, [T.SeatMapReader]);
  bindUseCase(T.GetSalesReport, GetSalesReport, [
    T.PerformanceRepository,
    T.SalesReportQuery,
    T.MemberRepository,
    T.Clock,
  ]);
  // Payments: the provider PAYMENT_PROVIDER names (null: none), reporting back in-process to
  // the same use case as POST /payments/webhooks/:provider.
  const paymentProvider = choosePaymentProvider(config, {
    clock,
    logger,
    deliverWebhook: (provider, rawBody, signature) =>
      container.get<HandlePaymentNotification>(T.HandlePaymentNotification).execute(provider, rawBody, signature),
  });
  constant<PaymentProvider | null>(T.PaymentProvider, paymentProvider);
  constant<boolean>(T.PaymentRequired, paymentProvider !== null);
  constant<CheckoutPolicy>(T.CheckoutPolicy, {
    holdExtensionSeconds: config.payments.checkoutHoldExtensionSeconds,
  });
  constant<(error: unknown) => void>(
    T.RefundFailureReport,
    throttledWarning(logger, 'payment provider did not refund now; the refund stays due and is retried'),
  );
  bindUseCase(T.ConfirmReservation, ConfirmReservation, [
    T.ReservationRepository,
    T.MemberRepository,
    T.SeatHoldStore,
    T.Clock,
    T.EventPublisher,
    T.TicketCodes,
    T.PaymentRequired,
  ]);
  bindUseCase(T.CancelReservation, CancelReservation, [
    T.ReservationRepository,
    T.MemberRepository,
    T.SeatHoldStore,
    T.Clock,
    T.EventPublisher,
    T.PaymentProvider,
    T.RefundFailureReport,
  ]);
  bindUseCase(T.Checkout, Checkout, [
    T.ReservationRepository,
    T.MemberRepository,
    T.PaymentProvider,
    T.SeatHoldStore,
    T.IdGenerator,
    T.Clock,
    T.EventPublisher,
    T.CheckoutPolicy,
  ]);
  bindUseCase(T.HandlePaymentNotification, HandlePaymentNotification, [
    T.ReservationRepository,
    T.PaymentProvider,
    T.SeatHoldStore,
    T.Clock,
    T.EventPublisher,
    T.RefundFailureReport,
  ]);
  if (paymentProvider) {
    bindUseCase(T.RefundDuePayments, RefundDuePayments, [
      T.ReservationRepository,
      T.PaymentProvider,
      T.Clock,
      T.EventPublisher,
    ]);
  }
  bindUseCase(T.GetReservation, GetReservation, [T.ReservationRepository, T.MemberRepository, T.Clock, T.TicketCodes]);
  bindUseCase(T.GetTicketCode, GetTicketCode, [T.ReservationRepository, T.MemberRepository, T.TicketCodes]);
  bindUseCase(T.CheckInTicket, CheckInTicket, [
    T.ReservationRepository,
    T.CheckInRepository,
    T.MemberRepository,
    T.TicketCodes,
    T.Clock,
    T.EventPublisher,
  ]);
  bindUseCase(T.RegisterStaff, RegisterStaff, [T.MemberRepository, T.MemberRegistration]);
  bindUseCase(T.ListMemberReservations, ListMemberReservations, [T.ReservationRepository, T.MemberRepository, T.Clock]);
  bindUseCase(T.ExpireOverdueHolds, ExpireOverdueHolds, [
    T.ReservationRepository,
    T.SeatHoldStore,
    T.Clock,
    T.EventPublisher,
  ]);
  bindUseCase(T.PurgeExpiredIdempotencyKeys, PurgeExpiredIdempotencyKeys, [T.IdempotencyStore, T.Clock]);

  bindUseCase(T.HoldSeats, HoldSeats, [
    T.PerformanceRepository,
    T.ReservationRepository,
    T.SeatHoldStore,
    T.IdGenerator,
    T.Clock,
    T.EventPublisher,
    T.ReservationPolicy,
    T.SeatStates,
  ]);
  bindUseCase(T.HoldBestAvailable, HoldBestAvailable, [
    T.PerformanceRepository,
    T.ReservationRepository,
    T.SeatHoldStore,
    T.BestAvailableStore,
    T.UncachedSeatStatusQuery,
    T.IdGenerator,
    T.Clock,
    T.EventPublisher,
    T.ReservationPolicy,
  ]);

  // Waiting rooms and admission tokens; their public keys join the service's key set.
  constant(T.PublicKeys, new PublicKeySet());
  const admission = buildAdmission({
    signingKey: admissionSigningKey(config, logger),
    publicKeys: container.get<PublicKeySet>(T.PublicKeys),
    store: stores.waitingRooms,
    performances: container.get(T.PerformanceRepository),
    clock,
    policy: { abandonSeconds: config.admission.abandonSeconds },
    decorate,
  });
  constant<AdmissionModule>(T.Admission, admission);
  constant(T.JoinQueue, admission.joinQueue);
  constant(T.GetQueueStatus, admission.getQueueStatus);
  constant(T.CheckAdmission, admission.checkAdmission);

  // Ticket codes: their public key joins the same key set, so a gate verifies them offline.
  const ticketKey = ticketSigningKey(config, logger);
  container.get<PublicKeySet>(T.PublicKeys).add(ticketKey.publicJwk);
  constant(T.TicketCodes, new Ed25519TicketCodes(ticketKey));

  // Outgoing webhooks: admin use cases, the relay and its purge (src/bootstrap/webhooks.ts).
  const webhookJobs = bindWebhooks(container, config, stores, bindUseCase);

  // What the HTTP adapter drives, and the rate limits and idempotency it applies.
  const HTTP_USE_CASES: { readonly [K in keyof UseCases]: ServiceIdentifier<UseCases[K]> } = {
    registerMember: T.RegisterMember,
    logIn: T.LogIn,
    getMember: T.GetMember,
    createPerformance: T.CreatePerformance,
    listPerformances: T.ListPerformances,
    getPerformance: T.GetPerformance,
    getSeatMap: T.GetSeatMap,
    getSalesReport: T.GetSalesReport,
    holdSeats: T.HoldSeats,
    holdBestAvailable: T.HoldBestAvailable,
    confirmReservation: T.ConfirmReservation,
    cancelReservation: T.CancelReservation,
    checkout: T.Checkout,
    handlePaymentNotification: T.HandlePaymentNotification,
    getReservation: T.GetReservation,
    listMemberReservations: T.ListMemberReservations,
    registerStaff: T.RegisterStaff,
    getTicketCode: T.GetTicketCode,
    checkInTicket: T.CheckInTicket,
    joinQueue: T.JoinQueue,
    getQueueStatus: T.GetQueueStatus,
    checkAdmission: T.CheckAdmission,
    registerWebhook: T.RegisterWebhook,
    listWebhooks: T.ListWebhooks,
    deleteWebhook: T.DeleteWebhook,
    rotateWebhookSecret: T.RotateWebhookSecret,
    listWebhookDeliveries: T.ListWebhookDeliveries,
  };
  container
    .bind<UseCases>(T.HttpUseCases)
    .toDynamicValue(
      (context) =>
        Object.fromEntries(
          Object.entries(HTTP_USE_CASES).map(([name, id]) => [name, context.get<unknown>(id)]),
        ) as unknown as UseCases,
    );
  container.bind<HttpRateLimits>(T.RateLimits).toDynamicValue(() =>
    // RATE_LIMIT_ENABLED=false lifts the rate limits only: the seat caps are business rules.
    config.rateLimitEnabled
      ? new FlexibleRateLimits(
          config.rateLimits,
          stores.rateLimiters,
          throttledWarning(logger, 'rate limiter failed; request let through'),
        )
      : NO_RATE_LIMITS,
  );
  constant<IdempotencyDependencies>(T.IdempotencySettings, {
    store: stores.idempotency,
    clock,
    ttlSeconds: config.idempotencyTtlSeconds,
  });
  container.bind<HttpDependencies>(T.HttpDependencies).toDynamicValue((context) => ({
    useCases: context.get<UseCases>(T.HttpUseCases),
    tokens: context.get(T.TokenService),
    readiness: context.get(T.Readiness),
    logger,
    options: config.http,
    metrics: context.get(T.Metrics),
    rateLimits: context.get(T.RateLimits),
    idempotency: context.get(T.IdempotencySettings),
    reservationLimits: { maxSeatsPerReservation: config.reservation.maxSeatsPerReservation },
    seatStreams: seatState.view,
    publicKeys: context.get<PublicKeySet>(T.PublicKeys),
  }));

  // Every instance sweeps overdue holds, purges expired idempotency keys, and keeps the live
  // seat state in line with MySQL: changes the log missed (Redis down when they were made) are
  // rebuilt as soon as it answers again; the reconciliation catches those of an instance that died.
  container.bind<readonly PeriodicJob[]>(T.PeriodicJobs).toDynamicValue((context) => [
    {
      intervalMs: config.reservation.sweepIntervalMs,
      run: () => context.get<ExpireOverdueHolds>(T.ExpireOverdueHolds).execute(),
      countField: 'expired',
      doneMessage: 'expired overdue holds',
      failedMessage: 'hold sweeper failed; will retry',
    },
    {
      intervalMs: IDEMPOTENCY_PURGE_INTERVAL_MS,
      run: () => context.get<PurgeExpiredIdempotencyKeys>(T.PurgeExpiredIdempotencyKeys).execute(),
      countField: 'purged',
      doneMessage: 'purged expired idempotency keys',
      failedMessage: 'idempotency key purge failed; will retry',
    },
    {
      intervalMs: SEAT_STATE_REPAIR_INTERVAL_MS,
      run: () => seatState.recorder.repair(),
      countField: 'rebuilt',
      doneMessage: 'seat state rebuilt from MySQL after missed changes',
      failedMessage: 'seat state repair failed; will retry',
    },
    {
      intervalMs: config.seatStream.reconcileMs,
      run: () => seatState.view.reconcile(),
      countField: 'rebuilt',
      doneMessage: 'seat state differed from MySQL; rebuilt',
      failedMessage: 'seat state reconciliation failed; will retry',
    },
    {
      intervalMs: WAITING_ROOM_ADVANCE_INTERVAL_MS,
      // Admissions happen several times a second during an on-sale: not logged a line each
      // (the admitted are in Redis, and every member's own state is GET …/queue/me).
      run: async () => {
        await admission.advanceWaitingRooms.execute();
        return 0;
      },
      countField: 'admitted',
      doneMessage: 'members admitted from waiting rooms',
      failedMessage: 'advancing waiting rooms failed; will retry',
    },
    ...webhookJobs(context),
    ...(paymentProvider
      ? [
          {
            intervalMs: REFUND_RETRY_INTERVAL_MS,
            run: () => context.get<RefundDuePayments>(T.RefundDuePayments).execute(),
            countField: 'refunded',
            doneMessage: 'refunds that were due are done',
            failedMessage: 'refund retry failed; will retry',
          },
        ]
      : []),
  ]);

  // Telemetry: the pools' waits and every domain event are counted.
  const metrics = options.metrics ?? new ServiceMetrics();
  constant(T.Metrics, metrics);
  if (stores.mysqlPools) {
    const pools = stores.mysqlPools;
    for (const [name, knex] of Object.entries(pools)) {
      instrumentKnexPool(knex, name, (seconds) => metrics.observePoolAcquire(seconds));
    }
    metrics.watchPool(() => knexPoolStats(Object.values(pools)));
  }
  const events = container.get<InMemoryEventPublisher>(T.EventPublisher);
  events.subscribe((event) => metrics.observeEvent(event));

  // Seats freed by a cancel or an expiry show as free at once to this instance's readers.
  const seatStatuses = container.get<unknown>(T.SeatStatusQuery);
  if (seatStatuses instanceof MicroCachedSeatStatusQuery) {
    events.subscribe((event) => {
      if (event.type === 'ReservationCancelled' || event.type === 'ReservationExpired') {
        seatStatuses.invalidate((event as unknown as { performanceId: string }).performanceId);
      }
    });
  }
  return container;
}
