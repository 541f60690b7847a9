import { DomainError } from '../shared/domain-error';

export class WebhookNotFoundError extends DomainError {
  readonly code = 'WEBHOOK_NOT_FOUND';
  constructor(webhookId: string) {
    super(`Webhook ${webhookId} does not exist`, { webhookId });
  }
}

/**
 * A webhook URL the service refuses to call: not https, or resolving to an address that is
 * not public (loopback, private, link-local, unique-local, ...). Raised when an endpoint is
 * registered and, for a delivery, before every send (DNS can change in between).
 */
export class WebhookUrlForbiddenError extends DomainError {
  readonly code = 'WEBHOOK_URL_FORBIDDEN';
  constructor(reason: string) {
    super(`Webhook URL refused: ${reason}`, { reason });
  }
}
