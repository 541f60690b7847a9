import { Knex } from 'knex';
import { createClaimKnex, createKnex, ensureDatabaseExists } from '../../src/adapters/persistence/knex-client';
import { migrate } from '../../src/adapters/persistence/migrator';
import { TEST_MYSQL_SERVER_URL, testDatabaseName, testDatabaseUrl } from './environment';

/** Children before parents, so plain DELETEs never trip a foreign key. */
const TABLES_IN_DELETE_ORDER = [
  'webhook_delivery_attempts',
  'webhook_deliveries',
  'webhook_endpoints',
  'outbox',
  'idempotency_keys',
  'member_seat_counts',
  'check_ins',
  'tickets',
  'payments',
  'reservation_seats',
  'reservations',
  'seats',
  'performance_sections',
  'performance_grades',
  'performances',
  'members',
] as const;

/** Opens a pool on this worker's database, creating and migrating it first. */
export async function openTestDatabase(options: { poolMax?: number; databaseUrl?: string } = {}): Promise<Knex> {
  const databaseUrl = options.databaseUrl ?? testDatabaseUrl;
  await ensureDatabaseExists(databaseUrl);
  const knex = createKnex(databaseUrl, { poolMax: options.poolMax ?? 10 });
  try {
    // A no-op but for the first file of a worker: the schema then stays for the run.
    await migrate(knex, 'latest');
  } catch (error) {
    await knex.destroy();
    throw error;
  }
  return knex;
}

export async function deleteAllRows(knex: Knex): Promise<void> {
  for (const table of TABLES_IN_DELETE_ORDER) await knex(table).del();
}

/**
 * Registers the hooks of a MySQL-backed test file: open and migrate before all, empty every
 * table before each test, close the pool after all. Returns the knex getter.
 */
export function useTestDatabase(options: { poolMax?: number } = {}): () => Knex {
  let knex: Knex | undefined;
  beforeAll(async () => {
    knex = await openTestDatabase(options);
  });
  beforeEach(async () => {
    await deleteAllRows(current());
  });
  afterAll(async () => {
    await knex?.destroy();
  });
  const current = (): Knex => {
    if (!knex) throw new Error('The test database is not open: call useTestDatabase() at the top of the file');
    return knex;
  };
  return current;
}

/**
 * The claim pool on this worker's database, the one pool that accepts the reservation claim's
 * multi-statement batch: open before all, closed after all. Register it after
 * useTestDatabase(), which creates and migrates the database.
 */
export function useClaimPool(options: { poolMax?: number } = {}): () => Knex {
  let claims: Knex | undefined;
  beforeAll(() => {
    claims = createClaimKnex(testDatabaseUrl, { poolMax: options.poolMax ?? 10 });
  });
  afterAll(async () => {
    await claims?.destroy();
  });
  return () => {
    if (!claims) throw new Error('The claim pool is not open: call useClaimPool() at the top of the file');
    return claims;
  };
}

/** A URL for a scratch database of this worker, e.g. for tests that drop the whole schema. */
export function scratchDatabaseUrl(suffix: string): string {
  return `${TEST_MYSQL_SERVER_URL}/${testDatabaseName}_${suffix}`;
}

export async function dropDatabase(knex: Knex, databaseName: string): Promise<void> {
  await knex.raw('DROP DATABASE IF EXISTS ??', [databaseName]);
}
