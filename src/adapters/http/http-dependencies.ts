import type { Logger } from 'pino';
import type { Clock } from '../../application/shared/ports/clock';
import type { IdempotencyStore } from './idempotency/idempotency-store';
import type { TokenService } from '../../application/identity/ports/token-service';
import type { HttpRateLimits } from './rate-limits';
import type { SeatStreamSubscriber, SeatStreamSubscription } from '../../application/seat-state/seat-state-view';
import type { RegisterMember } from '../../application/identity/register-member/register-member.use-case';
import type { LogIn } from '../../application/identity/log-in/log-in.use-case';
import type { GetMember } from '../../application/identity/get-member/get-member.use-case';
import type { CreatePerformance } from '../../application/catalog/create-performance/create-performance.use-case';
import type { ListPerformances } from '../../application/catalog/list-performances/list-performances.use-case';
import type { GetPerformance } from '../../application/catalog/get-performance/get-performance.use-case';
import type { GetSeatMap } from '../../application/catalog/get-seat-map/get-seat-map.use-case';
import type { GetSalesReport } from '../../application/sales/get-sales-report/get-sales-report.use-case';
import type { HoldSeats } from '../../application/sales/hold-seats/hold-seats.use-case';
import type { HoldBestAvailable } from '../../application/sales/hold-best-available/hold-best-available.use-case';
import type { ConfirmReservation } from '../../application/sales/confirm-reservation/confirm-reservation.use-case';
import type { CancelReservation } from '../../application/sales/cancel-reservation/cancel-reservation.use-case';
import type { Checkout } from '../../application/sales/checkout/checkout.use-case';
import type { HandlePaymentNotification } from '../../application/sales/handle-payment-notification/handle-payment-notification.use-case';
import type { GetReservation } from '../../application/sales/get-reservation/get-reservation.use-case';
import type { RegisterStaff } from '../../application/identity/register-staff/register-staff.use-case';
import type { CheckInTicket } from '../../application/sales/check-in-ticket/check-in-ticket.use-case';
import type { GetTicketCode } from '../../application/sales/get-ticket-code/get-ticket-code.use-case';
import type { ListMemberReservations } from '../../application/sales/list-member-reservations/list-member-reservations.use-case';
import type { JoinQueue } from '../../application/admission/join-queue/join-queue.use-case';
import type { GetQueueStatus } from '../../application/admission/get-queue-status/get-queue-status.use-case';
import type { CheckAdmission } from '../../application/admission/check-admission/check-admission.use-case';
import type { PublicJwk } from '../security/public-key-set';
import type { RegisterWebhook } from '../../application/integrations/register-webhook/register-webhook.use-case';
import type { ListWebhooks } from '../../application/integrations/list-webhooks/list-webhooks.use-case';
import type { DeleteWebhook } from '../../application/integrations/delete-webhook/delete-webhook.use-case';
import type { RotateWebhookSecret } from '../../application/integrations/rotate-webhook-secret/rotate-webhook-secret.use-case';
import type { ListWebhookDeliveries } from '../../application/integrations/list-webhook-deliveries/list-webhook-deliveries.use-case';

