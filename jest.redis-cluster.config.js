/**
 * `npm run test:redis-cluster`: the service on a Redis Cluster of six redis-server processes
 * (three masters, three replicas) that the test starts on loopback ports
 * (TEST_REDIS_CLUSTER_PORT, default 7101, and the five after it; cluster bus ports + 10000),
 * on MariaDB (database ticketing_redis_cluster[_TEST_NAMESPACE]). Not part of `npm test`:
 * it owns its processes and ports, and kills one of them.
 * @type {import('jest').Config}
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test/redis-cluster'],
  testMatch: ['<rootDir>/test/redis-cluster/**/*.redis-cluster-test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest'] },
  setupFiles: ['<rootDir>/test/support/setup-env.ts'],
  maxWorkers: 1,
  testTimeout: 120000,
};
