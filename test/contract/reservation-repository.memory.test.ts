import { InMemoryMemberRepository } from '../../src/adapters/memory/in-memory-member.repository';
import { InMemoryPerformanceRepository } from '../../src/adapters/memory/in-memory-performance.repository';
import { InMemoryReservationRepository } from '../../src/adapters/memory/in-memory-reservation.repository';
import { reservationRepositoryContract } from './reservation-repository.contract';

reservationRepositoryContract(() => {
  const members = new InMemoryMemberRepository();
  return {
    reservations: new InMemoryReservationRepository(members),
    performances: new InMemoryPerformanceRepository(),
    members,
  };
});
