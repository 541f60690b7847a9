import type { DomainEvent } from '../../../domain/shared/aggregate-root';
import type { OutboxMessage } from '../../../domain/integrations/webhook-events';

/**
 * What a repository writes to the outbox in the same transaction as the change it saves:
 * the messages of the change's domain events (none for events that do not leave the service).
 */
export interface OutboxTranslator {
  messagesFor(events: readonly DomainEvent[]): OutboxMessage[];
}
