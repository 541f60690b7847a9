import { Knex } from 'knex';

/**
 * Every table is InnoDB, utf8mb4 with a binary collation: names, labels and emails compare
 * exactly as the domain's JavaScript strings do. Under a case-insensitive collation the
 * unique keys would refuse sections "A" and "a" that the domain allows, and an email lookup
 * would match a spelling the in-memory twin does not.
 */
export function tableDefaults(table: Knex.CreateTableBuilder): void {
  table.engine('InnoDB');
  table.charset('utf8mb4');
  table.collate('utf8mb4_bin');
}

/** Ids are opaque strings from the IdGenerator (UUIDs in production), at most 36 characters. */
export const ID = 'CHAR(36)';
/** Millisecond precision: the domain's Dates carry milliseconds and must round-trip. */
export const TIMESTAMP = { precision: 3 } as const;
