import { PerformanceNotFoundError } from '../../../domain/catalog/performance.errors';
import type { PerformanceRepository } from '../../../domain/catalog/performance.repository';
import type { MemberRepository } from '../../../domain/identity/member.repository';
import { Money } from '../../../domain/shared/money';
import type { Actor } from '../../shared/actor';
import { ForbiddenError } from '../../shared/errors';
import { assertMemberExists } from '../../shared/existing-member';
import type { Clock } from '../../shared/ports/clock';
import type { SalesReportQuery } from '../ports/sales-report-query';

export interface SalesFigures {
  /** Every seat of the grade (or of the hall, in the totals). */
  readonly seats: number;
  readonly sold: number;
  readonly held: number;
  /** Neither sold nor held: what a member could hold now. */
  readonly available: number;
  readonly revenue: Money;
}

export interface GradeSales extends SalesFigures {
  readonly grade: string;
}

export interface SalesReport {
  readonly performanceId: string;
  readonly title: string;
  /** The instant the counts are of: a hold is held until this instant passes its expiry. */
  readonly asOf: Date;
  /** Every grade of the performance, in the order it was created with, sold or not. */
  readonly grades: readonly GradeSales[];
  readonly totals: SalesFigures;
}

/** What sold, what is held and what is left of a performance, per grade: for its admins. */
export class GetSalesReport {
  constructor(
    private readonly performances: PerformanceRepository,
    private readonly sales: SalesReportQuery,
    private readonly members: MemberRepository,
    private readonly clock: Clock,
  ) {}

  async execute(actor: Actor, performanceId: string): Promise<SalesReport> {
    if (actor.role !== 'ADMIN') throw new ForbiddenError('see sales reports');
    await assertMemberExists(this.members, actor);
    const performance = await this.performances.findById(performanceId);
    if (!performance) throw new PerformanceNotFoundError(performanceId);
    const now = this.clock.now();
    const { grades, seats, title } = performance.toSnapshot();
    const currency = performance.currency;
    const counts = new Map((await this.sales.salesByGrade(performanceId, now)).map((entry) => [entry.grade, entry]));
    const seatsOf = new Map<string, number>();
    for (const seat of seats) seatsOf.set(seat.grade, (seatsOf.get(seat.grade) ?? 0) + 1);

    const byGrade = grades.map(({ name }): GradeSales => {
      const total = seatsOf.get(name) ?? 0;
      const { sold = 0, held = 0, revenue = 0 } = counts.get(name) ?? {};
      return {
        grade: name,
        seats: total,
        sold,
        held,
        available: total - sold - held,
        revenue: Money.of(revenue, currency),
      };
    });
    const totals = byGrade.reduce<SalesFigures>(
      (sum, grade) => ({
        seats: sum.seats + grade.seats,
        sold: sum.sold + grade.sold,
        held: sum.held + grade.held,
        available: sum.available + grade.available,
        revenue: sum.revenue.add(grade.revenue),
      }),
      { seats: 0, sold: 0, held: 0, available: 0, revenue: Money.zero(currency) },
    );
    return { performanceId, title, asOf: now, grades: byGrade, totals };
  }
}
