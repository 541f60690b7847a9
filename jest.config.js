/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  transform: { '^.+\\.ts$': ['@swc/jest'] },
  // Each worker gets its own MariaDB database and Redis db number (test/support/environment.ts),
  // so files run in parallel without sharing state.
  maxWorkers: 2,
  testTimeout: 30000,
  setupFiles: ['<rootDir>/test/support/setup-env.ts'],
};
