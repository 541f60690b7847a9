import { Knex } from 'knex';

/**
 * A performance's waiting room: both columns NULL for a performance without one. Nullable,
 * so a release that does not know them keeps writing and reading performances unchanged.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('performances', (table) => {
    table.integer('waiting_room_admit_per_minute').unsigned().nullable();
    table.integer('waiting_room_admission_seconds').unsigned().nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('performances', (table) => {
    table.dropColumn('waiting_room_admit_per_minute');
    table.dropColumn('waiting_room_admission_seconds');
  });
}
