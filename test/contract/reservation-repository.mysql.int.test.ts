import { ObjectionMemberRepository } from '../../src/adapters/persistence/objection-member.repository';
import { ObjectionPerformanceRepository } from '../../src/adapters/persistence/objection-performance.repository';
import { ObjectionReservationRepository } from '../../src/adapters/persistence/objection-reservation.repository';
import { useTestDatabase } from '../support/mysql';
import { reservationRepositoryContract } from './reservation-repository.contract';

const knex = useTestDatabase();

reservationRepositoryContract(() => ({
  reservations: new ObjectionReservationRepository(knex()),
  performances: new ObjectionPerformanceRepository(knex()),
  members: new ObjectionMemberRepository(knex()),
}));
