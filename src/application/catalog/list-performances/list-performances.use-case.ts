import { Clock } from '../../shared/ports/clock';
import { Page, PerformanceCatalog, PerformanceSummary } from '../ports/performance-catalog';

export class ListPerformances {
  constructor(
    private readonly catalog: PerformanceCatalog,
    private readonly clock: Clock,
  ) {}

  execute(page: number, size: number): Promise<Page<PerformanceSummary>> {
    return this.catalog.listUpcoming(this.clock.now(), page, size);
  }
}
