import { Knex } from 'knex';
import type { SeatClaimSource } from '../../application/seat-state/ports/seat-claims';
import type { ClaimedSeat } from '../../application/seat-state/ports/seat-state-log';
import { mysqlCall } from './mysql-errors';

/**
 * What the seat state is rebuilt from. Every active claim counts, overdue holds included:
 * they own their seats in MySQL until expired (lazily or by the sweeper), and the expiry is
 * itself a change the state hears of.
 */
export class SqlSeatClaimSource implements SeatClaimSource {
  constructor(private readonly knex: Knex) {}

  activeClaims(performanceId: string): Promise<ClaimedSeat[]> {
    return mysqlCall(async () => {
      const rows = await this.knex('reservation_seats as claim')
        .join('reservations as reservation', 'reservation.id', 'claim.reservation_id')
        .select<{ seat_id: string; reservation_id: string; status: string }[]>(
          'claim.seat_id',
          'claim.reservation_id',
          'reservation.status',
        )
        .where('claim.performance_id', performanceId)
        .whereNotNull('claim.active_seat_id');
      return rows.map((row) => ({
        seatId: row.seat_id,
        reservationId: row.reservation_id,
        status: row.status === 'CONFIRMED' ? ('RESERVED' as const) : ('HELD' as const),
      }));
    });
  }

  /** 0 the first time, then one more at each call; the row lock orders concurrent callers. */
  nextEpoch(performanceId: string): Promise<number> {
    return mysqlCall(() =>
      this.knex.transaction(async (trx) => {
        await trx.raw(
          'INSERT INTO seat_state_epochs (performance_id, epoch) VALUES (?, 0) ON DUPLICATE KEY UPDATE epoch = epoch + 1',
          [performanceId],
        );
        const row = await trx('seat_state_epochs')
          .first<{ epoch: number }>('epoch')
          .where('performance_id', performanceId);
        return Number(row!.epoch);
      }),
    );
  }
}
