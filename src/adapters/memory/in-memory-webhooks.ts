import type { OutboxTranslator } from '../../application/integrations/ports/outbox';
import type {
  AttemptOutcome,
  AttemptRecord,
  DeliveryAttempt,
  DeliveryPage,
  DueDelivery,
  WebhookDelivery,
  WebhookDeliveryStore,
} from '../../application/integrations/ports/webhook-deliveries';
import type { IdGenerator } from '../../application/shared/ports/id-generator';
import { WebhookEndpoint, type WebhookEndpointSnapshot } from '../../domain/integrations/webhook-endpoint';
import type { WebhookEndpointRepository } from '../../domain/integrations/webhook-endpoint.repository';
import { webhookBody, type OutboxMessage } from '../../domain/integrations/webhook-events';
import type { DomainEvent } from '../../domain/shared/aggregate-root';

export class InMemoryWebhookEndpointRepository implements WebhookEndpointRepository {
  readonly #byId = new Map<string, WebhookEndpointSnapshot>();
  /** Called with the id of a removed endpoint, so its deliveries go with it (the foreign key's cascade). */
  onRemove: (id: string) => void = () => {};

  async add(endpoint: WebhookEndpoint): Promise<void> {
    this.#byId.set(endpoint.id, endpoint.toSnapshot());
  }

  async save(endpoint: WebhookEndpoint): Promise<void> {
    if (this.#byId.has(endpoint.id)) this.#byId.set(endpoint.id, endpoint.toSnapshot());
  }

  async findById(id: string): Promise<WebhookEndpoint | null> {
    const snapshot = this.#byId.get(id);
    return snapshot ? WebhookEndpoint.restore(snapshot) : null;
  }

  async list(): Promise<WebhookEndpoint[]> {
    return this.listNow();
  }

  /** Synchronous, for the delivery store's fan-out. */
  listNow(): WebhookEndpoint[] {
    return [...this.#byId.values()]
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : 1))
      .map((snapshot) => WebhookEndpoint.restore(snapshot));
  }

  async remove(id: string): Promise<boolean> {
    const removed = this.#byId.delete(id);
    if (removed) this.onRemove(id);
    return removed;
  }
}

interface StoredDelivery {
  id: string;
  endpointId: string;
  messageId: string;
  seq: number;
  orderingKey: string;
  eventType: WebhookDelivery['eventType'];
  body: string;
  status: WebhookDelivery['status'];
  attempts: DeliveryAttempt[];
  nextAttemptAt: Date | null;
  createdAt: Date;
  deliveredAt: Date | null;
  finishedAt: Date | null;
}

/**
 * The outbox and deliveries in memory (the embedded mode): the reservation repository
 * appends messages synchronously with the change it stores, as MySQL's transaction does.
 */
export class InMemoryWebhookDeliveryStore implements WebhookDeliveryStore {
  readonly #outbox: (OutboxMessage & { seq: number })[] = [];
  readonly #deliveries: StoredDelivery[] = [];
  #seq = 0;

