import { EventPublisher } from '../../application/shared/ports/event-publisher';
import { DomainEvent } from '../../domain/shared/aggregate-root';

export type EventListener = (event: DomainEvent) => void;

/** Synchronous fan-out inside one process; a listener that throws does not hurt the others. */
export class InMemoryEventPublisher implements EventPublisher {
  readonly #listeners: EventListener[] = [];
  readonly published: DomainEvent[] = [];

  constructor(private readonly keepHistory = false) {}

  subscribe(listener: EventListener): void {
    this.#listeners.push(listener);
  }

  publish(events: readonly DomainEvent[]): void {
    for (const event of events) {
      if (this.keepHistory) this.published.push(event);
      for (const listener of this.#listeners) {
        try {
          listener(event);
        } catch {
          // A broken metrics or log listener must never fail a reservation.
        }
      }
    }
  }
}
