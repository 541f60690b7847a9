import { MysqlCheckInRepository } from '../../src/adapters/persistence/mysql-check-in.repository';
import { MysqlReservationRepository } from '../../src/adapters/persistence/mysql-reservation.repository';
import { ObjectionMemberRepository } from '../../src/adapters/persistence/objection-member.repository';
import { ObjectionPerformanceRepository } from '../../src/adapters/persistence/objection-performance.repository';
import { useClaimPool, useTestDatabase } from '../support/mysql';
import { checkInRepositoryContract } from './check-in-repository.contract';

const knex = useTestDatabase({ poolMax: 12 });
const claims = useClaimPool();

checkInRepositoryContract(() => ({
  checkIns: new MysqlCheckInRepository(knex()),
  reservations: new MysqlReservationRepository(knex(), claims()),
  performances: new ObjectionPerformanceRepository(knex()),
  members: new ObjectionMemberRepository(knex()),
}));
