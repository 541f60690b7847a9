import type { Knex } from 'knex';
import { CreatePerformance } from '../application/catalog/create-performance/create-performance.use-case';
import type { Clock } from '../application/shared/ports/clock';
import { InMemoryEventPublisher } from '../adapters/memory/in-memory-event.publisher';
import { createKnex } from '../adapters/persistence/knex-client';
import { assertSchemaCurrent } from '../adapters/persistence/migrator';
import { ObjectionPerformanceRepository } from '../adapters/persistence/objection-performance.repository';
import { SystemClock } from '../adapters/system/system-clock';
import { UuidV7IdGenerator } from '../adapters/system/uuid-v7.id-generator';
import { Argon2PasswordHasher } from '../adapters/security/argon2-password.hasher';
import { ObjectionMemberRepository } from '../adapters/persistence/objection-member.repository';
import { EnsureAdmin } from '../application/identity/ensure-admin/ensure-admin.use-case';
import { MemberRegistration } from '../application/identity/member-registration';
import type { Actor } from '../application/shared/actor';
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
export async function seedDemoDatabase(knex: Knex, options: DemoSeedOptions = {}): Promise<DemoSeedReport> {
  const clock = options.clock ?? new SystemClock();
  await assertSchemaCurrent(knex);
  const members = new ObjectionMemberRepository(knex);
  const performances = new ObjectionPerformanceRepository(knex);
  const ids = new UuidV7IdGenerator();
  const events = new InMemoryEventPublisher();
  const admin = await demoAdmin(
    knex,
    members,
    options,
    () => new MemberRegistration(members, new Argon2PasswordHasher(), ids, clock, events),
  );
  const createPerformance = new CreatePerformance(performances, members, ids, clock, events);
  const created = await seedDemoPerformances(createPerformance, admin, clock.now(), performances);
  return { created, alreadyOnSale: DEMO_PERFORMANCES.length - created };
}

export interface DemoSeedOptions {
  readonly clock?: Clock;
  /** The admin the service ensures at start-up (ADMIN_EMAIL / ADMIN_PASSWORD); ensured here too. */
  readonly admin?: { readonly email: string; readonly password: string };
}

/**
 * Who creates the demo performances: the configured admin (created if missing, exactly as the
 * service does at start-up), or else the first admin the database has. Never an invented
 * account: a real database must not gain an admin whose password is in this repository.
 */
async function demoAdmin(
  knex: Knex,
  members: ObjectionMemberRepository,
  options: DemoSeedOptions,
  registration: () => MemberRegistration,
): Promise<Actor> {
  if (options.admin) {
    const ensured = await new EnsureAdmin(members, registration()).execute(options.admin.email, options.admin.password);
    return { memberId: ensured.memberId, role: 'ADMIN' };
  }
  const existing = (await knex('members').where({ role: 'ADMIN' }).orderBy('created_at').first('id')) as
    { id: string } | undefined;
  if (!existing) {
    throw new Error(
      'seed:demo needs an admin: set ADMIN_EMAIL and ADMIN_PASSWORD (as for the service) and run it again',
    );
  }
  return { memberId: existing.id, role: 'ADMIN' };
}

/** `npm run seed:demo` against DATABASE_URL. */
async function main(): Promise<void> {
  const databaseUrl = process.env['DATABASE_URL'];
  if (!databaseUrl) throw new Error('DATABASE_URL is not set');
  const knex = createKnex(databaseUrl, { poolMax: 2 });
  try {
    const email = process.env['ADMIN_EMAIL'];
    const password = process.env['ADMIN_PASSWORD'];
    const admin = email && password ? { email, password } : undefined;
    console.log(JSON.stringify(await seedDemoDatabase(knex, admin ? { admin } : {})));
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
