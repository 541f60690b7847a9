import { outboxRows } from '../../src/adapters/persistence/outbox-rows';
import {
  MysqlWebhookDeliveryStore,
  MysqlWebhookEndpointRepository,
} from '../../src/adapters/persistence/mysql-webhook.store';
import { UuidV7IdGenerator } from '../../src/adapters/system/uuid-v7.id-generator';
import { useTestDatabase } from '../support/mysql';
import { webhookDeliveryStoreContract } from './webhook-delivery-store.contract';

const knex = useTestDatabase();

webhookDeliveryStoreContract(() => ({
  endpoints: new MysqlWebhookEndpointRepository(knex()),
  deliveries: new MysqlWebhookDeliveryStore(knex(), new UuidV7IdGenerator()),
  append: async (messages) => {
    await knex()('outbox').insert(outboxRows(messages));
  },
}));
