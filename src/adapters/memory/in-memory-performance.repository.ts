import { Performance } from '../../domain/catalog/performance';
import { PerformanceRepository } from '../../domain/catalog/performance.repository';
import { Page, PerformanceCatalog, PerformanceSummary } from '../../application/catalog/ports/performance-catalog';

export class InMemoryPerformanceRepository implements PerformanceRepository, PerformanceCatalog {
  readonly #byId = new Map<string, Performance>();

  async add(performance: Performance): Promise<void> {
    this.#byId.set(performance.id, Performance.restore(performance.toSnapshot()));
  }

  async findById(id: string): Promise<Performance | null> {
    return this.#byId.get(id) ?? null;
  }

  async listUpcoming(now: Date, page: number, size: number): Promise<Page<PerformanceSummary>> {
    const upcoming = [...this.#byId.values()]
      .map((performance) => performance.toSnapshot())
      .filter((performance) => performance.startsAt > now)
      .sort((a, b) => b.salesOpenAt.getTime() - a.salesOpenAt.getTime() || a.id.localeCompare(b.id));
    const items = upcoming.slice((page - 1) * size, page * size).map((performance): PerformanceSummary => ({
      id: performance.id,
      title: performance.title,
      venue: performance.venue,
      startsAt: performance.startsAt,
      salesOpenAt: performance.salesOpenAt,
      salesCloseAt: performance.salesCloseAt,
      seatCount: performance.seats.length,
      lowestPrice: performance.grades
        .map((grade) => grade.price)
        .reduce((lowest, price) => (price.amount < lowest.amount ? price : lowest)),
    }));
    return { items, page, size, total: upcoming.length };
  }
}
