/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  // The cluster, fault and Redis Cluster suites own processes and servers; they run alone
  // (npm run test:cluster, test:faults, test:redis-cluster).
  testPathIgnorePatterns: [
    '/node_modules/',
    '<rootDir>/test/cluster/',
    '<rootDir>/test/faults/',
    '<rootDir>/test/redis-cluster/',
  ],
  transform: { '^.+\\.ts$': ['@swc/jest'] },
  // Each worker gets its own MariaDB database and Redis db number (test/support/environment.ts),
  // so files run in parallel without sharing state.
  maxWorkers: 2,
  testTimeout: 30000,
  setupFiles: ['<rootDir>/test/support/setup-env.ts'],
};
