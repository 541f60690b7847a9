import { createConnection, Connection } from 'mysql2/promise';
import { createKnex } from '../../src/adapters/persistence/knex-client';
import { migrate } from '../../src/adapters/persistence/migrator';
import Redis from 'ioredis';
import { databaseUrl, MYSQL_SERVER_URL, REDIS_URL } from './environment';

/** A connection that reads and writes DATETIME as UTC, like the service's pool. */
export async function connect(database?: string): Promise<Connection> {
  const connection = await createConnection({
    uri: database ? databaseUrl(database) : MYSQL_SERVER_URL,
    timezone: 'Z',
    charset: 'utf8mb4',
    supportBigNumbers: true,
  });
  await connection.query("SET time_zone = '+00:00'");
  return connection;
}

/**
 * Drops and re-creates `database`; with `migrate`, applies the migrations of src/ to it
 * (otherwise the service under test migrates it on start, with its own migrations).
 */
export async function recreateDatabase(
  database: string,
  options: { migrate: boolean } = { migrate: true },
): Promise<void> {
  databaseUrl(database); // refuses names outside ticketing_perf*
  const server = await connect();
  try {
    await server.query(`DROP DATABASE IF EXISTS \`${database}\``);
    await server.query(`CREATE DATABASE \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  } finally {
    await server.end();
  }
  if (options.migrate) await migrateDatabase(database);
}

export async function migrateDatabase(database: string): Promise<void> {
  const knex = createKnex(databaseUrl(database), { poolMax: 2 });
  try {
    await migrate(knex, 'latest');
  } finally {
    await knex.destroy();
  }
}

/** One multi-row INSERT per `batchSize` rows: 100,000 seats in a few dozen statements. */
export async function bulkInsert(
  connection: Connection,
  table: string,
  columns: readonly string[],
  rows: readonly unknown[][],
  batchSize = 5_000,
): Promise<void> {
  for (let start = 0; start < rows.length; start += batchSize) {
    await connection.query(
      `INSERT INTO \`${table}\` (${columns.map((column) => `\`${column}\``).join(', ')}) VALUES ?`,
      [rows.slice(start, start + batchSize)],
    );
  }
}

/**
 * Empties the perf Redis db only: FLUSHDB, never FLUSHALL. That is db 14, or the db that
 * PERF_REDIS_URL names (two runs at once each need their own); never db 0.
 */
export async function flushPerfRedis(): Promise<void> {
  const url = new URL(REDIS_URL);
  const chosen = process.env['PERF_REDIS_URL'] !== undefined && /^\/([1-9]|1[0-5])$/.test(url.pathname);
  if (url.pathname !== '/14' && !chosen) throw new Error(`Perf runs use Redis db 14, not ${url.pathname}`);
  const redis = new Redis(REDIS_URL, { lazyConnect: true });
  try {
    await redis.connect();
    await redis.flushdb();
  } finally {
    redis.disconnect();
  }
}
