import { Knex } from 'knex';
import { ID, tableDefaults } from './table-defaults';

/**
 * The epoch of each performance's seat state: bumped only when the state is (re)built from
 * MySQL (first use, or after Redis lost it), never by the claim of a seat, so it is no hot row
 * during an on-sale. Versions of a new epoch start above every version of the earlier ones.
 * No foreign key: the row is a counter that may outlive its performance harmlessly.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('seat_state_epochs', (table) => {
    tableDefaults(table);
    table.specificType('performance_id', ID).primary();
    table.integer('epoch').unsigned().notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('seat_state_epochs');
}
