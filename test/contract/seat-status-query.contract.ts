import { SeatStatusQuery } from '../../src/application/catalog/ports/seat-status-query';
import { MemberRepository } from '../../src/domain/identity/member.repository';
import { Performance } from '../../src/domain/catalog/performance';
import { PerformanceRepository } from '../../src/domain/catalog/performance.repository';
import { Reservation, seatClaimAt } from '../../src/domain/sales/reservation';
import { ReservationRepository } from '../../src/domain/sales/reservation.repository';
import {
  aPerformance,
  aReservation,
  aStoredHallAndMember,
  at,
  MINUTE,
  NO_MEMBER_CAP,
  seatIdsOf,
  SECOND,
} from '../support/builders';

export interface SeatStatusStores {
  readonly seatStatuses: SeatStatusQuery;
  readonly reservations: ReservationRepository;
  readonly performances: PerformanceRepository;
  readonly members: MemberRepository;
}

const HOLD_SECONDS = 300;

/** What the seat-status read model must answer, in memory and in MySQL. */
export function seatStatusQueryContract(makeStores: () => SeatStatusStores | Promise<SeatStatusStores>): void {
  describe('SeatStatusQuery contract', () => {
    let stores: SeatStatusStores;
    let performance: Performance;
    let seats: string[];
    let memberId: string;
    const hold = async (seatIds: string[], on: Performance = performance): Promise<Reservation> => {
      const reservation = aReservation({ performance: on, memberId, seatIds, holdSeconds: HOLD_SECONDS });
      await stores.reservations.add(reservation, NO_MEMBER_CAP);
      return reservation;
    };

    beforeEach(async () => {
      stores = await makeStores();
      ({ performance, seats, memberId } = await aStoredHallAndMember(stores));
    });

    it('answers an empty map when no seat is taken', async () => {
      expect(await stores.seatStatuses.takenSeats(performance.id, at(0))).toEqual(new Map());
    });

    it('shows held seats as HELD and confirmed ones as RESERVED', async () => {
      await hold([seats[0]!, seats[1]!]);
      const sold = await hold([seats[5]!]);
      sold.confirm(at(MINUTE));
      await stores.reservations.save(sold);

      const taken = await stores.seatStatuses.takenSeats(performance.id, at(2 * MINUTE));

      expect(taken).toEqual(
        new Map([
          [seats[0], 'HELD'],
          [seats[1], 'HELD'],
          [seats[5], 'RESERVED'],
        ]),
      );
    });

    it('counts a hold as free from the instant it expires, even before it is swept', async () => {
      await hold([seats[0]!]);
      const expiry = at(HOLD_SECONDS * SECOND);

      expect(await stores.seatStatuses.takenSeats(performance.id, at(HOLD_SECONDS * SECOND - 1))).toEqual(
        new Map([[seats[0], 'HELD']]),
      );
      expect(await stores.seatStatuses.takenSeats(performance.id, expiry)).toEqual(new Map());
    });

    it('keeps a confirmed seat RESERVED long after its hold time', async () => {
      const sold = await hold([seats[0]!]);
      sold.confirm(at(MINUTE));
      await stores.reservations.save(sold);

      expect(await stores.seatStatuses.takenSeats(performance.id, at(100 * HOLD_SECONDS * SECOND))).toEqual(
        new Map([[seats[0], 'RESERVED']]),
      );
    });

    it('leaves out cancelled and expired reservations', async () => {
      const cancelled = await hold([seats[0]!]);
      cancelled.cancel(at(MINUTE));
      await stores.reservations.save(cancelled);
      await hold([seats[1]!]);
      await stores.reservations.expireOverdue(at(HOLD_SECONDS * SECOND), 10);

      expect(await stores.seatStatuses.takenSeats(performance.id, at(0))).toEqual(new Map());
    });

    it('takes a seat exactly when the domain rule (seatClaimAt) says, overdue-but-unswept holds included', async () => {
      const holdAt = async (seatId: string, madeAt: Date) => {
        const reservation = aReservation({ performance, memberId, seatIds: [seatId], now: madeAt, holdSeconds: 300 });
        await stores.reservations.add(reservation, NO_MEMBER_CAP);
        return reservation;
      };
      // Holds last 300 s; `overdueSoon` is overdue from 100 s on and never swept.
      await holdAt(seats[0]!, at(0));
      await holdAt(seats[1]!, at(-200 * SECOND));
      const confirmed = await holdAt(seats[2]!, at(0));
      confirmed.confirm(at(MINUTE));
      await stores.reservations.save(confirmed);
      const cancelled = await holdAt(seats[3]!, at(0));
      cancelled.cancel(at(MINUTE));
      await stores.reservations.save(cancelled);
      const expired = await holdAt(seats[4]!, at(-400 * SECOND));
      expired.expire(at(0));
      await stores.reservations.save(expired);
      const stored = await stores.reservations.listByMember(memberId);

      for (const instant of [0, 100 * SECOND - 1, 100 * SECOND, 300 * SECOND - 1, 300 * SECOND, 100 * 300 * SECOND]) {
        const now = at(instant);
        const byTheRule = new Map(
          stored.flatMap((reservation) => {
            const claim = seatClaimAt(reservation.toSnapshot(), now);
            return claim ? reservation.seatIds.map((seatId) => [seatId, claim] as const) : [];
          }),
        );
        expect({ instant, taken: await stores.seatStatuses.takenSeats(performance.id, now) }).toEqual({
          instant,
          taken: byTheRule,
        });
      }
      expect((await stores.seatStatuses.takenSeats(performance.id, at(100 * SECOND))).get(seats[1]!)).toBeUndefined();
    });

    it('answers for the asked performance only', async () => {
      const other = aPerformance();
      await stores.performances.add(other);
      await hold([seatIdsOf(other)[0]!], other);
      await hold([seats[3]!]);

      expect(await stores.seatStatuses.takenSeats(performance.id, at(0))).toEqual(new Map([[seats[3], 'HELD']]));
    });
  });
}
