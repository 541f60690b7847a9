import { ObjectionMemberRepository } from '../../src/adapters/persistence/objection-member.repository';
import { ObjectionPerformanceRepository } from '../../src/adapters/persistence/objection-performance.repository';
import { MysqlReservationRepository } from '../../src/adapters/persistence/mysql-reservation.repository';
import { SqlSeatStatusQuery } from '../../src/adapters/persistence/sql-seat-status.query';
import { useClaimPool, useTestDatabase } from '../support/mysql';
import { seatStatusQueryContract } from './seat-status-query.contract';

const knex = useTestDatabase();
const claims = useClaimPool();

seatStatusQueryContract(() => ({
  seatStatuses: new SqlSeatStatusQuery(knex()),
  reservations: new MysqlReservationRepository(knex(), claims()),
  performances: new ObjectionPerformanceRepository(knex()),
  members: new ObjectionMemberRepository(knex()),
}));
