import { Knex } from 'knex';
import { ID, TIMESTAMP, tableDefaults } from './table-defaults';

/**
 * A performance and its hall. Name lengths (title and venue 200, grade and section 50,
 * label 64) bound what the HTTP schemas may accept.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('performances', (table) => {
    tableDefaults(table);
    table.specificType('id', ID).primary();
    table.string('title', 200).notNullable();
    table.string('venue', 200).notNullable();
    table.datetime('starts_at', TIMESTAMP).notNullable();
    table.datetime('sales_open_at', TIMESTAMP).notNullable();
    table.datetime('sales_close_at', TIMESTAMP).notNullable();
    table.specificType('currency', 'CHAR(3)').notNullable();
    table.datetime('created_at', TIMESTAMP).notNullable();
    table.index(['starts_at'], 'performances_starts_at_index');
  });
  // The listing reads `starts_at > now ORDER BY sales_open_at DESC, id` page by page: this
  // index serves the order without a sort (mixed directions need MariaDB 10.8+ / MySQL 8).
  await knex.raw('CREATE INDEX performances_listing_index ON performances (sales_open_at DESC, id ASC, starts_at)');

  await knex.schema.createTable('performance_grades', (table) => {
    tableDefaults(table);
    table.specificType('performance_id', ID).notNullable().references('id').inTable('performances');
    table.string('name', 50).notNullable();
    table.bigInteger('price').unsigned().notNullable();
    table.smallint('position').unsigned().notNullable();
    table.primary(['performance_id', 'name']);
  });

  await knex.schema.createTable('performance_sections', (table) => {
    tableDefaults(table);
    table.specificType('performance_id', ID).notNullable().references('id').inTable('performances');
    table.string('name', 50).notNullable();
    table.string('grade', 50).notNullable();
    table.smallint('row_count').unsigned().notNullable();
    table.smallint('seats_per_row').unsigned().notNullable();
    table.smallint('position').unsigned().notNullable();
    table.primary(['performance_id', 'name']);
    table
      .foreign(['performance_id', 'grade'], 'performance_sections_grade_foreign')
      .references(['performance_id', 'name'])
      .inTable('performance_grades');
  });

  await knex.schema.createTable('seats', (table) => {
    tableDefaults(table);
    table.specificType('id', ID).primary();
    table.specificType('performance_id', ID).notNullable().references('id').inTable('performances');
    table.string('section', 50).notNullable();
    table.smallint('row_no').unsigned().notNullable();
    table.smallint('seat_no').unsigned().notNullable();
    table.string('grade', 50).notNullable();
    table.string('label', 64).notNullable();
    // Index of the seat in the hall's layout order (section, row, number), so a hall of
    // 50,000 seats loads by an index range instead of a join and a sort.
    table.integer('position').unsigned().notNullable();
    table.unique(['performance_id', 'label'], { indexName: 'seats_performance_label_unique' });
    table.unique(['performance_id', 'position'], { indexName: 'seats_layout_unique' });
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('seats');
  await knex.schema.dropTable('performance_sections');
  await knex.schema.dropTable('performance_grades');
  await knex.schema.dropTable('performances');
}
