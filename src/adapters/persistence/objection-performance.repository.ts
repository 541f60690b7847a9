import { Knex } from 'knex';
import { Page, PerformanceCatalog, PerformanceSummary } from '../../application/catalog/ports/performance-catalog';
import { Performance } from '../../domain/catalog/performance';
import { PerformanceRepository } from '../../domain/catalog/performance.repository';
import { Money } from '../../domain/shared/money';
import { mysqlCall } from './mysql-errors';
import { PerformanceGradeModel, PerformanceModel, PerformanceSectionModel } from './objection-models';
import { SeatRow } from './rows';
import { amountFromColumn, performanceFromRows, performanceToRows } from './performance.mapper';

/**
 * Rows per seat INSERT. One statement per 2,000 seats keeps each packet far below
 * max_allowed_packet while a 50,000-seat hall still takes only 25 round trips.
 */
const SEAT_BATCH_SIZE = 2_000;

const SEAT_COLUMNS = ['id', 'performance_id', 'section', 'row_no', 'seat_no', 'grade', 'label', 'position'] as const;

export class ObjectionPerformanceRepository implements PerformanceRepository, PerformanceCatalog {
  constructor(private readonly knex: Knex) {}

  /** The performance, its grades, sections and every seat, in one transaction. */
  add(performance: Performance): Promise<void> {
    const rows = performanceToRows(performance);
    return mysqlCall(() =>
      this.knex.transaction(async (trx) => {
        await PerformanceModel.query(trx).insert(rows.performance);
        // Objection inserts arrays row by row on MySQL; plain knex sends one statement.
        await trx(PerformanceGradeModel.tableName).insert(rows.grades);
        await trx(PerformanceSectionModel.tableName).insert(rows.sections);
        for (let start = 0; start < rows.seats.length; start += SEAT_BATCH_SIZE) {
          await trx('seats').insert(rows.seats.slice(start, start + SEAT_BATCH_SIZE));
        }
      }),
    );
  }

  findById(id: string): Promise<Performance | null> {
    return mysqlCall(async () => {
      const row = await PerformanceModel.query(this.knex).findById(id);
      if (!row) return null;
      // A performance never changes after `add` committed it whole, so separate reads agree.
      const [grades, sections, seats] = await Promise.all([
        PerformanceGradeModel.query(this.knex).where('performance_id', id).orderBy('position'),
        PerformanceSectionModel.query(this.knex).where('performance_id', id).orderBy('position'),
        this.knex('seats')
          .select<SeatRow[]>([...SEAT_COLUMNS])
          .where('performance_id', id)
          .orderBy('position'),
      ]);
      return performanceFromRows(row, grades, sections, seats);
    });
  }

  /** Four queries whatever the page size: count, page, lowest prices, seat counts. */
  listUpcoming(now: Date, page: number, size: number): Promise<Page<PerformanceSummary>> {
    return mysqlCall(async () => {
      const [countRow, rows] = await Promise.all([
        this.knex('performances').where('starts_at', '>', now).count({ total: '*' }).first(),
        PerformanceModel.query(this.knex)
          .where('starts_at', '>', now)
          .orderBy([
            { column: 'sales_open_at', order: 'desc' },
            { column: 'id', order: 'asc' },
          ])
          .limit(size)
          .offset((page - 1) * size),
      ]);
      const total = Number(countRow?.['total'] ?? 0);
      if (rows.length === 0) return { items: [], page, size, total };

      const ids = rows.map((row) => row.id);
      const [lowestPrices, seatCounts] = await Promise.all([
        this.knex(PerformanceGradeModel.tableName)
          .select('performance_id')
          .min({ lowest: 'price' })
          .whereIn('performance_id', ids)
          .groupBy('performance_id') as Promise<{ performance_id: string; lowest: number | string }[]>,
        this.knex(PerformanceSectionModel.tableName)
          .select('performance_id')
          .sum({ seats: this.knex.raw('row_count * seats_per_row') })
          .whereIn('performance_id', ids)
          .groupBy('performance_id') as Promise<{ performance_id: string; seats: number | string }[]>,
      ]);
      const lowestById = new Map(lowestPrices.map((row) => [row.performance_id, amountFromColumn(row.lowest)]));
      // SUM answers DECIMAL, which mysql2 hands over as a string.
      const seatsById = new Map(seatCounts.map((row) => [row.performance_id, Number(row.seats)]));

      const items = rows.map((row): PerformanceSummary => ({
        id: row.id,
        title: row.title,
        venue: row.venue,
        startsAt: row.starts_at,
        salesOpenAt: row.sales_open_at,
        salesCloseAt: row.sales_close_at,
        seatCount: seatsById.get(row.id) ?? 0,
        lowestPrice: Money.of(lowestById.get(row.id) ?? 0, row.currency),
      }));
      return { items, page, size, total };
    });
  }
}
