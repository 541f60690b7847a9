import { Knex } from 'knex';
import { ID, TIMESTAMP, tableDefaults } from './table-defaults';

/** `msg_` and a UUID. */
const MESSAGE_ID = 'VARCHAR(40) CHARACTER SET ascii COLLATE ascii_bin';
const EVENT_TYPE = 'VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin';

/**
 * Webhooks: the transactional outbox (written with every change that leaves the service),
 * the endpoints, and the deliveries the relay fans the outbox out into, with their attempts.
 * Forward-safe: new tables only.
 */
export async function up(knex: Knex): Promise<void> {
  // A queue, kept near-empty by the relay: the smallest row the hot path can write, one
  // primary key and no secondary index.
  await knex.schema.createTable('outbox', (table) => {
    tableDefaults(table);
    table.bigIncrements('seq').primary();
    table.specificType('id', MESSAGE_ID).notNullable();
    table.specificType('type', EVENT_TYPE).notNullable();
    table.specificType('ordering_key', ID).notNullable();
    table.datetime('occurred_at', TIMESTAMP).notNullable();
    table.text('data').notNullable();
  });
  await knex.schema.createTable('webhook_endpoints', (table) => {
    tableDefaults(table);
    table.specificType('id', ID).primary();
    table.string('url', 2000).notNullable();
    table.string('events', 1000).notNullable();
    table.specificType('secret', 'VARCHAR(60) CHARACTER SET ascii COLLATE ascii_bin').notNullable();
    table.specificType('previous_secret', 'VARCHAR(60) CHARACTER SET ascii COLLATE ascii_bin').nullable();
    table.datetime('previous_secret_expires_at', TIMESTAMP).nullable();
    table.string('status', 10).notNullable();
    table.string('disabled_reason', 200).nullable();
    table.datetime('created_at', TIMESTAMP).notNullable();
    table.datetime('updated_at', TIMESTAMP).notNullable();
  });
  await knex.schema.createTable('webhook_deliveries', (table) => {
    tableDefaults(table);
    table.specificType('id', ID).primary();
    table.specificType('endpoint_id', ID).notNullable();
    table.specificType('message_id', MESSAGE_ID).notNullable();
    table.bigInteger('message_seq').unsigned().notNullable();
    table.specificType('event_type', EVENT_TYPE).notNullable();
    table.specificType('ordering_key', ID).notNullable();
    table.text('body').notNullable();
    table.string('status', 10).notNullable();
    table.integer('attempt_count').unsigned().notNullable().defaultTo(0);
    table.datetime('next_attempt_at', TIMESTAMP).nullable();
    table.datetime('created_at', TIMESTAMP).notNullable();
    table.datetime('delivered_at', TIMESTAMP).nullable();
    table.datetime('finished_at', TIMESTAMP).nullable();
    table.foreign('endpoint_id').references('webhook_endpoints.id').onDelete('CASCADE');
    // A message fanned out twice (a relay died after inserting, before deleting) is owed once.
    table.unique(['endpoint_id', 'message_id'], { indexName: 'webhook_deliveries_message_unique' });
    table.index(['status', 'next_attempt_at'], 'webhook_deliveries_due_index');
    table.index(['endpoint_id', 'ordering_key', 'message_seq'], 'webhook_deliveries_order_index');
    table.index(['endpoint_id', 'created_at'], 'webhook_deliveries_listing_index');
    table.index(['finished_at'], 'webhook_deliveries_finished_index');
  });
  await knex.schema.createTable('webhook_delivery_attempts', (table) => {
    tableDefaults(table);
    table.bigIncrements('id').primary();
    table.specificType('delivery_id', ID).notNullable();
    table.datetime('attempted_at', TIMESTAMP).notNullable();
    table.smallint('status_code').unsigned().nullable();
    table.string('error', 300).nullable();
    table.integer('duration_ms').unsigned().notNullable();
    table.foreign('delivery_id').references('webhook_deliveries.id').onDelete('CASCADE');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('webhook_delivery_attempts');
  await knex.schema.dropTable('webhook_deliveries');
  await knex.schema.dropTable('webhook_endpoints');
  await knex.schema.dropTable('outbox');
}
