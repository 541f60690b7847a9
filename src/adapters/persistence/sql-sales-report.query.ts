import type { Knex } from 'knex';
import type { GradeSalesCounts, SalesReportQuery } from '../../application/sales/ports/sales-report-query';
import { mysqlCall } from './mysql-errors';

interface GradeSalesRow {
  grade: string;
  sold: string | number | null;
  held: string | number | null;
  revenue: string | number | null;
}

/**
 * One aggregate over the active claims of a performance (the (performance_id,
 * active_seat_id) index of reservation_seats, as the seat map reads them) joined to their
 * reservations, grouped by grade in MySQL. The domain's `seatClaimAt` is restated in SQL, as
 * the seat-status query does: CONFIRMED is sold, PENDING is held while `expires_at` is after
 * `now`, and an overdue hold not yet swept counts as neither. Revenue sums the seat prices
 * recorded at hold time. The sales-report contract tests hold this to `seatClaimAt`.
 */
export class SqlSalesReportQuery implements SalesReportQuery {
  constructor(private readonly knex: Knex) {}

  salesByGrade(performanceId: string, now: Date): Promise<readonly GradeSalesCounts[]> {
    return mysqlCall(async () => {
      const rows: GradeSalesRow[] = await this.knex('reservation_seats as claim')
        .join('reservations as reservation', 'reservation.id', 'claim.reservation_id')
        .select('claim.grade as grade')
        .select(
          this.knex.raw("SUM(reservation.status = 'CONFIRMED') AS sold"),
          this.knex.raw("SUM(reservation.status = 'PENDING' AND reservation.expires_at > ?) AS held", [now]),
          this.knex.raw("SUM(CASE WHEN reservation.status = 'CONFIRMED' THEN claim.price ELSE 0 END) AS revenue"),
        )
        .where('claim.performance_id', performanceId)
        .whereNotNull('claim.active_seat_id')
        .groupBy('claim.grade');
      // SUM answers DECIMAL, which mysql2 hands over as a string.
      return rows
        .map((row) => ({
          grade: row.grade,
          sold: Number(row.sold ?? 0),
          held: Number(row.held ?? 0),
          revenue: Number(row.revenue ?? 0),
        }))
        .filter((counts) => counts.sold > 0 || counts.held > 0);
    });
  }
}
