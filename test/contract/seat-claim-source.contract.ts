import type { SeatClaimSource } from '../../src/application/seat-state/ports/seat-claims';
import type { MemberRepository } from '../../src/domain/identity/member.repository';
import type { Performance } from '../../src/domain/catalog/performance';
import type { PerformanceRepository } from '../../src/domain/catalog/performance.repository';
import type { ReservationRepository } from '../../src/domain/sales/reservation.repository';
import {
  aPerformance,
  aReservation,
  aStoredHallAndMember,
  at,
  MINUTE,
  NO_MEMBER_CAP,
  seatIdsOf,
} from '../support/builders';

export interface SeatClaimStores {
  readonly claims: SeatClaimSource;
  readonly reservations: ReservationRepository;
  readonly performances: PerformanceRepository;
  readonly members: MemberRepository;
}

/** What the seat state is rebuilt from, in memory and in MySQL. */
export function seatClaimSourceContract(makeStores: () => SeatClaimStores | Promise<SeatClaimStores>): void {
  describe('SeatClaimSource contract', () => {
    let stores: SeatClaimStores;
    let performance: Performance;
    let seats: string[];
    let memberId: string;
    const hold = async (seatIds: string[], on: Performance = performance) => {
      const reservation = aReservation({ performance: on, memberId, seatIds, holdSeconds: 60 });
      await stores.reservations.add(reservation, NO_MEMBER_CAP);
      return reservation;
    };

    beforeEach(async () => {
      stores = await makeStores();
      ({ performance, seats, memberId } = await aStoredHallAndMember(stores));
    });

    it('lists every active claim with its holder: holds (overdue ones too) HELD, sales RESERVED', async () => {
      const held = await hold([seats[0]!, seats[1]!]);
      const sold = await hold([seats[2]!]);
      sold.confirm(at(MINUTE / 2));
      await stores.reservations.save(sold);
      const cancelled = await hold([seats[3]!]);
      cancelled.cancel(at(MINUTE / 2));
      await stores.reservations.save(cancelled);
      const other = aPerformance();
      await stores.performances.add(other);
      await hold([seatIdsOf(other)[0]!], other);

      const claims = await stores.claims.activeClaims(performance.id);

      expect(claims.sort((x, y) => (x.seatId < y.seatId ? -1 : 1))).toEqual(
        [
          { seatId: seats[0], reservationId: held.id, status: 'HELD' },
          { seatId: seats[1], reservationId: held.id, status: 'HELD' },
          { seatId: seats[2], reservationId: sold.id, status: 'RESERVED' },
        ].sort((x, y) => (x.seatId! < y.seatId! ? -1 : 1)),
      );
    });

    it('leaves out holds once they are expired', async () => {
      await hold([seats[0]!]);
      await stores.reservations.expireOverdue(at(10 * MINUTE), 10);
      expect(await stores.claims.activeClaims(performance.id)).toEqual([]);
    });

    it('hands out epochs 0, 1, 2… per performance', async () => {
      const other = aPerformance();
      expect(await stores.claims.nextEpoch(performance.id)).toBe(0);
      expect(await stores.claims.nextEpoch(performance.id)).toBe(1);
      expect(await stores.claims.nextEpoch(other.id)).toBe(0);
      expect(await stores.claims.nextEpoch(performance.id)).toBe(2);
    });
  });
}
