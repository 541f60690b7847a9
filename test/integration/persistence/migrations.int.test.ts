import { Knex } from 'knex';
import { createKnex, ensureDatabaseExists } from '../../../src/adapters/persistence/knex-client';
import { migrate, migrationConfig } from '../../../src/adapters/persistence/migrator';
import { MIGRATIONS } from '../../../src/adapters/persistence/migrations';
import { ObjectionMemberRepository } from '../../../src/adapters/persistence/objection-member.repository';
import { ObjectionPerformanceRepository } from '../../../src/adapters/persistence/objection-performance.repository';
import { reservationSeatsToRows, reservationToRow } from '../../../src/adapters/persistence/reservation.mapper';
import { Reservation } from '../../../src/domain/sales/reservation';
import { aMember, aPerformance, aReservation, seatIdsOf, T0 } from '../../support/builders';
import { TEST_MYSQL_SERVER_URL } from '../../support/environment';
import { dropDatabase, scratchDatabaseUrl } from '../../support/mysql';

// A database of its own: this test drops the whole schema, which other files of the
// worker must never see.
const databaseUrl = scratchDatabaseUrl('migrations');
const databaseName = new URL(databaseUrl).pathname.slice(1);
const ALL = MIGRATIONS.map(([name]) => name);
const TABLES = [
  'idempotency_keys',
  'member_seat_counts',
  'members',
  'performance_grades',
  'performance_sections',
  'performances',
  'reservation_seats',
  'reservations',
  'seat_state_epochs',
  'seats',
  'outbox',
  'payments',
  'webhook_endpoints',
  'webhook_deliveries',
  'webhook_delivery_attempts',
  'tickets',
  'check_ins',
].sort();

describe('migrations', () => {
  let server: Knex;
  let knex: Knex;

  beforeAll(async () => {
    server = createKnex(TEST_MYSQL_SERVER_URL, { poolMax: 1 });
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
    return (rows as { name: string }[])
      .map((row) => row.name)
      .filter((name) => !name.startsWith('knex_'))
      .sort();
  };

  it('run once when several instances migrate a fresh database at the same moment', async () => {
    await migrate(knex, 'rollback', { all: true });
    await knex.schema.dropTableIfExists('knex_migrations_lock');
    await knex.schema.dropTableIfExists('knex_migrations');
    const instances = [1, 2, 3, 4].map(() => createKnex(databaseUrl, { poolMax: 2 }));
    try {
      const reports = await Promise.all(instances.map((instance) => migrate(instance, 'latest')));
      // One instance applied everything; the others waited for it and found nothing to do.
      expect(reports.map((report) => report.changed.length).sort()).toEqual([0, 0, 0, ALL.length]);
      expect(reports.every((report) => report.pending.length === 0)).toBe(true);
      const [locks] = await knex.raw('SELECT COUNT(*) AS n FROM knex_migrations_lock');
      expect(Number((locks as { n: number }[])[0]!.n)).toBe(1);
      expect(await migrate(instances[0]!, 'latest')).toMatchObject({ changed: [], pending: [] });
      await migrate(knex, 'rollback', { all: true });
    } finally {
      await Promise.all(instances.map((instance) => instance.destroy()));
    }
  });

  it('go up, all the way down and up again, and report where they stand', async () => {
    expect(await migrate(knex, 'status')).toEqual({ action: 'status', changed: [], applied: [], pending: ALL });

    expect(await migrate(knex, 'latest')).toEqual({ action: 'latest', changed: ALL, applied: ALL, pending: [] });
    expect(await tables()).toEqual(TABLES);
    expect(await migrate(knex, 'latest')).toMatchObject({ changed: [], applied: ALL });

    const down = await migrate(knex, 'rollback', { all: true });
    expect(down).toEqual({ action: 'rollback', changed: [...ALL].reverse(), applied: [], pending: ALL });
    expect(await tables()).toEqual([]);

    expect(await migrate(knex, 'latest')).toMatchObject({ changed: ALL, pending: [] });
    expect(await tables()).toEqual(TABLES);
  });

  it('each step down undoes exactly its step up', async () => {
    await migrate(knex, 'rollback', { all: true });
    const tablesAfter: string[][] = [];
    for (const name of ALL) {
      await knex.migrate.up({ ...migrationConfig, name });
      tablesAfter.push(await tables());
    }
    for (let i = ALL.length - 1; i >= 0; i--) {
      expect(await tables()).toEqual(tablesAfter[i]);
      await knex.migrate.down(migrationConfig);
    }
    expect(await tables()).toEqual([]);
    // 006 adds a column and a CHECK to an existing table, 008 two columns: no table; 009 the four of
    // webhooks; 010 payments; 011 tickets and check-ins.
    expect(tablesAfter.map((list) => list.length)).toEqual([1, 5, 7, 8, 9, 9, 10, 10, 14, 15, 17]);
  });

  it('rolls back only the last batch by default', async () => {
    await migrate(knex, 'rollback', { all: true });
    await knex.migrate.up({ ...migrationConfig, name: ALL[0] });
    await migrate(knex, 'latest');

    expect(await migrate(knex, 'rollback')).toMatchObject({
      changed: ALL.slice(1).reverse(),
      applied: ALL.slice(0, 1),
    });
    expect(await tables()).toEqual(['members']);
  });

  it('backfills the member seat counts from the active claims of existing reservations', async () => {
    await migrate(knex, 'rollback', { all: true });
    for (const name of ALL.slice(0, 3)) await knex.migrate.up({ ...migrationConfig, name });
    const [alice, bob] = [aMember(), aMember()];
    const members = new ObjectionMemberRepository(knex);
    for (const member of [alice, bob]) await members.add(member);
    const performance = aPerformance();
    await new ObjectionPerformanceRepository(knex).add(performance);
    const seats = seatIdsOf(performance);
    // Rows as the previous release writes them: no counts.
    const write = async (reservation: Reservation) => {
      const row = reservationToRow(reservation);
      await knex('reservations').insert(row);
      await knex('reservation_seats').insert(reservationSeatsToRows(reservation));
    };
    const held = aReservation({ performance, memberId: alice.id, seatIds: seats.slice(0, 2) });
    const confirmed = aReservation({ performance, memberId: alice.id, seatIds: seats.slice(2, 3) });
    confirmed.confirm(T0);
    const cancelled = aReservation({ performance, memberId: alice.id, seatIds: seats.slice(3, 5) });
    cancelled.cancel(T0);
    const bobs = aReservation({ performance, memberId: bob.id, seatIds: seats.slice(5, 9) });
    for (const reservation of [held, confirmed, cancelled, bobs]) await write(reservation);

    await migrate(knex, 'latest');

    const counts = await knex('member_seat_counts').select('member_id', 'performance_id', 'seats').orderBy('seats');
    expect(counts).toEqual([
      { member_id: alice.id, performance_id: performance.id, seats: 3 },
      { member_id: bob.id, performance_id: performance.id, seats: 4 },
    ]);
  });
});
