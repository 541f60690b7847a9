export interface DomainEvent {
  readonly type: string;
  readonly occurredAt: Date;
}

/**
 * Aggregates record what happened; the use case pulls the events and publishes them
 * only after the aggregate was saved, so nobody hears of a change that was rolled back.
 */
export abstract class AggregateRoot<E extends DomainEvent = DomainEvent> {
  #events: E[] = [];

  protected record(event: E): void {
    this.#events.push(event);
  }

  /** The events not pulled yet: what a repository writes to the outbox with the change it saves. */
  get pendingEvents(): readonly E[] {
    return this.#events;
  }

  pullEvents(): E[] {
    const events = this.#events;
    this.#events = [];
    return events;
  }
}
