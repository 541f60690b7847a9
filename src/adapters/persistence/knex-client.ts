import knex, { Knex } from 'knex';
import { createConnection } from 'mysql2/promise';

export interface KnexOptions {
  readonly poolMax: number;
  readonly poolMin?: number;
  /** How long a query waits for a free connection before failing (then: StoreUnavailableError). */
  readonly acquireTimeoutMs?: number;
  /** Where knex's own warnings go (failed connection attempts, say); the console by default. */
  readonly onWarning?: (message: string) => void;
}

interface RawConnection {
  query(sql: string, callback: (error: Error | null) => void): void;
}

/**
 * A mysql2-backed knex whose every connection speaks UTC: `timezone: 'Z'` makes the driver
 * write and read DATETIME as UTC, and the session time zone makes NOW() and friends agree.
 * Its connections refuse multi-statement SQL, so an injection bug can never stack a
 * statement; only the claim pool (createClaimKnex) accepts a batch.
 */
export function createKnex(databaseUrl: string, options: KnexOptions): Knex {
  return mysqlKnex(databaseUrl, options, false);
}

/**
 * The claim pool: connections that accept a multi-statement batch, for the reservation
 * claim's one round trip (reservation-claim-batch.ts) and nothing else.
 */
export function createClaimKnex(databaseUrl: string, options: KnexOptions): Knex {
  return mysqlKnex(databaseUrl, options, true);
}

/**
 * How an instance's DATABASE_POOL_MAX connections are shared: half (rounded up) for the
 * claims, which are nearly all of the hot path's database time, the rest for everything
 * else; at least one each.
 */
export function splitPoolMax(poolMax: number): { readonly main: number; readonly claims: number } {
  const claims = Math.max(1, Math.ceil(poolMax / 2));
  return { main: Math.max(1, poolMax - claims), claims };
}

function mysqlKnex(databaseUrl: string, options: KnexOptions, multipleStatements: boolean): Knex {
  return knex({
    client: 'mysql2',
    ...(options.onWarning ? { log: { warn: options.onWarning } } : {}),
    connection: {
      uri: databaseUrl,
      timezone: 'Z',
      charset: 'utf8mb4',
      // Exact BIGINT values (as strings past 2^53) instead of silently rounded numbers.
      supportBigNumbers: true,
      // Fail fast when the server is unreachable instead of hanging on the OS default.
      connectTimeout: 5_000,
      multipleStatements,
    },
    pool: {
      min: options.poolMin ?? 0,
      max: options.poolMax,
      // 60 s (knex's default) would leave requests hanging while the database is down.
      acquireTimeoutMillis: options.acquireTimeoutMs ?? 5_000,
      afterCreate(connection: RawConnection, done: (error: Error | null, connection: RawConnection) => void) {
        connection.query("SET time_zone = '+00:00'", (error) => done(error, connection));
      },
    },
  });
}

/** Creates the URL's database (utf8mb4) unless it exists: for tests and a first start. */
export async function ensureDatabaseExists(databaseUrl: string): Promise<void> {
  const url = new URL(databaseUrl);
  const database = decodeURIComponent(url.pathname.slice(1));
  if (!database) throw new Error('The database URL names no database');
  url.pathname = '';
  const connection = await createConnection({ uri: url.toString(), connectTimeout: 5_000 });
  try {
    await connection.query(
      `CREATE DATABASE IF NOT EXISTS \`${database.replace(/`/g, '``')}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
    );
  } finally {
    await connection.end();
  }
}
