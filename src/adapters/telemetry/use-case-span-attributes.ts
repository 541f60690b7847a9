import type { Attributes } from '@opentelemetry/api';
import type { CreatePerformance } from '../../application/catalog/create-performance/create-performance.use-case';
import type { GetPerformance } from '../../application/catalog/get-performance/get-performance.use-case';
import type { GetSeatMap } from '../../application/catalog/get-seat-map/get-seat-map.use-case';
import type { ListPerformances } from '../../application/catalog/list-performances/list-performances.use-case';
import type { PurgeExpiredIdempotencyKeys } from '../http/idempotency/purge-expired-idempotency-keys';
import type { EnsureAdmin } from '../../application/identity/ensure-admin/ensure-admin.use-case';
import type { GetMember } from '../../application/identity/get-member/get-member.use-case';
import type { RegisterMember } from '../../application/identity/register-member/register-member.use-case';
import type { CancelReservation } from '../../application/sales/cancel-reservation/cancel-reservation.use-case';
import type { ConfirmReservation } from '../../application/sales/confirm-reservation/confirm-reservation.use-case';
import type { ExpireOverdueHolds } from '../../application/sales/expire-overdue-holds/expire-overdue-holds.use-case';
import type { GetReservation } from '../../application/sales/get-reservation/get-reservation.use-case';
import type { HoldSeats } from '../../application/sales/hold-seats/hold-seats.use-case';
import type { HoldBestAvailable } from '../../application/sales/hold-best-available/hold-best-available.use-case';
import type { ListMemberReservations } from '../../application/sales/list-member-reservations/list-member-reservations.use-case';
import type { Actor } from '../../application/shared/actor';
import type { ReservationSnapshot } from '../../domain/sales/reservation';
import type { SpanAttributesOf } from './traced-use-case';

/** The attributes a use case's span may carry, typed by that use case's own `execute`. */
type For<UseCase extends { execute(...args: never[]): Promise<unknown> }> = SpanAttributesOf<
  Parameters<UseCase['execute']>,
  Awaited<ReturnType<UseCase['execute']>>
>;

const member = (actor: Actor): Attributes => ({ 'app.member_id': actor.memberId });

const reservationCall = {
  fromArguments: (actor: Actor, reservationId: string) => ({ ...member(actor), 'app.reservation_id': reservationId }),
  fromResult: (reservation: ReservationSnapshot) => ({ 'app.performance_id': reservation.performanceId }),
};

/**
 * Per use case (by class name), the only values its span exports: ids, counts and codes.
 * A use case missing here gets a span with its name and outcome and nothing else; LogIn
 * and EnsureAdmin take an email and a password and LogIn returns a token, so they list
 * only what is safe or nothing at all.
 */
export const USE_CASE_SPAN_ATTRIBUTES: Readonly<Record<string, SpanAttributesOf>> = {
  RegisterMember: { fromResult: (registered) => ({ 'app.member_id': registered.id }) } satisfies For<RegisterMember>,
  EnsureAdmin: {
    fromResult: (ensured) => ({ 'app.admin_account': ensured.outcome, 'app.member_id': ensured.memberId }),
  } satisfies For<EnsureAdmin>,
  GetMember: { fromArguments: member } satisfies For<GetMember>,
  CreatePerformance: {
    fromArguments: member,
    fromResult: (performance) => ({ 'app.performance_id': performance.id }),
  } satisfies For<CreatePerformance>,
  ListPerformances: {
    fromArguments: (page, size) => ({ 'app.page': page, 'app.page_size': size }),
    fromResult: (listed) => ({ 'app.performance_count': listed.items.length }),
  } satisfies For<ListPerformances>,
  GetPerformance: {
    fromArguments: (performanceId) => ({ 'app.performance_id': performanceId }),
  } satisfies For<GetPerformance>,
  GetSeatMap: { fromArguments: (performanceId) => ({ 'app.performance_id': performanceId }) } satisfies For<GetSeatMap>,
  HoldSeats: {
    fromArguments: (actor, input) => ({
      ...member(actor),
      'app.performance_id': input.performanceId,
      'app.seat_count': input.seatIds.length,
    }),
    fromResult: (reservation) => ({ 'app.reservation_id': reservation.id }),
  } satisfies For<HoldSeats>,
  HoldBestAvailable: {
    fromArguments: (actor, input) => ({
      ...member(actor),
      'app.performance_id': input.performanceId,
      'app.seat_count': input.quantity,
    }),
    fromResult: (reservation) => ({ 'app.reservation_id': reservation.id }),
  } satisfies For<HoldBestAvailable>,
  ConfirmReservation: reservationCall satisfies For<ConfirmReservation>,
  CancelReservation: reservationCall satisfies For<CancelReservation>,
  GetReservation: reservationCall satisfies For<GetReservation>,
  ListMemberReservations: {
    fromArguments: member,
    fromResult: (found) => ({
      'app.reservation_count': found.items.length,
      'app.page': found.page,
      'app.total_count': found.total,
    }),
  } satisfies For<ListMemberReservations>,
  ExpireOverdueHolds: { fromResult: (expired) => ({ 'app.expired_count': expired }) } satisfies For<ExpireOverdueHolds>,
  PurgeExpiredIdempotencyKeys: {
    fromResult: (purged) => ({ 'app.purged_count': purged }),
  } satisfies For<PurgeExpiredIdempotencyKeys>,
};
