import { Knex } from 'knex';

/**
 * Puts the per-member cap in the count row itself, guarded by a CHECK constraint, so that
 * claiming a hold can count, check and commit in one batch: a count past the limit fails
 * the statement inside the batch (and the transaction rolls back) instead of needing a
 * read and a decision between round trips. The claim writes the configured limit with
 * every count, so a changed MAX_SEATS_PER_MEMBER applies from the next hold.
 *
 * Forward-safe: the column has a default that never refuses (the running release keeps
 * counting without knowing it), and MariaDB 10.2+ / MySQL 8.0.16+ enforce CHECK.
 */
const NO_LIMIT = 4_294_967_295;

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('member_seat_counts', (table) => {
    table.integer('seat_limit').unsigned().notNullable().defaultTo(NO_LIMIT);
  });
  await knex.raw(
    'ALTER TABLE member_seat_counts ADD CONSTRAINT member_seat_counts_within_limit CHECK (seats <= seat_limit)',
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE member_seat_counts DROP CONSTRAINT member_seat_counts_within_limit');
  await knex.schema.alterTable('member_seat_counts', (table) => {
    table.dropColumn('seat_limit');
  });
}
