import { ObjectionMemberRepository } from '../../src/adapters/persistence/objection-member.repository';
import { ObjectionPerformanceRepository } from '../../src/adapters/persistence/objection-performance.repository';
import { MysqlReservationRepository } from '../../src/adapters/persistence/mysql-reservation.repository';
import { useClaimPool, useTestDatabase } from '../support/mysql';
import { reservationRepositoryContract } from './reservation-repository.contract';

const knex = useTestDatabase();
const claims = useClaimPool();

reservationRepositoryContract(() => ({
  reservations: new MysqlReservationRepository(knex(), claims()),
  performances: new ObjectionPerformanceRepository(knex()),
  members: new ObjectionMemberRepository(knex()),
}));
