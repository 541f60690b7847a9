import { SeatStatus, SeatStatusQuery } from '../../application/ports/seat-status-query';
import { Reservation, ReservationSnapshot } from '../../domain/reservation/reservation';
import { ConcurrentModificationError, SeatsAlreadyClaimedError } from '../../domain/reservation/reservation.errors';
import { ExpiredHold, ReservationRepository } from '../../domain/reservation/reservation.repository';

/**
 * Keeps the same invariant as the database: one active claim per seat, enforced by a map
 * keyed by seat, the twin of the unique index on reservation_seats.
 */
export class InMemoryReservationRepository implements ReservationRepository, SeatStatusQuery {
  readonly #byId = new Map<string, ReservationSnapshot>();
  /** `${performanceId}/${seatId}` → id of the PENDING or CONFIRMED reservation claiming it. */
  readonly #claims = new Map<string, string>();

  async add(reservation: Reservation): Promise<void> {
    const snapshot = reservation.toSnapshot();
    const holders = new Map<string, string>();
    for (const seatId of reservation.seatIds) {
      const holder = this.#claims.get(claimKey(snapshot.performanceId, seatId));
      if (holder) holders.set(seatId, holder);
    }
    if (holders.size > 0) throw new SeatsAlreadyClaimedError(snapshot.performanceId, holders);
    for (const seatId of reservation.seatIds) this.#claims.set(claimKey(snapshot.performanceId, seatId), snapshot.id);
    this.#byId.set(snapshot.id, snapshot);
  }

  async save(reservation: Reservation): Promise<void> {
    const stored = this.#byId.get(reservation.id);
    if (!stored || stored.version !== reservation.version) throw new ConcurrentModificationError(reservation.id);
    const next = { ...reservation.toSnapshot(), version: stored.version + 1 };
    this.#byId.set(next.id, next);
    if (next.status === 'CANCELLED' || next.status === 'EXPIRED') this.releaseClaims(next);
  }

  async findById(id: string): Promise<Reservation | null> {
    const snapshot = this.#byId.get(id);
    return snapshot ? Reservation.restore(snapshot) : null;
  }

  async findByIds(ids: readonly string[]): Promise<Reservation[]> {
    return ids.flatMap((id) => {
      const snapshot = this.#byId.get(id);
      return snapshot ? [Reservation.restore(snapshot)] : [];
    });
  }

  async listByMember(memberId: string): Promise<Reservation[]> {
    return [...this.#byId.values()]
      .filter((snapshot) => snapshot.memberId === memberId)
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || compareIds(b.id, a.id))
      .map((snapshot) => Reservation.restore(snapshot));
  }

  async expireOverdue(now: Date, limit: number): Promise<ExpiredHold[]> {
    const overdue = [...this.#byId.values()]
      .filter((snapshot) => snapshot.status === 'PENDING' && snapshot.expiresAt <= now)
      // The longest overdue first, as the database's sweep does.
      .sort((a, b) => a.expiresAt.getTime() - b.expiresAt.getTime() || compareIds(a.id, b.id))
      .slice(0, limit);
    for (const snapshot of overdue) {
      const expired = { ...snapshot, status: 'EXPIRED' as const, version: snapshot.version + 1 };
      this.#byId.set(expired.id, expired);
      this.releaseClaims(expired);
    }
    return overdue.map((snapshot) => ({
      reservationId: snapshot.id,
      performanceId: snapshot.performanceId,
      seatIds: snapshot.seats.map((seat) => seat.seatId),
    }));
  }

  async takenSeats(performanceId: string, now: Date): Promise<ReadonlyMap<string, Exclude<SeatStatus, 'AVAILABLE'>>> {
    const taken = new Map<string, Exclude<SeatStatus, 'AVAILABLE'>>();
    for (const [key, reservationId] of this.#claims) {
      const snapshot = this.#byId.get(reservationId)!;
      if (snapshot.performanceId !== performanceId) continue;
      const seatId = key.slice(performanceId.length + 1);
      if (snapshot.status === 'CONFIRMED') taken.set(seatId, 'RESERVED');
      else if (snapshot.expiresAt > now) taken.set(seatId, 'HELD');
    }
    return taken;
  }

  private releaseClaims(snapshot: ReservationSnapshot): void {
    for (const seat of snapshot.seats) {
      const key = claimKey(snapshot.performanceId, seat.seatId);
      if (this.#claims.get(key) === snapshot.id) this.#claims.delete(key);
    }
  }
}

function claimKey(performanceId: string, seatId: string): string {
  return `${performanceId}/${seatId}`;
}

/** Code-unit order, as the database's binary collation compares ids. */
function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
