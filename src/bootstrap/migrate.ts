import { createKnex, ensureDatabaseExists } from '../adapters/persistence/knex-client';
import { migrate } from '../adapters/persistence/migrator';

/** `migrate latest | rollback | status` against DATABASE_URL. */
async function main(): Promise<void> {
  const action = process.argv[2] ?? 'latest';
  if (action !== 'latest' && action !== 'rollback' && action !== 'status') {
    throw new Error(`Unknown action ${action}; use latest, rollback or status`);
  }
  const databaseUrl = process.env['DATABASE_URL'];
  if (!databaseUrl) throw new Error('DATABASE_URL is not set');
  if (action === 'latest') await ensureDatabaseExists(databaseUrl);
  const knex = createKnex(databaseUrl, { poolMax: 2 });
  try {
    console.log(JSON.stringify(await migrate(knex, action), null, 2));
  } finally {
    await knex.destroy();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
