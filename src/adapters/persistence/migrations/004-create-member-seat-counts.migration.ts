import { Knex } from 'knex';
import { ID, tableDefaults } from './table-defaults';

/**
 * How many seats each member holds or owns per performance: the row the per-member cap is
 * checked and counted on, in the same transaction that claims or releases the seats.
 *
 * Forward-safe: a new table that the running release ignores. Its rows are backfilled from
 * the active claims; a hold that a previous release records after the backfill (during a
 * rolling deploy) is not counted, so a member may briefly exceed the cap by that hold, never
 * be refused wrongly (releases never count below zero).
 *
 * No foreign keys: the reservation inserted in the same transaction already checks that the
 * member and the performance exist, and each key check would lock a parent row on the hot path.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('member_seat_counts', (table) => {
    tableDefaults(table);
    table.specificType('member_id', ID).notNullable();
    table.specificType('performance_id', ID).notNullable();
    table.integer('seats').unsigned().notNullable();
    table.primary(['member_id', 'performance_id']);
  });
  await knex.raw(
    `INSERT INTO member_seat_counts (member_id, performance_id, seats)
     SELECT r.member_id, r.performance_id, COUNT(*)
       FROM reservations r JOIN reservation_seats rs ON rs.reservation_id = r.id
      WHERE rs.active_seat_id IS NOT NULL
      GROUP BY r.member_id, r.performance_id`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('member_seat_counts');
}