  constructor(
    private readonly endpoints: InMemoryWebhookEndpointRepository,
    private readonly translator: OutboxTranslator,
    private readonly ids: IdGenerator,
  ) {
    endpoints.onRemove = (id) => {
      for (let index = this.#deliveries.length - 1; index >= 0; index--) {
        if (this.#deliveries[index]!.endpointId === id) this.#deliveries.splice(index, 1);
      }
    };
  }

  /** What a repository calls with a change's events, in the same synchronous step as the change. */
  append(events: readonly DomainEvent[]): void {
    for (const message of this.translator.messagesFor(events)) this.#outbox.push({ ...message, seq: ++this.#seq });
  }

  /** Messages not fanned out yet (tests). */
  get outboxSize(): number {
    return this.#outbox.length;
  }

  async fanOut(now: Date, limit: number): Promise<number> {
    const moved = this.#outbox.splice(0, limit);
    const endpoints = this.endpoints.listNow();
    for (const message of moved) {
      for (const endpoint of endpoints.filter((candidate) =>
        candidate.subscribesTo(message.type, message.occurredAt),
      )) {
        this.#deliveries.push({
          id: this.ids.next(),
          endpointId: endpoint.id,
          messageId: message.id,
          seq: message.seq,
          orderingKey: message.orderingKey,
          eventType: message.type,
          body: webhookBody(message),
          status: 'PENDING',
          attempts: [],
          nextAttemptAt: now,
          createdAt: now,
          deliveredAt: null,
          finishedAt: null,
        });
      }
    }
    return moved.length;
  }

  async claimDue(now: Date, limit: number, leaseUntil: Date): Promise<DueDelivery[]> {
    const pending = this.#deliveries.filter((delivery) => delivery.status === 'PENDING');
    const due = pending
      .filter((delivery) => delivery.nextAttemptAt! <= now)
      .filter(
        (delivery) =>
          !pending.some(
            (other) =>
              other.endpointId === delivery.endpointId &&
              other.orderingKey === delivery.orderingKey &&
              other.seq < delivery.seq,
          ),
      )
      .sort((a, b) => a.nextAttemptAt!.getTime() - b.nextAttemptAt!.getTime() || a.seq - b.seq)
      .slice(0, limit);
    for (const delivery of due) delivery.nextAttemptAt = leaseUntil;
    return due.map((delivery) => ({
      id: delivery.id,
      endpointId: delivery.endpointId,
      messageId: delivery.messageId,
      body: delivery.body,
      attemptsMade: delivery.attempts.length,
    }));
  }

  async recordAttempts(records: readonly AttemptRecord[]): Promise<void> {
    for (const { deliveryId, attempt, outcome } of records) this.record(deliveryId, attempt, outcome);
  }

  private record(deliveryId: string, attempt: DeliveryAttempt, outcome: AttemptOutcome): void {
    const delivery = this.#deliveries.find((candidate) => candidate.id === deliveryId);
    if (!delivery) return;
    delivery.attempts.push(attempt);
    delivery.status = outcome.status;
    delivery.nextAttemptAt = outcome.status === 'PENDING' ? outcome.nextAttemptAt : null;
    delivery.deliveredAt = outcome.status === 'DELIVERED' ? attempt.attemptedAt : null;
    delivery.finishedAt = outcome.status === 'PENDING' ? null : attempt.attemptedAt;
  }

  async failPending(endpointId: string, now: Date): Promise<number> {
    let failed = 0;
    for (const delivery of this.#deliveries) {
      if (delivery.endpointId !== endpointId || delivery.status !== 'PENDING') continue;
      delivery.status = 'FAILED';
      delivery.nextAttemptAt = null;
      delivery.finishedAt = now;
      failed++;
    }
    return failed;
  }

  async pageByEndpoint(endpointId: string, page: number, size: number): Promise<DeliveryPage> {
    const all = this.#deliveries
      .filter((delivery) => delivery.endpointId === endpointId)
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || b.seq - a.seq);
    return {
      total: all.length,
      items: all.slice((page - 1) * size, page * size).map((delivery) => ({
        id: delivery.id,
        endpointId: delivery.endpointId,
        messageId: delivery.messageId,
        eventType: delivery.eventType,
        status: delivery.status,
        attempts: [...delivery.attempts],
        nextAttemptAt: delivery.nextAttemptAt,
        createdAt: delivery.createdAt,
        deliveredAt: delivery.deliveredAt,
      })),
    };
  }

  async purgeFinished(before: Date, limit: number): Promise<number> {
    let purged = 0;
    for (let index = this.#deliveries.length - 1; index >= 0 && purged < limit; index--) {
      const delivery = this.#deliveries[index]!;
      if (delivery.finishedAt && delivery.finishedAt < before) {
        this.#deliveries.splice(index, 1);
        purged++;
      }
    }
    return purged;
  }
}
