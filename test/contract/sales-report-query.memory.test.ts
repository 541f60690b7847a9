import { InMemoryMemberRepository } from '../../src/adapters/memory/in-memory-member.repository';
import { InMemoryPerformanceRepository } from '../../src/adapters/memory/in-memory-performance.repository';
import { InMemoryReservationRepository } from '../../src/adapters/memory/in-memory-reservation.repository';
import { salesReportQueryContract } from './sales-report-query.contract';

salesReportQueryContract(() => {
  // In memory, the reservation repository answers the sales-report query itself.
  const reservations = new InMemoryReservationRepository();
  return {
    sales: reservations,
    reservations,
    performances: new InMemoryPerformanceRepository(),
    members: new InMemoryMemberRepository(),
  };
});
