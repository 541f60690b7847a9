import { StoreUnavailableError } from '../shared/errors';
import { HoldAttempt, SeatHoldStore } from './ports/seat-hold-store';

/**
 * The one failure policy of the seat-hold store. The store only accelerates, so an
 * operation it cannot serve right now (StoreUnavailableError) is skipped and reported to
 * `onUnavailable`: `tryHold` then answers that the store holds nothing and the database
 * alone decides, the other operations do nothing (a hold left behind expires by itself).
 * Any other error is a bug (a script error, a wrong key type) and reaches the caller.
 */
export class BestEffortSeatHoldStore implements SeatHoldStore {
  constructor(
    private readonly store: SeatHoldStore,
    private readonly onUnavailable: (error: StoreUnavailableError) => void,
  ) {}

  tryHold(
    performanceId: string,
    seatIds: readonly string[],
    reservationId: string,
    expiresAt: Date,
  ): Promise<HoldAttempt> {
    return this.unlessUnavailable(() => this.store.tryHold(performanceId, seatIds, reservationId, expiresAt), {
      granted: false,
      storeUnavailable: true,
    });
  }

  markSold(performanceId: string, seatIds: readonly string[], reservationId: string): Promise<void> {
    return this.unlessUnavailable(() => this.store.markSold(performanceId, seatIds, reservationId), undefined);
  }

  release(performanceId: string, seatIds: readonly string[], reservationId: string): Promise<void> {
    return this.unlessUnavailable(() => this.store.release(performanceId, seatIds, reservationId), undefined);
  }

  remember(performanceId: string, holders: ReadonlyMap<string, string>, expiresAt: Date | null): Promise<void> {
    return this.unlessUnavailable(() => this.store.remember(performanceId, holders, expiresAt), undefined);
  }

  private async unlessUnavailable<T>(operation: () => Promise<T>, skipped: T): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      if (!(error instanceof StoreUnavailableError)) throw error;
      this.onUnavailable(error);
      return skipped;
    }
  }
}
