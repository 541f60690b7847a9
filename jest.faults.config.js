/**
 * `npm run test:faults`: the service against REAL Redis and MariaDB servers that the tests
 * start, stop, kill and restart themselves (test/support/owned-servers.ts), on free loopback
 * ports and temporary data directories: the machine's shared servers are never touched. Not
 * part of `npm test`: it takes a few minutes and owns both cores while it runs.
 * @type {import('jest').Config}
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test/faults'],
  testMatch: ['<rootDir>/test/faults/**/*.fault-test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest'] },
  setupFiles: ['<rootDir>/test/support/setup-env.ts'],
  globalSetup: '<rootDir>/test/support/faults-global-setup.ts',
  globalTeardown: '<rootDir>/test/support/faults-global-teardown.ts',
  // One file at a time: each starts its own servers and races on both cores.
  maxWorkers: 1,
  testTimeout: 120000,
};
