import { EventPublisher } from '../../application/shared/ports/event-publisher';
import { DomainEvent } from '../../domain/shared/aggregate-root';

/** A listener may return a promise; publish() waits for it (and ignores its failure). */
export type EventListener = (event: DomainEvent) => void | Promise<void>;

/** Fan-out inside one process; a listener that throws or rejects does not hurt the others. */
export class InMemoryEventPublisher implements EventPublisher {
  readonly #listeners: EventListener[] = [];
  readonly published: DomainEvent[] = [];

  constructor(private readonly keepHistory = false) {}

  subscribe(listener: EventListener): void {
    this.#listeners.push(listener);
  }

  async publish(events: readonly DomainEvent[]): Promise<void> {
    const pending: Promise<void>[] = [];
    for (const event of events) {
      if (this.keepHistory) this.published.push(event);
      for (const listener of this.#listeners) {
        try {
          const outcome = listener(event);
          // A broken metrics or log listener must never fail a reservation.
          if (outcome) pending.push(outcome.catch(() => {}));
        } catch {
          // Same for one that throws at once.
        }
      }
    }
    if (pending.length > 0) await Promise.all(pending);
  }
}
