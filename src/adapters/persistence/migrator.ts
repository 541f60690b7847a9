import knexFactory, { Knex } from 'knex';
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
    const [, log] = (await underMigrationLock(knex, () => knex.migrate.latest(migrationConfig))) as [number, string[]];
    changed = log;
  } else if (action === 'rollback') {
    const [, log] = (await underMigrationLock(knex, () =>
      knex.migrate.rollback(migrationConfig, options.all ?? false),
    )) as [number, string[]];
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

/** How long an instance waits for another one's migrations before giving up. */
const MIGRATION_LOCK_WAIT_SECONDS = 300;

/**
 * Several instances started with MIGRATE_ON_START=true migrate at the same moment. knex's own
 * lock row cannot serialise them on a fresh database: both create the lock table, both insert
 * its row, and from then on every migration fails with MigrationLocked. A MySQL named lock per
 * database, held on a connection of its own for the whole batch, makes the later instances
 * wait and then find nothing left to do.
 */
async function underMigrationLock<T>(knex: Knex, work: () => Promise<T>): Promise<T> {
  const config = knex.client.config as Knex.Config;
  const lockHolder = knexFactory({ client: config.client, connection: config.connection, pool: { min: 0, max: 1 } });
  try {
    // An acquired connection is never reaped as idle, so the lock lives exactly as long as the work.
    const connection = await lockHolder.client.acquireConnection();
    try {
      const [[{ name }]] = (await lockHolder
        .raw("SELECT CONCAT('migrations:', DATABASE()) AS name")
        .connection(connection)) as [[{ name: string }]];
      const [[{ acquired }]] = (await lockHolder
        .raw('SELECT GET_LOCK(?, ?) AS acquired', [name, MIGRATION_LOCK_WAIT_SECONDS])
        .connection(connection)) as [[{ acquired: number | null }]];
      if (acquired !== 1) throw new Error(`Another instance held the migration lock ${name} for too long`);
      try {
        return await work();
      } finally {
        await lockHolder.raw('SELECT RELEASE_LOCK(?)', [name]).connection(connection);
      }
    } finally {
      await lockHolder.client.releaseConnection(connection);
    }
  } finally {
    await lockHolder.destroy();
  }
}

const ER_NO_SUCH_TABLE = 1146;

/**
 * Migrations this build needs that the database has not applied, in order. One SELECT, and
 * it writes nothing (knex's own list creates its tables). A migration the database has but
 * this build does not know is fine: a newer release applied it, and migrations are
 * forward-safe.
 */
export async function missingMigrations(knex: Knex): Promise<string[]> {
  let applied: Set<string>;
  try {
    const rows = (await knex(migrationConfig.tableName!).select('name')) as { name: string }[];
    applied = new Set(rows.map((row) => row.name));
  } catch (error) {
    if ((error as { errno?: unknown }).errno !== ER_NO_SUCH_TABLE) throw error;
    applied = new Set();
  }
  return MIGRATIONS.map(([name]) => name).filter((name) => !applied.has(name));
}

/** The database lacks migrations this build needs: every query could fail, so it must not serve. */
export class SchemaBehindError extends Error {
  constructor(readonly missing: readonly string[]) {
    super(
      `The database schema is behind this release: ${missing.length} migration(s) not applied ` +
        `(${missing.join(', ')}). Apply them with \`npm run migrate\` (in a built image: ` +
        '`node dist/bootstrap/migrate.js latest`), or start with MIGRATE_ON_START=true.',
    );
    this.name = 'SchemaBehindError';
  }
}

/** Throws SchemaBehindError unless every migration of this build is applied. */
export async function assertSchemaCurrent(knex: Knex): Promise<void> {
  const missing = await missingMigrations(knex);
  if (missing.length > 0) throw new SchemaBehindError(missing);
}
