import type { PerformanceBill } from '../../../domain/catalog/performance';
import { Money } from '../../../domain/shared/money';

export interface PerformanceSummary extends PerformanceBill {
  readonly id: string;
  readonly seatCount: number;
  readonly lowestPrice: Money;
}

export interface Page<T> {
  readonly items: readonly T[];
  readonly page: number;
  readonly size: number;
  readonly total: number;
}

/** Read model for browsing: skips the aggregate, as listings need no business rule. */
export interface PerformanceCatalog {
  /** Performances that have not started yet, the most recently opened sales first. */
  listUpcoming(now: Date, page: number, size: number): Promise<Page<PerformanceSummary>>;
}
