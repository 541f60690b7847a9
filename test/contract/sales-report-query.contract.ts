import { randomUUID } from 'node:crypto';
import type { GradeSalesCounts, SalesReportQuery } from '../../src/application/sales/ports/sales-report-query';
import type { Performance } from '../../src/domain/catalog/performance';
import type { PerformanceRepository } from '../../src/domain/catalog/performance.repository';
import type { MemberRepository } from '../../src/domain/identity/member.repository';
import { Reservation, seatClaimAt } from '../../src/domain/sales/reservation';
import type { ReservationRepository } from '../../src/domain/sales/reservation.repository';
import { Money } from '../../src/domain/shared/money';
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

export interface SalesReportStores {
  readonly sales: SalesReportQuery;
  readonly reservations: ReservationRepository;
  readonly performances: PerformanceRepository;
  readonly members: MemberRepository;
}

const HOLD_SECONDS = 300;

/** Grade entries sorted by grade, so adapters may answer in any order. */
function sorted(counts: readonly GradeSalesCounts[]): GradeSalesCounts[] {
  return [...counts].sort((a, b) => a.grade.localeCompare(b.grade));
}

/** What the sales report's read model must answer, in memory and in MySQL. */
export function salesReportQueryContract(makeStores: () => SalesReportStores | Promise<SalesReportStores>): void {
  describe('SalesReportQuery contract', () => {
    let stores: SalesReportStores;
    let performance: Performance;
    let seats: string[];
    let memberId: string;
    /** Section A is VIP (seats 0–9), section B is R (seats 10–24). */
    const priceOf = (seatId: string) => performance.priceOf(performance.seat(seatId)!).amount;
    const hold = async (seatIds: string[], now = at(0), on: Performance = performance): Promise<Reservation> => {
      const reservation = aReservation({ performance: on, memberId, seatIds, now, holdSeconds: HOLD_SECONDS });
      await stores.reservations.add(reservation, NO_MEMBER_CAP);
      return reservation;
    };
    const sell = async (seatIds: string[], now = at(0)): Promise<Reservation> => {
      const reservation = await hold(seatIds, now);
      reservation.confirm(at(MINUTE, now));
      await stores.reservations.save(reservation);
      // Read again: a saved aggregate is one version behind its stored row.
      return (await stores.reservations.findById(reservation.id))!;
    };

    beforeEach(async () => {
      stores = await makeStores();
      ({ performance, seats, memberId } = await aStoredHallAndMember(stores));
    });

    it('answers nothing for a performance nobody reserved', async () => {
      expect(await stores.sales.salesByGrade(performance.id, at(0))).toEqual([]);
    });

    it('counts sold and held seats per grade, and the revenue of the sold ones only', async () => {
      await sell([seats[0]!, seats[1]!]);
      await sell([seats[10]!]);
      await hold([seats[2]!]);
      await hold([seats[11]!, seats[12]!, seats[13]!]);

      expect(sorted(await stores.sales.salesByGrade(performance.id, at(2 * MINUTE)))).toEqual([
        { grade: 'R', sold: 1, held: 3, revenue: priceOf(seats[10]!) },
        { grade: 'VIP', sold: 2, held: 1, revenue: priceOf(seats[0]!) + priceOf(seats[1]!) },
      ]);
    });

    it('sums the prices the seats were held at, not the grade price of today', async () => {
      const seat = performance.seat(seats[3]!)!;
      const discounted = Reservation.hold({
        id: randomUUID(),
        memberId,
        performanceId: performance.id,
        seats: [{ seatId: seat.id, label: seat.label, grade: seat.grade, price: Money.of(1234, 'KRW') }],
        now: at(0),
        holdSeconds: HOLD_SECONDS,
      });
      await stores.reservations.add(discounted, NO_MEMBER_CAP);
      discounted.confirm(at(MINUTE));
      await stores.reservations.save(discounted);

      expect(await stores.sales.salesByGrade(performance.id, at(2 * MINUTE))).toEqual([
        { grade: 'VIP', sold: 1, held: 0, revenue: 1234 },
      ]);
    });

    it('stops counting a hold the instant it is overdue, swept or not; a sale stays sold', async () => {
      await hold([seats[0]!]);
      await sell([seats[1]!]);
      const sold = { grade: 'VIP', sold: 1, held: 0, revenue: priceOf(seats[1]!) };

      expect(await stores.sales.salesByGrade(performance.id, at(HOLD_SECONDS * SECOND - 1))).toEqual([
        { ...sold, held: 1 },
      ]);
      expect(await stores.sales.salesByGrade(performance.id, at(HOLD_SECONDS * SECOND))).toEqual([sold]);
      expect(await stores.sales.salesByGrade(performance.id, at(1000 * HOLD_SECONDS * SECOND))).toEqual([sold]);
    });

    it('counts nothing of cancelled sales, cancelled holds and expired holds', async () => {
      const cancelledSale = await sell([seats[0]!]);
      cancelledSale.cancel(at(2 * MINUTE));
      await stores.reservations.save(cancelledSale);
      const cancelledHold = await hold([seats[1]!]);
      cancelledHold.cancel(at(MINUTE));
      await stores.reservations.save(cancelledHold);
      await hold([seats[10]!]);
      await stores.reservations.expireOverdue(at(HOLD_SECONDS * SECOND), 10);

      expect(await stores.sales.salesByGrade(performance.id, at(0))).toEqual([]);
    });

    it('counts a seat sold again after its first sale was cancelled once', async () => {
      const first = await sell([seats[0]!]);
      first.cancel(at(2 * MINUTE));
      await stores.reservations.save(first);
      await sell([seats[0]!], at(3 * MINUTE));

      expect(await stores.sales.salesByGrade(performance.id, at(5 * MINUTE))).toEqual([
        { grade: 'VIP', sold: 1, held: 0, revenue: priceOf(seats[0]!) },
      ]);
    });

    it('answers for the asked performance only', async () => {
      const other = aPerformance();
      await stores.performances.add(other);
      await hold([seatIdsOf(other)[0]!], at(0), other);
      await sell([seats[20]!]);

      expect(await stores.sales.salesByGrade(performance.id, at(2 * MINUTE))).toEqual([
        { grade: 'R', sold: 1, held: 0, revenue: priceOf(seats[20]!) },
      ]);
    });

    it('counts exactly what the domain rule (seatClaimAt) says, at every instant around the expiries', async () => {
      // Holds last 300 s: one made at 0, one at -200 s (overdue from 100 s on, never swept).
      await hold([seats[0]!, seats[1]!]);
      await hold([seats[10]!], at(-200 * SECOND));
      await sell([seats[2]!, seats[11]!]);
      const cancelled = await hold([seats[3]!]);
      cancelled.cancel(at(MINUTE));
      await stores.reservations.save(cancelled);
      const expired = await hold([seats[12]!], at(-400 * SECOND));
      expired.expire(at(0));
      await stores.reservations.save(expired);
      const stored = await stores.reservations.listByMember(memberId);

      for (const instant of [0, 100 * SECOND - 1, 100 * SECOND, 300 * SECOND - 1, 300 * SECOND, 100 * 300 * SECOND]) {
        const now = at(instant);
        const byTheRule = new Map<string, GradeSalesCounts>();
        for (const reservation of stored) {
          const claim = seatClaimAt(reservation.toSnapshot(), now);
          if (!claim) continue;
          for (const seat of reservation.toSnapshot().seats) {
            const counts = byTheRule.get(seat.grade) ?? { grade: seat.grade, sold: 0, held: 0, revenue: 0 };
            byTheRule.set(seat.grade, {
              grade: seat.grade,
              sold: counts.sold + (claim === 'RESERVED' ? 1 : 0),
              held: counts.held + (claim === 'HELD' ? 1 : 0),
              revenue: counts.revenue + (claim === 'RESERVED' ? seat.price.amount : 0),
            });
          }
        }
        expect({ instant, counts: sorted(await stores.sales.salesByGrade(performance.id, now)) }).toEqual({
          instant,
          counts: sorted([...byTheRule.values()]),
        });
      }
    });
  });
}
