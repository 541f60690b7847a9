import { StoreUnavailableError } from '../shared/errors';
import type {
  BestAvailableAttempt,
  BestAvailableRequest,
  BestAvailableStore,
  BestAvailableStoreUnavailable,
} from './ports/best-available-store';
import { HoldAttempt, SeatHoldStore } from './ports/seat-hold-store';

type OnUnavailable = (error: StoreUnavailableError) => void;

/** Runs `operation`; an outage (StoreUnavailableError) is reported and answered `skipped`, anything else is a bug and rethrown. */
async function unlessUnavailable<T>(operation: () => Promise<T>, skipped: T, onUnavailable: OnUnavailable): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    if (!(error instanceof StoreUnavailableError)) throw error;
    onUnavailable(error);
    return skipped;
  }
}

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
    private readonly onUnavailable: OnUnavailable,
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

  private unlessUnavailable<T>(operation: () => Promise<T>, skipped: T): Promise<T> {
    return unlessUnavailable(operation, skipped, this.onUnavailable);
  }
}

const STORE_UNAVAILABLE: BestAvailableStoreUnavailable = { granted: false, storeUnavailable: true };

/**
 * The same policy for the best-available store: an outage answers `storeUnavailable` (the
 * use case then runs the rule on MySQL) or skips a release; bugs reach the caller.
 */
export class BestEffortBestAvailableStore implements BestAvailableStore {
  constructor(
    private readonly store: BestAvailableStore,
    private readonly onUnavailable: OnUnavailable,
  ) {}

  async holdBestBlock(request: BestAvailableRequest): Promise<BestAvailableAttempt | BestAvailableStoreUnavailable> {
    const attempt = await unlessUnavailable(
      () => this.store.holdBestBlock(request),
      STORE_UNAVAILABLE,
      this.onUnavailable,
    );
    // A timeout may come after the step ran: give back whatever block it took, if it can. The
    // outage was reported once already.
    if (attempt === STORE_UNAVAILABLE) {
      await unlessUnavailable(
        () => this.store.releaseReservation(request.performanceId, request.reservationId),
        undefined,
        () => {},
      );
    }
    return attempt;
  }

  release(performanceId: string, seatIds: readonly string[], reservationId: string): Promise<void> {
    return unlessUnavailable(
      () => this.store.release(performanceId, seatIds, reservationId),
      undefined,
      this.onUnavailable,
    );
  }

  releaseReservation(performanceId: string, reservationId: string): Promise<void> {
    return unlessUnavailable(
      () => this.store.releaseReservation(performanceId, reservationId),
      undefined,
      this.onUnavailable,
    );
  }
}
