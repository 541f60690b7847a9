import { ObjectionMemberRepository } from '../../src/adapters/persistence/objection-member.repository';
import { ObjectionPerformanceRepository } from '../../src/adapters/persistence/objection-performance.repository';
import { ObjectionReservationRepository } from '../../src/adapters/persistence/objection-reservation.repository';
import { SqlSeatStatusQuery } from '../../src/adapters/persistence/sql-seat-status.query';
import { useTestDatabase } from '../support/mysql';
import { seatStatusQueryContract } from './seat-status-query.contract';

const knex = useTestDatabase();

seatStatusQueryContract(() => ({
  seatStatuses: new SqlSeatStatusQuery(knex()),
  reservations: new ObjectionReservationRepository(knex()),
  performances: new ObjectionPerformanceRepository(knex()),
  members: new ObjectionMemberRepository(knex()),
}));
