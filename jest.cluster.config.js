/**
 * `npm run test:cluster`: several `node dist/bootstrap/main.js` behind a real nginx, on MariaDB
 * (databases ticketing_cluster*) and Redis db 13. Not part of `npm test`: it builds dist/,
 * needs nginx and owns the machine's two cores while it runs.
 * @type {import('jest').Config}
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test/cluster'],
  testMatch: ['<rootDir>/test/cluster/**/*.cluster.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest'] },
  globalSetup: '<rootDir>/test/support/cluster-global-setup.ts',
  setupFiles: ['<rootDir>/test/support/setup-env.ts'],
  // One file at a time: the files share Redis db 13, and each one loads both cores by itself.
  maxWorkers: 1,
  testTimeout: 60000,
};
