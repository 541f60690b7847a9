import { Knex } from 'knex';
import { MIGRATIONS } from './migrations';

const byName = new Map(MIGRATIONS);

const migrationSource: Knex.MigrationSource<string> = {
  getMigrations: async () => MIGRATIONS.map(([name]) => name),
  getMigrationName: (name) => name,
  getMigration: async (name) => {
    const migration = byName.get(name);
    if (!migration) throw new Error(`Unknown migration ${name}`);
    return migration;
  },
};

/** Knex migrator settings; exported for tests that step through migrations one by one. */
export const migrationConfig: Knex.MigratorConfig = {
  migrationSource,
  tableName: 'knex_migrations',
};

export type MigrateAction = 'latest' | 'rollback' | 'status';

export interface MigrationReport {
  readonly action: MigrateAction;
  /** Migrations this call applied (latest) or reverted (rollback). */
  readonly changed: readonly string[];
  readonly applied: readonly string[];
  readonly pending: readonly string[];
}

/**
 * `latest` applies every pending migration as one batch; `rollback` reverts the last batch,
 * or all of them with `{ all: true }`; `status` changes nothing. Answers what was done and
 * where the schema stands, as plain JSON.
 */
export async function migrate(
  knex: Knex,
  action: MigrateAction,
  options: { readonly all?: boolean } = {},
): Promise<MigrationReport> {
  let changed: string[] = [];
  if (action === 'latest') {
    const [, log] = (await knex.migrate.latest(migrationConfig)) as [number, string[]];
    changed = log;
  } else if (action === 'rollback') {
    const [, log] = (await knex.migrate.rollback(migrationConfig, options.all ?? false)) as [number, string[]];
    changed = log;
  }
  const [completed, pending] = (await knex.migrate.list(migrationConfig)) as [{ name: string }[], string[]];
  return {
    action,
    changed,
    applied: completed.map((migration) => migration.name),
    pending: pending.map((name) => migrationSource.getMigrationName(name)),
  };
}
