import { Clock } from '../../shared/ports/clock';
import { IdempotencyStore } from '../ports/idempotency-store';

/** Run periodically on every instance: deletes idempotency records past their expiry, in batches. */
export class PurgeExpiredIdempotencyKeys {
  constructor(
    private readonly store: IdempotencyStore,
    private readonly clock: Clock,
    private readonly batchSize = 1000,
  ) {}

  /** Returns how many records it deleted. */
  async execute(): Promise<number> {
    let total = 0;
    for (;;) {
      const deleted = await this.store.deleteExpired(this.clock.now(), this.batchSize);
      total += deleted;
      if (deleted < this.batchSize) return total;
    }
  }
}
