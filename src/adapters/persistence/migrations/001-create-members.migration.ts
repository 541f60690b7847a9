import { Knex } from 'knex';
import { ID, TIMESTAMP, tableDefaults } from './table-defaults';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('members', (table) => {
    tableDefaults(table);
    table.specificType('id', ID).primary();
    // Stored normalized (trimmed, lower-cased) by the domain; the unique key decides races.
    table.string('email', 254).notNullable().unique({ indexName: 'members_email_unique' });
    table.string('name', 100).notNullable();
    table.string('password_hash', 255).notNullable();
    table.enum('role', ['USER', 'ADMIN']).notNullable();
    table.datetime('created_at', TIMESTAMP).notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('members');
}
