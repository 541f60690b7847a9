import { ObjectionMemberRepository } from '../../../src/adapters/persistence/objection-member.repository';
import { ObjectionPerformanceRepository } from '../../../src/adapters/persistence/objection-performance.repository';
import { MysqlReservationRepository } from '../../../src/adapters/persistence/mysql-reservation.repository';
import { ExpiredHold } from '../../../src/domain/sales/reservation.repository';
import {
  aMember,
  aPerformance,
  aReservation,
  at,
  MINUTE,
  NO_MEMBER_CAP,
  seatIdsOf,
  SECOND,
} from '../../support/builders';
import { useClaimPool, useTestDatabase } from '../../support/mysql';

const knex = useTestDatabase({ poolMax: 10 });
const claims = useClaimPool({ poolMax: 10 });

describe('expireOverdue from several sweepers at once', () => {
  it('expires every overdue hold exactly once across 3 concurrent sweepers', async () => {
    const performance = aPerformance({ sections: [{ name: 'A', grade: 'VIP', rows: 10, seatsPerRow: 10 }] });
    await new ObjectionPerformanceRepository(knex()).add(performance);
    const member = aMember();
    await new ObjectionMemberRepository(knex()).add(member);
    const reservations = new MysqlReservationRepository(knex(), claims());
    const seats = seatIdsOf(performance);
    const now = at(10 * MINUTE);
    // 60 holds, one seat each, made a second apart: those made in the first 5 minutes are
    // overdue at `now` (holds last 300 s); 2 of them were confirmed in time.
    const holds = seats.slice(0, 60).map((seatId, i) =>
      aReservation({
        performance,
        memberId: member.id,
        seatIds: [seatId],
        now: at(i * 10 * SECOND),
        holdSeconds: 300,
      }),
    );
    for (const hold of holds) await reservations.add(hold, NO_MEMBER_CAP);
    for (const hold of [holds[3]!, holds[17]!]) {
      hold.confirm(at(4 * MINUTE));
      await reservations.save(hold);
    }
    const overdue = holds.filter((hold) => hold.isOverdue(now));
    expect(overdue).toHaveLength(29);

    const sweep = async (): Promise<ExpiredHold[]> => {
      const swept: ExpiredHold[] = [];
      for (;;) {
        const batch = await reservations.expireOverdue(now, 4);
        if (batch.length === 0) return swept;
        swept.push(...batch);
      }
    };
    const results = await Promise.all([sweep(), sweep(), sweep()]);

    const expiredIds = results.flat().map((hold) => hold.reservationId);
    expect(expiredIds).toHaveLength(overdue.length);
    expect(new Set(expiredIds)).toEqual(new Set(overdue.map((hold) => hold.id)));
    for (const hold of results.flat()) {
      expect(hold.seatIds).toEqual(holds.find((candidate) => candidate.id === hold.reservationId)!.seatIds);
    }

    const rows = (await knex()('reservations')
      .select('status', 'version')
      .count({ n: '*' })
      .groupBy('status', 'version')
      .orderBy('status')) as unknown as { status: string; version: number; n: number }[];
    expect(rows.map((row) => ({ ...row, n: Number(row.n) }))).toEqual([
      { status: 'PENDING', version: 0, n: 60 - 29 - 2 },
      { status: 'CONFIRMED', version: 1, n: 2 },
      { status: 'EXPIRED', version: 1, n: 29 },
    ]);
    const stillClaimed = await knex()('reservation_seats').whereNotNull('active_seat_id').count({ n: '*' }).first();
    expect(Number(stillClaimed?.['n'])).toBe(60 - 29);
  });
});
