import { DomainEvent } from '../../../domain/shared/aggregate-root';

/**
 * Hands saved aggregates' events to whoever listens (metrics, logs, the live seat state);
 * never throws at the caller. Use cases await it before they answer, so a listener that
 * records a change elsewhere (the seat-state log) has done so when the client hears of it.
 */
export interface EventPublisher {
  publish(events: readonly DomainEvent[]): Promise<void>;
}
