import { InMemoryMemberRepository } from '../../src/adapters/memory/in-memory-member.repository';
import { InMemoryPerformanceRepository } from '../../src/adapters/memory/in-memory-performance.repository';
import { InMemoryReservationRepository } from '../../src/adapters/memory/in-memory-reservation.repository';
import { seatClaimSourceContract } from './seat-claim-source.contract';

seatClaimSourceContract(() => {
  // In memory, the reservation repository is its own claim source.
  const reservations = new InMemoryReservationRepository();
  return {
    claims: reservations,
    reservations,
    performances: new InMemoryPerformanceRepository(),
    members: new InMemoryMemberRepository(),
  };
});
