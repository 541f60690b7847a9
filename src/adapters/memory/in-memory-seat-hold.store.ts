import { HoldAttempt, SeatHoldStore } from '../../application/sales/ports/seat-hold-store';
import { Clock } from '../../application/shared/ports/clock';

interface Hold {
  readonly reservationId: string;
  /** null: sold, never expires. */
  readonly expiresAt: Date | null;
}

export class InMemorySeatHoldStore implements SeatHoldStore {
  readonly #holds = new Map<string, Hold>();

  constructor(private readonly clock: Clock) {}

  async tryHold(
    performanceId: string,
    seatIds: readonly string[],
    reservationId: string,
    expiresAt: Date,
  ): Promise<HoldAttempt> {
    const conflicts = seatIds.filter((seatId) => {
      const hold = this.live(key(performanceId, seatId));
      return hold !== undefined && hold.reservationId !== reservationId;
    });
    if (conflicts.length > 0) return { granted: false, conflicts };
    for (const seatId of seatIds) this.#holds.set(key(performanceId, seatId), { reservationId, expiresAt });
    return { granted: true };
  }

  async markSold(performanceId: string, seatIds: readonly string[], reservationId: string): Promise<void> {
    for (const seatId of seatIds) {
      const hold = this.live(key(performanceId, seatId));
      if (hold === undefined || hold.reservationId === reservationId) {
        this.#holds.set(key(performanceId, seatId), { reservationId, expiresAt: null });
      }
    }
  }

  async release(performanceId: string, seatIds: readonly string[], reservationId: string): Promise<void> {
    for (const seatId of seatIds) {
      if (this.#holds.get(key(performanceId, seatId))?.reservationId === reservationId) {
        this.#holds.delete(key(performanceId, seatId));
      }
    }
  }

  async remember(performanceId: string, holders: ReadonlyMap<string, string>, expiresAt: Date | null): Promise<void> {
    for (const [seatId, reservationId] of holders)
      this.#holds.set(key(performanceId, seatId), { reservationId, expiresAt });
  }

  /** The reservation holding the seat now, if any (the best-available twin reads the holds here). */
  holderOf(performanceId: string, seatId: string): string | undefined {
    return this.live(key(performanceId, seatId))?.reservationId;
  }

  private live(holdKey: string): Hold | undefined {
    const hold = this.#holds.get(holdKey);
    if (hold?.expiresAt && hold.expiresAt <= this.clock.now()) {
      this.#holds.delete(holdKey);
      return undefined;
    }
    return hold;
  }
}

function key(performanceId: string, seatId: string): string {
  return `${performanceId}/${seatId}`;
}
