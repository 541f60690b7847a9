import { Knex } from 'knex';
import { ID, TIMESTAMP, tableDefaults } from './table-defaults';

/**
 * Tickets (one per seat of a confirmed reservation, written in the confirmation's
 * transaction) and check-ins (at most one per ticket), and the STAFF role that checks them
 * in. Forward-safe: two new tables, and an enum that only gains a value.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('tickets', (table) => {
    tableDefaults(table);
    table.specificType('id', ID).primary();
    table.specificType('reservation_id', ID).notNullable().references('id').inTable('reservations');
    table.specificType('performance_id', ID).notNullable();
    table.specificType('seat_id', ID).notNullable();
    table.string('label', 64).notNullable();
    table.datetime('issued_at', TIMESTAMP).notNullable();
    // One ticket per seat of a reservation; a seat sold again after a cancel gets a new one.
    table.unique(['reservation_id', 'seat_id'], { indexName: 'tickets_reservation_seat_unique' });
  });
  await knex.schema.createTable('check_ins', (table) => {
    tableDefaults(table);
    // THE constraint against entering twice: ten gates scanning one code at once insert ten
    // rows for one ticket, and this key lets exactly one of them in.
    table.specificType('ticket_id', ID).primary().references('id').inTable('tickets');
    table.specificType('reservation_id', ID).notNullable();
    table.specificType('performance_id', ID).notNullable();
    table.specificType('staff_member_id', ID).notNullable();
    table.datetime('checked_in_at', TIMESTAMP).notNullable();
    table.index(['performance_id', 'checked_in_at'], 'check_ins_performance_index');
  });
  await knex.raw("ALTER TABLE members MODIFY role ENUM('USER', 'ADMIN', 'STAFF') NOT NULL");
}

/** Staff members become USERs again: the older release knows no STAFF. */
export async function down(knex: Knex): Promise<void> {
  await knex('members').where('role', 'STAFF').update({ role: 'USER' });
  await knex.raw("ALTER TABLE members MODIFY role ENUM('USER', 'ADMIN') NOT NULL");
  await knex.schema.dropTable('check_ins');
  await knex.schema.dropTable('tickets');
}