/** The use cases the HTTP adapter drives; bootstrap may hand in traced wrappers of them. */
export interface UseCases {
  readonly registerMember: Pick<RegisterMember, 'execute'>;
  readonly logIn: Pick<LogIn, 'execute'>;
  readonly getMember: Pick<GetMember, 'execute'>;
  readonly createPerformance: Pick<CreatePerformance, 'execute'>;
  readonly listPerformances: Pick<ListPerformances, 'execute'>;
  readonly getPerformance: Pick<GetPerformance, 'execute'>;
  readonly getSeatMap: Pick<GetSeatMap, 'execute'>;
  readonly getSalesReport: Pick<GetSalesReport, 'execute'>;
  readonly holdSeats: Pick<HoldSeats, 'execute'>;
  readonly holdBestAvailable: Pick<HoldBestAvailable, 'execute'>;
  readonly confirmReservation: Pick<ConfirmReservation, 'execute'>;
  readonly cancelReservation: Pick<CancelReservation, 'execute'>;
  readonly checkout: Pick<Checkout, 'execute'>;
  readonly handlePaymentNotification: Pick<HandlePaymentNotification, 'execute'>;
  readonly getReservation: Pick<GetReservation, 'execute'>;
  readonly listMemberReservations: Pick<ListMemberReservations, 'execute'>;
  readonly registerStaff: Pick<RegisterStaff, 'execute'>;
  readonly getTicketCode: Pick<GetTicketCode, 'execute'>;
  readonly checkInTicket: Pick<CheckInTicket, 'execute'>;
  readonly joinQueue: Pick<JoinQueue, 'execute'>;
  readonly getQueueStatus: Pick<GetQueueStatus, 'execute'>;
  readonly checkAdmission: Pick<CheckAdmission, 'execute'>;
  readonly registerWebhook: Pick<RegisterWebhook, 'execute'>;
  readonly listWebhooks: Pick<ListWebhooks, 'execute'>;
  readonly deleteWebhook: Pick<DeleteWebhook, 'execute'>;
  readonly rotateWebhookSecret: Pick<RotateWebhookSecret, 'execute'>;
  readonly listWebhookDeliveries: Pick<ListWebhookDeliveries, 'execute'>;
}

/** A store answers (`up`/`down`); the database schema has every migration this build needs (`current`/`behind`). */
export type ReadinessCheck = 'up' | 'down' | 'current' | 'behind';

/** What of the configuration the reservation routes state in the document. */
export interface ReservationRouteLimits {
  /** MAX_SEATS_PER_RESERVATION: the hold request's maxItems. */
  readonly maxSeatsPerReservation: number;
}

/** What the seat stream route needs of the live seat-state view. */
export interface SeatStreams {
  subscribe(
    performanceId: string,
    lastVersion: number | undefined,
    subscriber: SeatStreamSubscriber,
  ): Promise<SeatStreamSubscription>;
}

export interface ReadinessReport {
  readonly ready: boolean;
  readonly checks: Readonly<Record<string, ReadinessCheck>>;
}

export interface HttpOptions {
  readonly bodyLimitBytes: number;
  readonly requestTimeoutMs: number;
  readonly corsOrigins: readonly string[];
  /**
   * Behind a reverse proxy or load balancer: the client address is read from X-Forwarded-For.
   * `true` trusts the whole header (its first address); a number trusts that many proxy hops
   * from the right, which a client cannot spoof by sending its own header. False: the socket's peer.
   */
  readonly trustProxy?: boolean | number;
}

export interface IdempotencyDependencies {
  readonly store: IdempotencyStore;
  readonly clock: Clock;
  /** How long a key is remembered (IDEMPOTENCY_TTL_SECONDS). */
  readonly ttlSeconds: number;
}

/** What the HTTP adapter needs of the metrics registry: observe requests, expose /metrics. */
export interface HttpMetrics {
  observeHttp(method: string, route: string, status: number, seconds: number): void;
  render(): Promise<string>;
  readonly contentType: string;
}

export interface HttpDependencies {
  readonly useCases: UseCases;
  readonly tokens: TokenService;
  readonly readiness: () => Promise<ReadinessReport>;
  readonly logger: Logger;
  readonly options: HttpOptions;
  /** The reservation policy's bounds that the API document states (MAX_SEATS_PER_RESERVATION). */
  readonly reservationLimits: ReservationRouteLimits;
  readonly metrics?: HttpMetrics;
  /** Rate limits and the login guard; none when omitted (RATE_LIMIT_ENABLED=false). */
  readonly rateLimits?: HttpRateLimits;
  /** Idempotency-Key support; the header is ignored when omitted. */
  readonly idempotency?: IdempotencyDependencies;
  /** The live seat map (GET .../seats/stream); the route is absent when omitted. */
  readonly seatStreams?: SeatStreams;
  /** The public keys of the service's token signers (GET /.well-known/jwks.json); the route is absent when omitted. */
  readonly publicKeys?: { readonly keys: readonly PublicJwk[] };
}
