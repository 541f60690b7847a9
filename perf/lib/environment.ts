import { join } from 'node:path';

/** Where load runs may go: loopback only, their own databases and Redis db. */
export const MYSQL_SERVER_URL = process.env['PERF_MYSQL_URL'] ?? 'mysql://root@127.0.0.1:3306';
export const REDIS_URL = process.env['PERF_REDIS_URL'] ?? 'redis://127.0.0.1:6379/14';
export const JWT_SECRET = 'perf-only-jwt-secret-0123456789-abcdefghijklmnop';
export const ADMIN = { email: 'perf-admin@perf.test', password: 'perf-admin-password-123' } as const;
/** Password of every seeded member (hashed once with the service's own parameters). */
export const MEMBER_PASSWORD = 'perf-member-password-123';

export const REPO_ROOT = join(__dirname, '..', '..');
export const RESULTS_DIR = join(REPO_ROOT, 'perf', 'results');
/** Logs, span files, nginx configs: gitignored. */
export const TMP_DIR = join(RESULTS_DIR, 'tmp');

export function databaseUrl(database: string): string {
  if (!/^ticketing_perf[a-z0-9_]*$/.test(database))
    throw new Error(`Perf databases are named ticketing_perf*, not ${database}`);
  return `${MYSQL_SERVER_URL}/${database}`;
}
