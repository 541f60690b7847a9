import 'reflect-metadata';
import { Container, ServiceIdentifier } from 'inversify';
import type { Logger } from 'pino';
import { CancelReservation } from '../application/sales/cancel-reservation/cancel-reservation.use-case';
import { ConfirmReservation } from '../application/sales/confirm-reservation/confirm-reservation.use-case';
import { CreatePerformance } from '../application/catalog/create-performance/create-performance.use-case';
import { EnsureAdmin } from '../application/identity/ensure-admin/ensure-admin.use-case';
import { ExpireOverdueHolds } from '../application/sales/expire-overdue-holds/expire-overdue-holds.use-case';
import { GetMember } from '../application/identity/get-member/get-member.use-case';
import { GetPerformance } from '../application/catalog/get-performance/get-performance.use-case';
import { GetReservation } from '../application/sales/get-reservation/get-reservation.use-case';
import { GetSeatMap } from '../application/catalog/get-seat-map/get-seat-map.use-case';
import { HoldSeats } from '../application/sales/hold-seats/hold-seats.use-case';
import { ListMemberReservations } from '../application/sales/list-member-reservations/list-member-reservations.use-case';
import { ListPerformances } from '../application/catalog/list-performances/list-performances.use-case';
import { PurgeExpiredIdempotencyKeys } from '../application/idempotency/purge-expired-keys/purge-expired-idempotency-keys.use-case';
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
import { Argon2PasswordHasher } from '../adapters/security/argon2-password.hasher';
import { JoseTokenService } from '../adapters/security/jose-token.service';
import { SystemClock } from '../adapters/system/system-clock';
import { UuidV7IdGenerator } from '../adapters/system/uuid-v7.id-generator';
import type { Config } from './config';
import type { Stores } from './stores';
import { TOKENS } from './tokens';

/** Wraps each use case as it is built; telemetry uses it to add a span per use case. */
export type UseCaseDecorator = <T extends object>(name: string, useCase: T) => T;

export interface ContainerOptions {
  readonly config: Config;
  readonly logger: Logger;
  readonly stores: Stores;
  readonly clock?: Clock;
  readonly passwordHasher?: PasswordHasher;
  readonly decorateUseCase?: UseCaseDecorator;
}

/**
 * The composition root: the one place that knows which adapter serves which port. Use
 * cases and adapters stay plain classes; they are built here with `toResolvedValue`, so
 * none of them carries a decorator or imports Inversify.
 */
export function buildContainer(options: ContainerOptions): Container {
  const { config, stores } = options;
  const decorate: UseCaseDecorator = options.decorateUseCase ?? ((_name, useCase) => useCase);
  const container = new Container({ defaultScope: 'Singleton' });
  const constant = <T>(id: ServiceIdentifier<T>, value: T) => container.bind<T>(id).toConstantValue(value);

  constant(TOKENS.Config, config);
  constant(TOKENS.Logger, options.logger);
  const clock = options.clock ?? new SystemClock();
  constant(TOKENS.Clock, clock);
  constant(TOKENS.IdGenerator, new UuidV7IdGenerator());
  constant(TOKENS.PasswordHasher, options.passwordHasher ?? new Argon2PasswordHasher());
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
  constant(TOKENS.SeatHoldStore, stores.seatHolds);
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
  container
    .bind(T.SeatMapReader)
    .toResolvedValue(
      (...deps: unknown[]) => new SeatMapReader(...(deps as ConstructorParameters<typeof SeatMapReader>)),
      [T.PerformanceRepository, T.SeatStatusQuery, T.Clock],
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
  bindUseCase(T.ConfirmReservation, ConfirmReservation, [
    T.ReservationRepository,
    T.MemberRepository,
    T.SeatHoldStore,
    T.Clock,
    T.EventPublisher,
  ]);
  bindUseCase(T.CancelReservation, CancelReservation, [
    T.ReservationRepository,
    T.MemberRepository,
    T.SeatHoldStore,
    T.Clock,
    T.EventPublisher,
  ]);
  bindUseCase(T.GetReservation, GetReservation, [T.ReservationRepository, T.MemberRepository, T.Clock]);
  bindUseCase(T.ListMemberReservations, ListMemberReservations, [T.ReservationRepository, T.MemberRepository, T.Clock]);
  bindUseCase(T.ExpireOverdueHolds, ExpireOverdueHolds, [
    T.ReservationRepository,
    T.SeatHoldStore,
    T.Clock,
    T.EventPublisher,
  ]);
  bindUseCase(T.PurgeExpiredIdempotencyKeys, PurgeExpiredIdempotencyKeys, [T.IdempotencyStore, T.Clock]);

  const logger = options.logger;
  // While Redis is down every hold fails over to MySQL; one warning per 10 s says so.
  let suppressedUntil = 0;
  let suppressed = 0;
  const warnHoldStoreFailure = (error: unknown) => {
    const now = Date.now();
    if (now < suppressedUntil) {
      suppressed++;
      return;
    }
    logger.warn({ err: error, failuresSinceLastWarning: suppressed }, 'seat hold store failed; MySQL alone decides');
    suppressedUntil = now + 10_000;
    suppressed = 0;
  };
  container
    .bind(T.HoldSeats)
    .toResolvedValue(
      (...deps: unknown[]) => {
        const [performances, reservations, holds, ids, clock, events, policy] = deps as ConstructorParameters<
          typeof HoldSeats
        >;
        return decorate(
          'HoldSeats',
          new HoldSeats(performances, reservations, holds, ids, clock, events, policy, warnHoldStoreFailure),
        );
      },
      [
        T.PerformanceRepository,
        T.ReservationRepository,
        T.SeatHoldStore,
        T.IdGenerator,
        T.Clock,
        T.EventPublisher,
        T.ReservationPolicy,
      ],
    )
    .inSingletonScope();

  // Seats freed by a cancel or an expiry show as free at once to this instance's readers.
  const seatStatuses = container.get<unknown>(T.SeatStatusQuery);
  if (seatStatuses instanceof MicroCachedSeatStatusQuery) {
    container.get<InMemoryEventPublisher>(T.EventPublisher).subscribe((event) => {
      if (event.type === 'ReservationCancelled' || event.type === 'ReservationExpired') {
        seatStatuses.invalidate((event as unknown as { performanceId: string }).performanceId);
      }
    });
  }
  return container;
}
