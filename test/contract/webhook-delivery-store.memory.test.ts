import {
  InMemoryWebhookDeliveryStore,
  InMemoryWebhookEndpointRepository,
} from '../../src/adapters/memory/in-memory-webhooks';
import { UuidV7IdGenerator } from '../../src/adapters/system/uuid-v7.id-generator';
import type { OutboxMessage } from '../../src/domain/integrations/webhook-events';
import { webhookDeliveryStoreContract } from './webhook-delivery-store.contract';

webhookDeliveryStoreContract(() => {
  const endpoints = new InMemoryWebhookEndpointRepository();
  let pending: readonly OutboxMessage[] = [];
  // The translator is the repositories' concern; here messages go in as they are.
  const deliveries = new InMemoryWebhookDeliveryStore(
    endpoints,
    { messagesFor: () => [...pending] },
    new UuidV7IdGenerator(),
  );
  return {
    endpoints,
    deliveries,
    append: async (messages) => {
      pending = messages;
      deliveries.append([{ type: 'any', occurredAt: new Date() }]);
    },
  };
});
