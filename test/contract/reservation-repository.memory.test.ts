import { InMemoryMemberRepository } from '../../src/adapters/memory/in-memory-member.repository';
import { InMemoryPerformanceRepository } from '../../src/adapters/memory/in-memory-performance.repository';
import { InMemoryReservationRepository } from '../../src/adapters/memory/in-memory-reservation.repository';
import { reservationRepositoryContract } from './reservation-repository.contract';

reservationRepositoryContract(() => ({
  reservations: new InMemoryReservationRepository(),
  performances: new InMemoryPerformanceRepository(),
  members: new InMemoryMemberRepository(),
}));
