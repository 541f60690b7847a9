import { Knex } from 'knex';
import { ID, TIMESTAMP, tableDefaults } from './table-defaults';

/**
 * Idempotency-Key records: the first answer to a member's request, replayed to its retries.
 * In MySQL rather than Redis so that they are shared by every instance and survive a Redis
 * flush or outage. Forward-safe: a new table.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('idempotency_keys', (table) => {
    tableDefaults(table);
    table.specificType('member_id', ID).notNullable();
    // 1–255 printable ASCII characters (checked by the HTTP adapter). Binary, so keys compare
    // byte for byte: a PAD SPACE collation would take 'k' and 'k ' for the same key.
    table.specificType('idempotency_key', 'VARBINARY(255)').notNullable();
    // SHA-256 (hex) of method, path and canonical body: a reused key with another request is refused.
    table.specificType('fingerprint', 'CHAR(64) CHARACTER SET ascii COLLATE ascii_bin').notNullable();
    // NULL while the first request is still running.
    table.smallint('status_code').unsigned().nullable();
    table.text('response_headers').nullable();
    table.text('response_body', 'mediumtext').nullable();
    // A request that crashed mid-way leaves its record in flight; after this moment a retry may run again.
    table.datetime('locked_until', TIMESTAMP).nullable();
    table.datetime('created_at', TIMESTAMP).notNullable();
    table.datetime('expires_at', TIMESTAMP).notNullable();
    table.primary(['member_id', 'idempotency_key']);
    table.index(['expires_at'], 'idempotency_keys_expiry_index');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('idempotency_keys');
}
