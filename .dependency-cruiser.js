/**
 * The layering rules of the hexagon, checked in CI (`npm run deps:check`):
 * domain imports nothing outside itself; application imports only the domain;
 * adapters never reach into bootstrap; only bootstrap knows Inversify.
 *
 * Inside the domain and the application, code is grouped by module (identity, catalog,
 * sales, ...; `shared` belongs to all). A module reaches another only through that
 * module's ports (its repository interfaces in the domain, its `ports/` folder in the
 * application) or its events, never through its use cases; and one use-case folder never
 * imports another: what two use cases share lives beside them, in the module's own files.
 */
const FRAMEWORKS =
  'node_modules/(koa|@koa/|knex|objection|mysql2|ioredis|inversify|@opentelemetry/|pino|zod|jose|argon2)';

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
      name: 'domain-modules-are-independent',
      comment: 'A domain module imports only itself and domain/shared.',
      severity: 'error',
      from: { path: '^src/domain/([^/]+)/' },
      to: { path: '^src/domain/', pathNot: ['^src/domain/$1/', '^src/domain/shared/'] },
    },
    {
      name: 'application-modules-meet-through-ports',
      comment: "An application module uses another module's ports, never its use cases or helpers.",
      severity: 'error',
      from: { path: '^src/application/([^/]+)/' },
      to: {
        path: '^src/application/',
        pathNot: ['^src/application/$1/', '^src/application/shared/', '^src/application/[^/]+/ports/'],
      },
    },
    {
      name: 'use-case-folders-do-not-import-each-other',
      comment: 'What two use cases share lives in their module, not in one of them.',
      severity: 'error',
      from: { path: '^src/application/([^/]+)/([^/]+)/' },
      to: {
        path: '^src/application/[^/]+/[^/]+/',
        pathNot: ['^src/application/$1/$2/', '^src/application/[^/]+/ports/'],
      },
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
