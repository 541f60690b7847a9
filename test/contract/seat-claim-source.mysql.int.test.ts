import { ObjectionMemberRepository } from '../../src/adapters/persistence/objection-member.repository';
import { ObjectionPerformanceRepository } from '../../src/adapters/persistence/objection-performance.repository';
import { ObjectionReservationRepository } from '../../src/adapters/persistence/objection-reservation.repository';
import { SqlSeatClaimSource } from '../../src/adapters/persistence/sql-seat-claim.source';
import { useTestDatabase } from '../support/mysql';
import { seatClaimSourceContract } from './seat-claim-source.contract';

const knex = useTestDatabase();

seatClaimSourceContract(() => ({
  claims: new SqlSeatClaimSource(knex()),
  reservations: new ObjectionReservationRepository(knex()),
  performances: new ObjectionPerformanceRepository(knex()),
  members: new ObjectionMemberRepository(knex()),
}));
