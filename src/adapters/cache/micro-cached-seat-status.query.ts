import { SeatStatus, SeatStatusQuery } from '../../application/catalog/ports/seat-status-query';

type Taken = ReadonlyMap<string, Exclude<SeatStatus, 'AVAILABLE'>>;

interface Entry {
  readonly loadedAt: number;
  readonly taken: Promise<Taken>;
}

/**
 * Serves a performance's taken seats from a copy at most `ttlMs` old. During an on-sale
 * thousands of people refresh the seat map each second; with this cache the database
 * answers at most once per performance per `ttlMs` per instance, and every reader shares
 * that one query. `ttlMs` is the documented staleness bound of the seat map.
 */
export class MicroCachedSeatStatusQuery implements SeatStatusQuery {
  readonly #entries = new Map<string, Entry>();

  constructor(
    private readonly inner: SeatStatusQuery,
    private readonly ttlMs: number,
    private readonly nowMs: () => number = Date.now,
  ) {}

  takenSeats(performanceId: string, now: Date): Promise<Taken> {
    const entry = this.#entries.get(performanceId);
    if (entry && this.nowMs() - entry.loadedAt < this.ttlMs) return entry.taken;
    const taken = this.inner.takenSeats(performanceId, now);
    this.#entries.set(performanceId, { loadedAt: this.nowMs(), taken });
    taken.catch(() => this.#entries.delete(performanceId));
    return taken;
  }

  /** Forget the copy, so a seat this instance just freed shows as free to the next reader. */
  invalidate(performanceId: string): void {
    this.#entries.delete(performanceId);
  }
}
