/**
 * The events that leave the service, by their Standard Webhooks `type`. A receiver
 * subscribes to some of them; the outbox keeps every one the service emits (the
 * `ticket.*` types join this list with the module that emits them).
 */
export const WEBHOOK_EVENT_TYPES = [
  'reservation.held',
  'reservation.confirmed',
  'reservation.cancelled',
  'reservation.expired',
  'ticket.checked_in',
  'payment.succeeded',
  'payment.refunded',
] as const;

export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

export function isWebhookEventType(type: string): type is WebhookEventType {
  return (WEBHOOK_EVENT_TYPES as readonly string[]).includes(type);
}

/**
 * One event as the outbox keeps it, written in the same transaction as the change that
 * caused it. `id` is the Standard Webhooks `webhook-id`: one per event, the same on every
 * retry and for every endpoint. Messages with one `orderingKey` (a reservation) reach each
 * endpoint in the order they were written.
 */
export interface OutboxMessage {
  readonly id: string;
  readonly type: WebhookEventType;
  readonly orderingKey: string;
  readonly occurredAt: Date;
  readonly data: Readonly<Record<string, unknown>>;
}

/** The body every delivery of a message carries, byte for byte the same on each retry. */
export function webhookBody(message: Pick<OutboxMessage, 'type' | 'occurredAt' | 'data'>): string {
  return JSON.stringify({ type: message.type, timestamp: message.occurredAt.toISOString(), data: message.data });
}
