import { DomainEvent } from '../../../domain/shared/aggregate-root';

/** Hands saved aggregates' events to whoever listens (metrics, logs); never throws at the caller. */
export interface EventPublisher {
  publish(events: readonly DomainEvent[]): void;
}
