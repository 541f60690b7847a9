import { chooseBestBlock } from '../../domain/catalog/seating-plan';
import type {
  BestAvailableAttempt,
  BestAvailableRequest,
  BestAvailableStore,
} from '../../application/sales/ports/best-available-store';
import type { InMemorySeatHoldStore } from './in-memory-seat-hold.store';

/**
 * The twin of the Redis best-available store, over the in-memory seat holds: the rule runs on
 * what they hold and takes the block there, in one synchronous step (no other request can
 * run in between on one event loop).
 */
export class InMemoryBestAvailableStore implements BestAvailableStore {
  /** The block held for each reservation, for releaseReservation. */
  readonly #blocks = new Map<string, readonly string[]>();

  constructor(private readonly holds: InMemorySeatHoldStore) {}

  async holdBestBlock(request: BestAvailableRequest): Promise<BestAvailableAttempt> {
    const { performanceId, reservationId } = request;
    const choice = chooseBestBlock(request.rows, request.quantity, (seatId) => {
      if (request.alsoTaken?.has(seatId)) return true;
      const holder = this.holds.holderOf(performanceId, seatId);
      return holder !== undefined && holder !== reservationId;
    });
    if (!('block' in choice)) return { granted: false, largestBlock: choice.largestBlock };
    const attempt = await this.holds.tryHold(performanceId, choice.block.seatIds, reservationId, request.expiresAt);
    // The rule saw these seats free a moment ago on the same event loop: nobody can have taken them.
    if (!attempt.granted) throw new Error(`best-available block taken in between: ${JSON.stringify(attempt)}`);
    this.#blocks.set(`${performanceId}/${reservationId}`, choice.block.seatIds);
    return { granted: true, seatIds: choice.block.seatIds };
  }

  release(performanceId: string, seatIds: readonly string[], reservationId: string): Promise<void> {
    return this.holds.release(performanceId, seatIds, reservationId);
  }

  async releaseReservation(performanceId: string, reservationId: string): Promise<void> {
    const seatIds = this.#blocks.get(`${performanceId}/${reservationId}`) ?? [];
    this.#blocks.delete(`${performanceId}/${reservationId}`);
    await this.holds.release(performanceId, seatIds, reservationId);
  }
}
