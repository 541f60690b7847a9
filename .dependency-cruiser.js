/**
 * The layering rules of the hexagon, checked in CI (`npm run deps:check`):
 * domain imports nothing outside itself; application imports only the domain;
 * adapters never reach into bootstrap; only bootstrap knows Inversify.
 */
const FRAMEWORKS = 'node_modules/(koa|@koa/|knex|objection|mysql2|ioredis|inversify|@opentelemetry/|pino|zod|jose|argon2)';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'domain-is-pure',
      comment: 'The domain imports no framework, driver or outer layer.',
      severity: 'error',
      from: { path: '^src/domain' },
      to: { pathNot: ['^src/domain'], dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'domain-no-frameworks',
      severity: 'error',
      from: { path: '^src/domain' },
      to: { path: FRAMEWORKS },
    },
    {
      name: 'application-depends-on-domain-only',
      comment: 'Use cases see the domain and their own ports, never an adapter or bootstrap.',
      severity: 'error',
      from: { path: '^src/application' },
      to: { path: ['^src/adapters', '^src/bootstrap'] },
    },
    {
      name: 'application-no-frameworks',
      severity: 'error',
      from: { path: '^src/application' },
      to: { path: FRAMEWORKS },
    },
    {
      name: 'adapters-do-not-know-bootstrap',
      severity: 'error',
      from: { path: '^src/adapters' },
      to: { path: '^src/bootstrap' },
    },
    {
      name: 'only-bootstrap-knows-the-container',
      severity: 'error',
      from: { pathNot: '^src/bootstrap' },
      to: { path: 'node_modules/inversify' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    exclude: { path: '^dist' },
  },
};
