import { ObjectionMemberRepository } from '../../src/adapters/persistence/objection-member.repository';
import { ObjectionPerformanceRepository } from '../../src/adapters/persistence/objection-performance.repository';
import { MysqlReservationRepository } from '../../src/adapters/persistence/mysql-reservation.repository';
import { SqlSeatClaimSource } from '../../src/adapters/persistence/sql-seat-claim.source';
import { useClaimPool, useTestDatabase } from '../support/mysql';
import { seatClaimSourceContract } from './seat-claim-source.contract';

const knex = useTestDatabase();
const claims = useClaimPool();

seatClaimSourceContract(() => ({
  claims: new SqlSeatClaimSource(knex()),
  reservations: new MysqlReservationRepository(knex(), claims()),
  performances: new ObjectionPerformanceRepository(knex()),
  members: new ObjectionMemberRepository(knex()),
}));
