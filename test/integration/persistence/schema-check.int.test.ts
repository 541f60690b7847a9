import { execFile } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Knex } from 'knex';
import pino from 'pino';
import { createKnex, ensureDatabaseExists } from '../../../src/adapters/persistence/knex-client';
import { MIGRATIONS } from '../../../src/adapters/persistence/migrations';
import { migrate, migrationConfig, SchemaBehindError } from '../../../src/adapters/persistence/migrator';
import { Application, createApplication } from '../../../src/bootstrap/application';
import { loadConfig } from '../../../src/bootstrap/config';
import { openExternalStores } from '../../../src/bootstrap/stores';
import { TEST_MYSQL_SERVER_URL, testRedisUrl } from '../../support/environment';
import { fastHasher, fullStackEnvironment } from '../../support/service';
import { ApiClient } from '../../../testkit/api-client';
import { dropDatabase, scratchDatabaseUrl } from '../../support/mysql';

// A database of its own: these tests leave it unmigrated or roll migrations back.
const databaseUrl = scratchDatabaseUrl('schema');
const databaseName = new URL(databaseUrl).pathname.slice(1);
const storage = {
  kind: 'external',
  databaseUrl,
  redis: { kind: 'single', url: testRedisUrl, tls: false },
  poolMax: 4,
} as const;
const silent = pino({ level: 'silent' });
const run = promisify(execFile);

describe('the database schema', () => {
  let server: Knex;
  let knex: Knex;

  beforeAll(async () => {
    server = createKnex(TEST_MYSQL_SERVER_URL, { poolMax: 1 });
    knex = createKnex(databaseUrl, { poolMax: 2 });
  });
  beforeEach(async () => {
    await knex.destroy();
    await dropDatabase(server, databaseName);
    await ensureDatabaseExists(databaseUrl);
    knex = createKnex(databaseUrl, { poolMax: 2 });
  });
  afterAll(async () => {
    await knex.destroy();
    await dropDatabase(server, databaseName);
    await server.destroy();
  });

  const tables = async (): Promise<string[]> => {
    const [rows] = await knex.raw('SELECT table_name AS name FROM information_schema.tables WHERE table_schema = ?', [
      databaseName,
    ]);
    return (rows as { name: string }[]).map((row) => row.name);
  };

  it('keeps the service from starting on a database that was never migrated, saying how to migrate it', async () => {
    const started = run(process.execPath, ['--import', 'tsx', 'src/bootstrap/main.ts'], {
      cwd: join(__dirname, '..', '..', '..'),
      env: {
        PATH: process.env['PATH'] ?? '',
        ...fullStackEnvironment({ DATABASE_URL: databaseUrl, MIGRATE_ON_START: 'false' }),
      },
      timeout: 25_000,
    });
    delete (started as { child?: unknown }).child; // keeps jest from printing the process on failure

    // A service that started runs until the timeout's SIGTERM, then exits 0 or is killed.
    const outcome = await started.then(
      () => ({ code: 'started and ran until stopped', stderr: '' }),
      (error: { code?: number; stderr?: string; killed?: boolean }) => ({
        code: error.killed ? 'started and ran until killed' : error.code,
        stderr: error.stderr ?? '',
      }),
    );
    expect(outcome.code).toBe(1);
    expect(outcome.stderr).toContain(
      `The database schema is behind this release: ${MIGRATIONS.length} migration(s) not applied`,
    );
    expect(outcome.stderr).toContain('npm run migrate');
    expect(outcome.stderr).toContain('MIGRATE_ON_START=true');
    // The check only reads: a refused start leaves the database as it found it.
    expect(await tables()).toEqual([]);
  });

  it('refuses a database that misses only the last migration, and names it', async () => {
    await migrate(knex, 'latest');
    await knex.migrate.down(migrationConfig);

    const opening = openExternalStores(storage, { migrate: false, logger: silent });
    await expect(opening).rejects.toThrow(SchemaBehindError);
    const [lastMigration] = MIGRATIONS[MIGRATIONS.length - 1]!;
    await expect(opening).rejects.toThrow(`1 migration(s) not applied (${lastMigration})`);
  });

  it('starts on a database migrated at start-up, or by a newer release that applied a migration this one does not know', async () => {
    const stores = await openExternalStores(storage, { migrate: true, logger: silent });
    await stores.close();
    await knex(migrationConfig.tableName!).insert({
      name: '999-from-a-newer-release',
      batch: 99,
      migration_time: new Date(),
    });

    const again = await openExternalStores(storage, { migrate: false, logger: silent });
    expect(await again.readiness()).toEqual({
      ready: true,
      checks: { mysql: 'up', redis: 'up', schema: 'current' },
    });
    await again.close();
  });

  describe('while the service runs', () => {
    let application: Application;
    let api: ApiClient;

    beforeEach(async () => {
      const config = loadConfig(fullStackEnvironment({ DATABASE_URL: databaseUrl }));
      // Re-checked at every probe here; in production at most every few seconds.
      const stores = await openExternalStores(storage, { migrate: true, logger: silent, schemaCheckMaxAgeMs: 0 });
      application = await createApplication(config, silent, { stores, passwordHasher: fastHasher });
      const server = await application.listen();
      api = new ApiClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    });
    afterEach(async () => {
      await api.close();
      await application.stop();
    });

    it('turns not ready (503, schema behind) when a migration is rolled back, and ready again once it is applied', async () => {
      const ready = await api.request('GET', '/readyz');
      expect(ready.status).toBe(200);
      expect(ready.body).toEqual({ status: 'ready', checks: { mysql: 'up', redis: 'up', schema: 'current' } });

      await knex.migrate.down(migrationConfig);
      const behind = await api.request('GET', '/readyz');
      expect(behind.status).toBe(503);
      expect(behind.body).toEqual({ status: 'unavailable', checks: { mysql: 'up', redis: 'up', schema: 'behind' } });

      await migrate(knex, 'latest');
      expect((await api.request('GET', '/readyz')).status).toBe(200);
    });

    it('is documented by an OpenAPI example with the checks /readyz really sends', async () => {
      const document = await api.request('GET', '/openapi.json');
      const example = document.body.components.schemas.Readiness.properties.checks.example;
      expect(example).toEqual((await api.request('GET', '/readyz')).body.checks);
    });

    it('stays ready when a newer release applies a migration this one does not know', async () => {
      await knex(migrationConfig.tableName!).insert({
        name: '999-from-a-newer-release',
        batch: 99,
        migration_time: new Date(),
      });
      const ready = await api.request('GET', '/readyz');
      expect(ready.status).toBe(200);
      expect(ready.body.checks.schema).toBe('current');
    });
  });
});
