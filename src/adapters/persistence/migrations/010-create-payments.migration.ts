import { Knex } from 'knex';
import { ID, TIMESTAMP, tableDefaults } from './table-defaults';

const ASCII = 'CHARACTER SET ascii COLLATE ascii_bin';

/**
 * The payments of a reservation, written in the same transaction (and under the same
 * version check) as the reservation they belong to. Forward-safe: a new table only.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('payments', (table) => {
    tableDefaults(table);
    table.specificType('id', ID).primary();
    table.specificType('reservation_id', ID).notNullable().references('id').inTable('reservations');
    table.specificType('provider', `VARCHAR(20) ${ASCII}`).notNullable();
    table.specificType('provider_payment_id', `VARCHAR(255) ${ASCII}`).notNullable();
    table.specificType('client_secret', `VARCHAR(500) ${ASCII}`).nullable();
    table.bigInteger('amount').unsigned().notNullable();
    table.specificType('currency', 'CHAR(3)').notNullable();
    table.enum('status', ['PENDING', 'SUCCEEDED', 'FAILED', 'REFUND_PENDING', 'REFUNDED']).notNullable();
    table.datetime('created_at', TIMESTAMP).notNullable();
    table.datetime('updated_at', TIMESTAMP).notNullable();
    // A provider's webhook names the payment by its own id.
    table.unique(['provider', 'provider_payment_id'], { indexName: 'payments_provider_payment_unique' });
    table.index(['reservation_id'], 'payments_reservation_index');
    // The refund retry's scan: REFUND_PENDING payments.
    table.index(['status'], 'payments_status_index');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('payments');
}
