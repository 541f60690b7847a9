import { Knex } from 'knex';
import { ID, TIMESTAMP, tableDefaults } from './table-defaults';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('reservations', (table) => {
    tableDefaults(table);
    table.specificType('id', ID).primary();
    table.specificType('member_id', ID).notNullable().references('id').inTable('members');
    table.specificType('performance_id', ID).notNullable().references('id').inTable('performances');
    table.enum('status', ['PENDING', 'CONFIRMED', 'CANCELLED', 'EXPIRED']).notNullable();
    table.bigInteger('total_price').unsigned().notNullable();
    table.specificType('currency', 'CHAR(3)').notNullable();
    table.datetime('created_at', TIMESTAMP).notNullable();
    table.datetime('expires_at', TIMESTAMP).notNullable();
    table.datetime('confirmed_at', TIMESTAMP).nullable();
    table.datetime('cancelled_at', TIMESTAMP).nullable();
    table.integer('version').unsigned().notNullable().defaultTo(0);
    table.index(['member_id', 'created_at'], 'reservations_member_index');
    // The sweeper's scan: PENDING holds by expiry.
    table.index(['status', 'expires_at'], 'reservations_sweep_index');
  });

  await knex.schema.createTable('reservation_seats', (table) => {
    tableDefaults(table);
    table.specificType('reservation_id', ID).notNullable().references('id').inTable('reservations');
    table.specificType('seat_id', ID).notNullable().references('id').inTable('seats');
    table.specificType('performance_id', ID).notNullable();
    table.string('label', 64).notNullable();
    table.string('grade', 50).notNullable();
    table.bigInteger('price').unsigned().notNullable();
    // THE constraint against double booking: seat_id while the reservation is PENDING or
    // CONFIRMED, NULL once it is CANCELLED or EXPIRED. A unique index admits any number of
    // NULLs, so each seat has at most one active claim, whatever the locks in front did.
    table.specificType('active_seat_id', ID).nullable();
    // The order the seats were asked for, which the aggregate keeps.
    table.smallint('position').unsigned().notNullable();
    table.primary(['reservation_id', 'seat_id']);
    table.unique(['active_seat_id'], { indexName: 'reservation_seats_active_seat_unique' });
    // The seat map's read: active claims of one performance (covering, with the primary key).
    table.index(['performance_id', 'active_seat_id'], 'reservation_seats_performance_index');
  });
  await knex.raw(
    'ALTER TABLE reservation_seats ADD CONSTRAINT reservation_seats_active_is_seat ' +
      'CHECK (active_seat_id IS NULL OR active_seat_id = seat_id)',
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('reservation_seats');
  await knex.schema.dropTable('reservations');
}
