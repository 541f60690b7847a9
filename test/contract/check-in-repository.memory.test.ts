import { InMemoryCheckInRepository } from '../../src/adapters/memory/in-memory-check-in.repository';
import { InMemoryMemberRepository } from '../../src/adapters/memory/in-memory-member.repository';
import { InMemoryPerformanceRepository } from '../../src/adapters/memory/in-memory-performance.repository';
import { InMemoryReservationRepository } from '../../src/adapters/memory/in-memory-reservation.repository';
import { checkInRepositoryContract } from './check-in-repository.contract';

checkInRepositoryContract(() => {
  const members = new InMemoryMemberRepository();
  const reservations = new InMemoryReservationRepository(members);
  return {
    checkIns: new InMemoryCheckInRepository(reservations),
    reservations,
    performances: new InMemoryPerformanceRepository(),
    members,
  };
});
