/**
 * Where integration tests find MariaDB and Redis. Every Jest worker gets its own database
 * and Redis db number, so test files run in parallel without seeing each other's rows.
 * Override the servers with TEST_MYSQL_URL / TEST_REDIS_URL (no database / db number), and
 * set TEST_NAMESPACE (letters) plus TEST_REDIS_DB_BASE when two test runs share one machine.
 */
const workerId = Number(process.env['JEST_WORKER_ID'] ?? '1');
const namespace = (process.env['TEST_NAMESPACE'] ?? '').replace(/[^a-z]/gi, '');
const redisDbBase = Number(process.env['TEST_REDIS_DB_BASE'] ?? '0');

export const TEST_MYSQL_SERVER_URL = process.env['TEST_MYSQL_URL'] ?? 'mysql://root@127.0.0.1:3306';
export const TEST_REDIS_SERVER_URL = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

export const testDatabaseName = `ticketing_test_${namespace}${workerId}`;
export const testDatabaseUrl = `${TEST_MYSQL_SERVER_URL}/${testDatabaseName}`;
/** Redis db 0 is left to people running the service by hand. */
export const testRedisDb = ((redisDbBase + workerId - 1) % 15) + 1;
export const testRedisUrl = `${TEST_REDIS_SERVER_URL}/${testRedisDb}`;
