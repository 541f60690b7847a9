import type { WebhookEventType } from '../../../domain/integrations/webhook-events';

export type DeliveryStatus = 'PENDING' | 'DELIVERED' | 'FAILED';

/** One try at sending a delivery: the receiver's status code, or why there was none. */
export interface DeliveryAttempt {
  readonly attemptedAt: Date;
  readonly statusCode: number | null;
  readonly error: string | null;
  readonly durationMs: number;
}

/** One message owed to one endpoint. */
export interface WebhookDelivery {
  readonly id: string;
  readonly endpointId: string;
  readonly messageId: string;
  readonly eventType: WebhookEventType;
  readonly status: DeliveryStatus;
  readonly attempts: readonly DeliveryAttempt[];
  /** When it is tried next; null once DELIVERED or FAILED. */
  readonly nextAttemptAt: Date | null;
  readonly createdAt: Date;
  readonly deliveredAt: Date | null;
}

/** A delivery claimed for sending now. */
export interface DueDelivery {
  readonly id: string;
  readonly endpointId: string;
  readonly messageId: string;
  readonly body: string;
  /** Attempts recorded before this one. */
  readonly attemptsMade: number;
}

export type AttemptOutcome =
  | { readonly status: 'DELIVERED' }
  | { readonly status: 'PENDING'; readonly nextAttemptAt: Date }
  | { readonly status: 'FAILED' };

export interface AttemptRecord {
  readonly deliveryId: string;
  readonly attempt: DeliveryAttempt;
  readonly outcome: AttemptOutcome;
}

export interface DeliveryPage {
  readonly items: readonly WebhookDelivery[];
  readonly total: number;
}

/**
 * The durable half of the relay: the outbox the repositories write to, and the deliveries it
 * is fanned out into. Every method is safe to call from several instances at once.
 */
export interface WebhookDeliveryStore {
  /**
   * Moves up to `limit` messages from the outbox into one PENDING delivery per enabled
   * endpoint subscribed to the message's type, due at `now`, and drops them from the outbox
   * (those no endpoint wants included). A message whose ordering key has an earlier message
   * still in the outbox (another instance is moving it) waits for the next call. Returns how
   * many messages it moved.
   */
  fanOut(now: Date, limit: number): Promise<number>;

  /**
   * Claims up to `limit` PENDING deliveries due at `now`, each the oldest PENDING one of its
   * endpoint and ordering key, and pushes their next attempt to `leaseUntil`: no other caller
   * claims them meanwhile, and if this one dies they are due again then.
   */
  claimDue(now: Date, limit: number, leaseUntil: Date): Promise<DueDelivery[]>;

  /** Records a round's attempts and what became of each delivery, all at once. */
  recordAttempts(records: readonly AttemptRecord[]): Promise<void>;

  /** Marks every PENDING delivery of the endpoint FAILED (it was disabled); returns how many. */
  failPending(endpointId: string, now: Date): Promise<number>;

  /** Page `page` (from 1) of the endpoint's deliveries, newest first, with their attempts. */
  pageByEndpoint(endpointId: string, page: number, size: number): Promise<DeliveryPage>;

  /** Deletes up to `limit` DELIVERED or FAILED deliveries finished before `before`. */
  purgeFinished(before: Date, limit: number): Promise<number>;
}
