import { InMemoryMemberRepository } from '../../src/adapters/memory/in-memory-member.repository';
import { InMemoryPerformanceRepository } from '../../src/adapters/memory/in-memory-performance.repository';
import { InMemoryReservationRepository } from '../../src/adapters/memory/in-memory-reservation.repository';
import { seatStatusQueryContract } from './seat-status-query.contract';

seatStatusQueryContract(() => {
  // In memory, the reservation repository answers the seat-status query itself.
  const reservations = new InMemoryReservationRepository();
  return {
    seatStatuses: reservations,
    reservations,
    performances: new InMemoryPerformanceRepository(),
    members: new InMemoryMemberRepository(),
  };
});
