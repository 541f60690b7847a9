/** The seats of one grade that reservations take right now, and what the sold ones earned. */
export interface GradeSalesCounts {
  readonly grade: string;
  /** Seats of CONFIRMED reservations. */
  readonly sold: number;
  /** Seats of PENDING reservations whose hold is not overdue (the domain's `seatClaimAt`: HELD). */
  readonly held: number;
  /** The sold seats' prices as they were held, summed, in the performance's currency's minor units. */
  readonly revenue: number;
}

/**
 * Read model of the sales report: counts from the source of truth, aggregated where the
 * reservations are (one query in MySQL), never by loading them. Which seats count as sold or
 * held is `seatClaimAt` (RESERVED, HELD); cancelled and expired reservations, and overdue
 * holds not yet swept, count for nothing. The sales-report contract tests hold adapters to it.
 */
export interface SalesReportQuery {
  /** One entry per grade with a seat sold or held; grades with neither are left out. */
  salesByGrade(performanceId: string, now: Date): Promise<readonly GradeSalesCounts[]>;
}
