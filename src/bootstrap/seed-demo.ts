import type { Knex } from 'knex';
import { CreatePerformance } from '../application/catalog/create-performance/create-performance.use-case';
import type { Clock } from '../application/shared/ports/clock';
import { InMemoryEventPublisher } from '../adapters/memory/in-memory-event.publisher';
import { createKnex } from '../adapters/persistence/knex-client';
import { assertSchemaCurrent } from '../adapters/persistence/migrator';
import { ObjectionPerformanceRepository } from '../adapters/persistence/objection-performance.repository';
import { SystemClock } from '../adapters/system/system-clock';
import { UuidV7IdGenerator } from '../adapters/system/uuid-v7.id-generator';
import { DEMO_PERFORMANCES, seedDemoPerformances } from './demo-data';

export interface DemoSeedReport {
  /** Demo performances this run created. */
  readonly created: number;
  /** Demo performances already on sale, left as they are. */
  readonly alreadyOnSale: number;
}

/**
 * The embedded default's demo performances, in a migrated MySQL database; running it again
 * creates nothing while they are on sale (see seedDemoPerformances).
 */
export async function seedDemoDatabase(knex: Knex, clock: Clock = new SystemClock()): Promise<DemoSeedReport> {
  await assertSchemaCurrent(knex);
  const performances = new ObjectionPerformanceRepository(knex);
  const createPerformance = new CreatePerformance(
    performances,
    new UuidV7IdGenerator(),
    clock,
    new InMemoryEventPublisher(),
  );
  const created = await seedDemoPerformances(createPerformance, clock.now(), performances);
  return { created, alreadyOnSale: DEMO_PERFORMANCES.length - created };
}

/** `npm run seed:demo` against DATABASE_URL. */
async function main(): Promise<void> {
  const databaseUrl = process.env['DATABASE_URL'];
  if (!databaseUrl) throw new Error('DATABASE_URL is not set');
  const knex = createKnex(databaseUrl, { poolMax: 2 });
  try {
    console.log(JSON.stringify(await seedDemoDatabase(knex)));
  } finally {
    await knex.destroy();
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
