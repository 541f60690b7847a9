import { Clock } from '../../../application/shared/ports/clock';
import { IdempotencyStore } from './idempotency-store';

/**
 * Run periodically on every instance (bootstrap starts it): deletes idempotency records past
 * their expiry, in batches. Housekeeping of the HTTP adapter's store, not a business use case.
 */
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
