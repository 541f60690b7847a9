import type { WebhookDelivery } from '../../../application/integrations/ports/webhook-deliveries';
import {
  SECRET_ROTATION_OVERLAP_MS,
  type WebhookEndpointSnapshot,
} from '../../../domain/integrations/webhook-endpoint';

/** An endpoint as listed: never its secret. */
export function presentWebhook(endpoint: WebhookEndpointSnapshot) {
  return {
    id: endpoint.id,
    url: endpoint.url,
    events: [...endpoint.events],
    status: endpoint.status,
    disabledReason: endpoint.disabledReason,
    createdAt: endpoint.createdAt.toISOString(),
    // The replaced secret signs for a day after the rotation: its expiry less the overlap.
    secretRotatedAt: endpoint.previousSecretExpiresAt
      ? new Date(endpoint.previousSecretExpiresAt.getTime() - SECRET_ROTATION_OVERLAP_MS).toISOString()
      : null,
  };
}

/** At creation and rotation only: the endpoint with its (new) secret. */
export function presentWebhookWithSecret(endpoint: WebhookEndpointSnapshot) {
  return { ...presentWebhook(endpoint), secret: endpoint.secret };
}

export function presentDelivery(delivery: WebhookDelivery) {
  return {
    id: delivery.id,
    webhookId: delivery.messageId,
    eventType: delivery.eventType,
    status: delivery.status,
    attempts: delivery.attempts.map((attempt) => ({
      attemptedAt: attempt.attemptedAt.toISOString(),
      statusCode: attempt.statusCode,
      error: attempt.error,
      durationMs: attempt.durationMs,
    })),
    nextAttemptAt: delivery.nextAttemptAt?.toISOString() ?? null,
    createdAt: delivery.createdAt.toISOString(),
    deliveredAt: delivery.deliveredAt?.toISOString() ?? null,
  };
}
