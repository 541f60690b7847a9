import { StoreUnavailableError } from '../../../src/application/shared/errors';
import { createKnex } from '../../../src/adapters/persistence/knex-client';
import { ObjectionMemberRepository } from '../../../src/adapters/persistence/objection-member.repository';
import { ObjectionPerformanceRepository } from '../../../src/adapters/persistence/objection-performance.repository';
import { MysqlReservationRepository } from '../../../src/adapters/persistence/mysql-reservation.repository';
import { SqlSeatStatusQuery } from '../../../src/adapters/persistence/sql-seat-status.query';
import { aMember, aPerformance, aReservation, NO_MEMBER_CAP, T0 } from '../../support/builders';
import { testDatabaseName, testDatabaseUrl } from '../../support/environment';
import { useClaimPool, useTestDatabase } from '../../support/mysql';

const knex = useTestDatabase();
const claims = useClaimPool();

describe('the MySQL client', () => {
  it('speaks UTC: the session time zone and DATETIME values, to the millisecond', async () => {
    const member = aMember({ createdAt: new Date('2030-06-30T23:59:59.987Z') });
    await new ObjectionMemberRepository(knex()).add(member);

    const [[session]] = await knex().raw(
      'SELECT @@session.time_zone AS zone, TIMESTAMPDIFF(SECOND, UTC_TIMESTAMP(), NOW()) AS skew',
    );
    const [[stored]] = await knex().raw('SELECT CAST(created_at AS CHAR) AS text FROM members WHERE id = ?', [
      member.id,
    ]);

    expect(session).toEqual({ zone: '+00:00', skew: 0 });
    expect(stored.text).toBe('2030-06-30 23:59:59.987');
  });
});

describe('multi-statement SQL', () => {
  it('is refused on a connection of the main pool, so an injected statement can never be stacked', async () => {
    const error = await knex()
      .raw('SELECT 1; SELECT 2')
      .catch((reason: unknown) => reason);

    expect(error).toMatchObject({ code: 'ER_PARSE_ERROR' });
  });

  it('is accepted on a connection of the claim pool, which sends the claim in one batch', async () => {
    const [results] = await claims().raw('SELECT 1 AS first; SELECT 2 AS second');

    expect(results).toEqual([[{ first: 1 }], [{ second: 2 }]]);
  });
});

describe('when MySQL cannot be reached', () => {
  // Port 1 on loopback: nothing listens, the connection is refused at once.
  const unreachable = createKnex(`mysql://root@127.0.0.1:1/${testDatabaseName}`, { poolMax: 1, onWarning: () => {} });
  afterAll(() => unreachable.destroy());

  it('every repository answers StoreUnavailableError, with the driver error as cause', async () => {
    const member = aMember();
    const performance = aPerformance();
    const attempts: (() => Promise<unknown>)[] = [
      () => new ObjectionMemberRepository(unreachable).add(member),
      () => new ObjectionMemberRepository(unreachable).findByEmail(member.email),
      () => new ObjectionPerformanceRepository(unreachable).add(performance),
      () => new ObjectionPerformanceRepository(unreachable).findById(performance.id),
      () => new ObjectionPerformanceRepository(unreachable).listUpcoming(T0, 1, 10),
      () => new MysqlReservationRepository(unreachable, unreachable).add(aReservation({ performance }), NO_MEMBER_CAP),
      () => new MysqlReservationRepository(unreachable, unreachable).findById('x'),
      () => new MysqlReservationRepository(unreachable, unreachable).listByMember('x'),
      () => new MysqlReservationRepository(unreachable, unreachable).expireOverdue(T0, 10),
      () => new SqlSeatStatusQuery(unreachable).takenSeats(performance.id, T0),
    ];

    for (const attempt of attempts) {
      const error = await attempt().catch((reason: unknown) => reason);
      expect(error).toBeInstanceOf(StoreUnavailableError);
      expect((error as StoreUnavailableError).code).toBe('SERVICE_UNAVAILABLE');
      expect((error as StoreUnavailableError).cause).toMatchObject({ code: 'ECONNREFUSED' });
    }
  });
});

describe('when the pool has no free connection', () => {
  it('gives up after the acquire timeout with StoreUnavailableError instead of hanging', async () => {
    const tiny = createKnex(testDatabaseUrl, { poolMax: 1, acquireTimeoutMs: 200, onWarning: () => {} });
    const members = new ObjectionMemberRepository(tiny);
    let release!: () => void;
    let holding!: () => void;
    const connectionTaken = new Promise<void>((resolve) => (holding = resolve));
    const busy = tiny.transaction(async (trx) => {
      await trx.raw('SELECT 1');
      holding();
      await new Promise<void>((resolve) => (release = resolve));
    });
    try {
      await connectionTaken;
      const started = Date.now();
      const error = await members.findById('x').catch((reason: unknown) => reason);

      expect(error).toBeInstanceOf(StoreUnavailableError);
      expect((error as Error).cause).toMatchObject({ name: 'KnexTimeoutError' });
      expect(Date.now() - started).toBeLessThan(2_000);
    } finally {
      release?.();
      await busy;
      await tiny.destroy();
    }
  });
});

describe('errors that are not about the connection', () => {
  it('pass through unchanged', async () => {
    // A reservation of a performance that does not exist breaks a foreign key.
    const member = aMember();
    await new ObjectionMemberRepository(knex()).add(member);
    const error = await new MysqlReservationRepository(knex(), claims())
      .add(aReservation({ memberId: member.id }), NO_MEMBER_CAP)
      .catch((reason: unknown) => reason);

    expect(error).not.toBeInstanceOf(StoreUnavailableError);
    expect(error).toMatchObject({ code: 'ER_NO_REFERENCED_ROW_2' });
  });
});
