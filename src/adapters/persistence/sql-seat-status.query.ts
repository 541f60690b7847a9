import { Knex } from 'knex';
import { SeatStatus, SeatStatusQuery } from '../../application/catalog/ports/seat-status-query';
import { mysqlCall } from './mysql-errors';

/**
 * Reads the claims straight from reservation_seats (one range of its
 * (performance_id, active_seat_id) index) joined to their reservations, and keeps those
 * that take their seat by the domain's rule (`seatClaimAt`), restated here in SQL so that
 * the database filters: CONFIRMED is RESERVED, a PENDING hold is HELD until it expires, and
 * an overdue hold not yet swept counts as free. The seat-status contract tests hold this
 * query to `seatClaimAt`.
 */
export class SqlSeatStatusQuery implements SeatStatusQuery {
  constructor(private readonly knex: Knex) {}

  takenSeats(performanceId: string, now: Date): Promise<ReadonlyMap<string, Exclude<SeatStatus, 'AVAILABLE'>>> {
    return mysqlCall(async () => {
      const rows = await this.knex('reservation_seats as claim')
        .join('reservations as reservation', 'reservation.id', 'claim.reservation_id')
        .select<{ seat_id: string; status: 'PENDING' | 'CONFIRMED' }[]>('claim.seat_id', 'reservation.status')
        .where('claim.performance_id', performanceId)
        .whereNotNull('claim.active_seat_id')
        .andWhere((taken) =>
          taken
            .where('reservation.status', 'CONFIRMED')
            .orWhere((held) =>
              held.where('reservation.status', 'PENDING').andWhere('reservation.expires_at', '>', now),
            ),
        );
      return new Map(rows.map((row) => [row.seat_id, row.status === 'CONFIRMED' ? 'RESERVED' : 'HELD'] as const));
    });
  }
}
