import { Performance } from '../../domain/catalog/performance';
import { PerformanceRepository } from '../../domain/catalog/performance.repository';

interface Entry {
  readonly loadedAt: number;
  readonly performance: Promise<Performance | null>;
}

/**
 * Keeps performances in process memory. A performance's layout, grades and sales window do
 * not change after creation, so a copy per instance is safe; the TTL only bounds memory
 * held for performances nobody asks about. Concurrent misses share one load (no stampede
 * on the database when a sale opens and every request asks for the same performance).
 */
export class CachedPerformanceRepository implements PerformanceRepository {
  readonly #entries = new Map<string, Entry>();

  constructor(
    private readonly inner: PerformanceRepository,
    private readonly ttlMs = 60_000,
    private readonly maxEntries = 1_000,
    private readonly nowMs: () => number = Date.now,
  ) {}

  async add(performance: Performance): Promise<void> {
    await this.inner.add(performance);
  }

  findById(id: string): Promise<Performance | null> {
    const entry = this.#entries.get(id);
    if (entry && this.nowMs() - entry.loadedAt < this.ttlMs) return entry.performance;
    const performance = this.inner.findById(id);
    this.store(id, { loadedAt: this.nowMs(), performance });
    // Misses and failures are not kept: a performance created a moment later must be found.
    performance.then(
      (found) => found === null && this.#entries.delete(id),
      () => this.#entries.delete(id),
    );
    return performance;
  }

  private store(id: string, entry: Entry): void {
    if (this.#entries.size >= this.maxEntries) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
    this.#entries.set(id, entry);
  }
}
