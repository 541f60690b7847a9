import type { WebhookDeliveryStore } from '../../src/application/integrations/ports/webhook-deliveries';
import { WebhookEndpoint } from '../../src/domain/integrations/webhook-endpoint';
import type { WebhookEndpointRepository } from '../../src/domain/integrations/webhook-endpoint.repository';
import type { OutboxMessage, WebhookEventType } from '../../src/domain/integrations/webhook-events';
import { at, MINUTE, SECOND, T0 } from '../support/builders';

export interface WebhookStores {
  readonly deliveries: WebhookDeliveryStore;
  readonly endpoints: WebhookEndpointRepository;
  /** Writes messages to the outbox, as a repository does with a change. */
  append(messages: readonly OutboxMessage[]): Promise<void>;
}

const SECRET = `whsec_${Buffer.alloc(32, 3).toString('base64')}`;
let counter = 0;
const id = () => `00000000-0000-7000-8000-${String(++counter).padStart(12, '0')}`;
const message = (type: WebhookEventType, reservationId: string): OutboxMessage => ({
  id: `msg_${id()}`,
  type,
  orderingKey: reservationId,
  occurredAt: T0,
  data: { reservationId },
});

/** One suite, run on the in-memory twin and on MySQL. */
export function webhookDeliveryStoreContract(makeStores: () => Promise<WebhookStores> | WebhookStores): void {
  describe('WebhookDeliveryStore contract', () => {
    let stores: WebhookStores;
    let endpoint: WebhookEndpoint;

    beforeEach(async () => {
      stores = await makeStores();
      endpoint = WebhookEndpoint.register({
        id: id(),
        url: 'https://receiver.example/hooks',
        events: ['reservation.held', 'reservation.confirmed'],
        secret: SECRET,
        now: T0,
      });
      await stores.endpoints.add(endpoint);
    });

    it('fans messages out to the endpoints subscribed to their type, and only once', async () => {
      const reservation = id();
      await stores.append([message('reservation.held', reservation), message('reservation.cancelled', reservation)]);

      expect(await stores.deliveries.fanOut(T0, 10)).toBe(2);
      expect(await stores.deliveries.fanOut(T0, 10)).toBe(0);
      const page = await stores.deliveries.pageByEndpoint(endpoint.id, 1, 10);
      expect(page.total).toBe(1);
      expect(page.items[0]).toMatchObject({ eventType: 'reservation.held', status: 'PENDING', attempts: [] });
    });

    it('hands out one delivery per reservation at a time, in order, and hides a claimed one until its lease ends', async () => {
      const reservation = id();
      const held = message('reservation.held', reservation);
      const confirmed = message('reservation.confirmed', reservation);
      await stores.append([held, confirmed]);
      await stores.deliveries.fanOut(T0, 10);

      const first = await stores.deliveries.claimDue(T0, 10, at(30 * SECOND));
      expect(first.map((delivery) => delivery.messageId)).toEqual([held.id]);
      expect(JSON.parse(first[0]!.body)).toEqual({
        type: 'reservation.held',
        timestamp: T0.toISOString(),
        data: { reservationId: reservation },
      });
      expect(await stores.deliveries.claimDue(at(SECOND), 10, at(31 * SECOND))).toEqual([]);
      // The lease ran out (its relay died): the same delivery is due again, still alone.
      const again = await stores.deliveries.claimDue(at(30 * SECOND), 10, at(MINUTE));
      expect(again.map((delivery) => delivery.messageId)).toEqual([held.id]);

      const attempt = { attemptedAt: at(30 * SECOND), statusCode: 204, error: null, durationMs: 5 };
      await stores.deliveries.recordAttempts([{ deliveryId: again[0]!.id, attempt, outcome: { status: 'DELIVERED' } }]);
      const next = await stores.deliveries.claimDue(at(31 * SECOND), 10, at(MINUTE));
      expect(next.map((delivery) => delivery.messageId)).toEqual([confirmed.id]);
      expect(next[0]!.attemptsMade).toBe(0);
    });

    it('records attempts and outcomes, lists them newest first, fails what is pending and purges what is finished', async () => {
      const [a, b] = [id(), id()];
      await stores.append([message('reservation.held', a), message('reservation.held', b)]);
      await stores.deliveries.fanOut(T0, 10);
      const [first, second] = await stores.deliveries.claimDue(T0, 10, at(30 * SECOND));
      await stores.deliveries.recordAttempts([
        {
          deliveryId: first!.id,
          attempt: { attemptedAt: T0, statusCode: 503, error: null, durationMs: 7 },
          outcome: { status: 'PENDING', nextAttemptAt: at(5 * SECOND) },
        },
        {
          deliveryId: second!.id,
          attempt: { attemptedAt: T0, statusCode: null, error: 'connection refused', durationMs: 1 },
          outcome: { status: 'FAILED' },
        },
      ]);

      const page = await stores.deliveries.pageByEndpoint(endpoint.id, 1, 10);
      const byId = new Map(page.items.map((delivery) => [delivery.id, delivery]));
      expect(byId.get(first!.id)).toMatchObject({ status: 'PENDING', nextAttemptAt: at(5 * SECOND) });
      expect(byId.get(first!.id)!.attempts).toEqual([{ attemptedAt: T0, statusCode: 503, error: null, durationMs: 7 }]);
      expect(byId.get(second!.id)).toMatchObject({ status: 'FAILED', nextAttemptAt: null });
      expect(await stores.deliveries.claimDue(at(5 * SECOND), 10, at(MINUTE))).toHaveLength(1);

      expect(await stores.deliveries.failPending(endpoint.id, at(MINUTE))).toBe(1);
      expect(await stores.deliveries.purgeFinished(at(30 * SECOND), 10)).toBe(1);
      expect(await stores.deliveries.purgeFinished(at(2 * MINUTE), 10)).toBe(1);
      expect((await stores.deliveries.pageByEndpoint(endpoint.id, 1, 10)).total).toBe(0);
    });

    it('drops the deliveries of a removed endpoint', async () => {
      await stores.append([message('reservation.held', id())]);
      await stores.deliveries.fanOut(T0, 10);
      expect(await stores.endpoints.remove(endpoint.id)).toBe(true);
      expect(await stores.endpoints.remove(endpoint.id)).toBe(false);
      expect(await stores.deliveries.claimDue(T0, 10, at(MINUTE))).toEqual([]);
    });
  });
}
