import type { GradeSalesCounts, SalesReportQuery } from '../../application/sales/ports/sales-report-query';
import { SeatStatus, SeatStatusQuery } from '../../application/catalog/ports/seat-status-query';
import type { SeatClaimSource } from '../../application/seat-state/ports/seat-claims';
import type { ClaimedSeat } from '../../application/seat-state/ports/seat-state-log';
import type { DomainEvent } from '../../domain/shared/aggregate-root';
import { MemberNotFoundError } from '../../domain/identity/member.errors';
import { MemberRepository } from '../../domain/identity/member.repository';
import {
  ACTIVE_STATUSES,
  Reservation,
  ReservationSnapshot,
  ReservationStatus,
  seatClaimAt,
} from '../../domain/sales/reservation';
import {
  ConcurrentModificationError,
  MemberSeatLimitError,
  SeatsAlreadyClaimedError,
} from '../../domain/sales/reservation.errors';
import {
  ExpiredHold,
  MemberReservationPage,
  ReservationLimits,
  ReservationRepository,
} from '../../domain/sales/reservation.repository';

/**
 * Keeps the same invariants as the database: one active claim per seat, enforced by a map
 * keyed by seat (the twin of the unique index on reservation_seats), and a count of active
 * seats per member and performance (the twin of member_seat_counts). Every check and write
 * of `add` happens without an await in between, so concurrent calls cannot interleave.
 */
export class InMemoryReservationRepository
  implements ReservationRepository, SeatStatusQuery, SeatClaimSource, SalesReportQuery
{
  readonly #byId = new Map<string, ReservationSnapshot>();
  /** `${performanceId}/${seatId}` → id of the PENDING or CONFIRMED reservation claiming it. */
  readonly #claims = new Map<string, string>();
  /** `${memberId}/${performanceId}` → seats of the member's PENDING and CONFIRMED reservations. */
  readonly #seatsByMember = new Map<string, number>();
  /** The twin of seat_state_epochs. */
  readonly #epochs = new Map<string, number>();

  /**
   * With `members`, a reservation of an unknown member is refused, as MySQL's foreign key does.
   * With `outbox`, every change's events are appended to it in the same synchronous step.
   */
  constructor(
    private readonly members?: MemberRepository,
    private readonly outbox?: { append(events: readonly DomainEvent[]): void },
  ) {}

  async add(reservation: Reservation, limits: ReservationLimits): Promise<void> {
    const snapshot = reservation.toSnapshot();
    if (this.members && !(await this.members.findById(snapshot.memberId))) {
      throw new MemberNotFoundError(snapshot.memberId);
    }
    const holders = new Map<string, string>();
    for (const seatId of reservation.seatIds) {
      const holder = this.#claims.get(claimKey(snapshot.performanceId, seatId));
      if (holder) holders.set(seatId, holder);
    }
    if (holders.size > 0) throw new SeatsAlreadyClaimedError(snapshot.performanceId, holders);
    const countKey = memberKey(snapshot.memberId, snapshot.performanceId);
    const held = this.#seatsByMember.get(countKey) ?? 0;
    const requested = snapshot.seats.length;
    if (held + requested > limits.maxSeatsPerMember) {
      throw new MemberSeatLimitError(snapshot.performanceId, limits.maxSeatsPerMember, held, requested);
    }
    for (const seatId of reservation.seatIds) this.#claims.set(claimKey(snapshot.performanceId, seatId), snapshot.id);
    this.#seatsByMember.set(countKey, held + requested);
    this.#byId.set(snapshot.id, snapshot);
    this.outbox?.append(reservation.pendingEvents);
  }

  async save(reservation: Reservation): Promise<void> {
    this.store(reservation);
  }

  async findByProviderPaymentId(provider: string, providerPaymentId: string): Promise<Reservation | null> {
    for (const snapshot of this.#byId.values()) {
      const paid = snapshot.payments.some(
        (payment) => payment.provider === provider && payment.providerPaymentId === providerPaymentId,
      );
      if (paid) return Reservation.restore(snapshot);
    }
    return null;
  }

  async withRefundsDue(limit: number): Promise<Reservation[]> {
    return [...this.#byId.values()]
      .filter((snapshot) => snapshot.payments.some((payment) => payment.status === 'REFUND_PENDING'))
      .slice(0, limit)
      .map((snapshot) => Reservation.restore(snapshot));
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

  async findByTicketId(ticketId: string): Promise<Reservation | null> {
    for (const snapshot of this.#byId.values()) {
      if (snapshot.tickets.some((ticket) => ticket.id === ticketId)) return Reservation.restore(snapshot);
    }
    return null;
  }

  /** The stored status, read without an await: what the check-in twin checks under its "lock". */
  statusOf(reservationId: string): ReservationStatus | undefined {
    return this.#byId.get(reservationId)?.status;
  }

  async listByMember(memberId: string): Promise<Reservation[]> {
    return this.newestFirst(memberId).map((snapshot) => Reservation.restore(snapshot));
  }

  async pageByMember(memberId: string, page: number, size: number): Promise<MemberReservationPage> {
    const all = this.newestFirst(memberId);
    const items = all.slice((page - 1) * size, page * size).map((snapshot) => Reservation.restore(snapshot));
    return { items, total: all.length };
  }

  private newestFirst(memberId: string): ReservationSnapshot[] {
    return [...this.#byId.values()]
      .filter((snapshot) => snapshot.memberId === memberId)
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || compareIds(b.id, a.id));
  }

  /** The aggregate's own expiry, one hold after the other, with no await in between. */
  async expireOverdue(now: Date, limit: number): Promise<ExpiredHold[]> {
    const overdue = [...this.#byId.values()]
      .map((snapshot) => Reservation.restore(snapshot))
      .filter((reservation) => reservation.isOverdue(now))
      // The longest overdue first, as the database's sweep does.
      .sort((a, b) => a.expiresAt.getTime() - b.expiresAt.getTime() || compareIds(a.id, b.id))
      .slice(0, limit);
    for (const reservation of overdue) {
      reservation.expire(now);
      this.store(reservation);
    }
    return overdue.map((reservation) => ({
      reservationId: reservation.id,
      performanceId: reservation.performanceId,
      seatIds: reservation.seatIds,
    }));
  }

  async takenSeats(performanceId: string, now: Date): Promise<ReadonlyMap<string, Exclude<SeatStatus, 'AVAILABLE'>>> {
    const taken = new Map<string, Exclude<SeatStatus, 'AVAILABLE'>>();
    for (const [key, reservationId] of this.#claims) {
      const snapshot = this.#byId.get(reservationId)!;
      if (snapshot.performanceId !== performanceId) continue;
      const claim = seatClaimAt(snapshot, now);
      if (claim) taken.set(key.slice(performanceId.length + 1), claim);
    }
    return taken;
  }

  /** The sales report's counts, by the same rule as takenSeats: RESERVED is sold, HELD is held. */
  async salesByGrade(performanceId: string, now: Date): Promise<readonly GradeSalesCounts[]> {
    const byGrade = new Map<string, { grade: string; sold: number; held: number; revenue: number }>();
    for (const snapshot of this.#byId.values()) {
      if (snapshot.performanceId !== performanceId) continue;
      const claim = seatClaimAt(snapshot, now);
      if (!claim) continue;
      for (const seat of snapshot.seats) {
        const counts = byGrade.get(seat.grade) ?? { grade: seat.grade, sold: 0, held: 0, revenue: 0 };
        if (claim === 'RESERVED') {
          counts.sold++;
          counts.revenue += seat.price.amount;
        } else {
          counts.held++;
        }
        byGrade.set(seat.grade, counts);
      }
    }
    return [...byGrade.values()];
  }

  /** `save` without an await, so a batch of `expireOverdue` cannot interleave with other calls. */
  private store(reservation: Reservation): void {
    const stored = this.#byId.get(reservation.id);
    if (!stored || stored.version !== reservation.version) throw new ConcurrentModificationError(reservation.id);
    const next = { ...reservation.toSnapshot(), version: stored.version + 1 };
    const reclaims = ACTIVE_STATUSES.includes(next.status) && !ACTIVE_STATUSES.includes(stored.status);
    if (reclaims) this.reclaim(next);
    this.#byId.set(next.id, next);
    if (!ACTIVE_STATUSES.includes(next.status)) this.releaseClaims(next);
    this.outbox?.append(reservation.pendingEvents);
  }

  /** Every active claim, overdue holds included (as SqlSeatClaimSource reads them). */
  async activeClaims(performanceId: string): Promise<ClaimedSeat[]> {
    const claims: ClaimedSeat[] = [];
    for (const [key, reservationId] of this.#claims) {
      const snapshot = this.#byId.get(reservationId)!;
      if (snapshot.performanceId !== performanceId) continue;
      const seatId = key.slice(performanceId.length + 1);
      claims.push({ seatId, reservationId, status: snapshot.status === 'CONFIRMED' ? 'RESERVED' : 'HELD' });
    }
    return claims;
  }

  async nextEpoch(performanceId: string): Promise<number> {
    const epoch = this.#epochs.has(performanceId) ? this.#epochs.get(performanceId)! + 1 : 0;
    this.#epochs.set(performanceId, epoch);
    return epoch;
  }

  /**
   * A reservation that had let its seats go claims them again (paid after its hold ran out):
   * all or none, as the unique index allows; counted again, past the cap if it must (as MySQL).
   */
  private reclaim(snapshot: ReservationSnapshot): void {
    const holders = new Map<string, string>();
    for (const seat of snapshot.seats) {
      const holder = this.#claims.get(claimKey(snapshot.performanceId, seat.seatId));
      if (holder && holder !== snapshot.id) holders.set(seat.seatId, holder);
    }
    if (holders.size > 0) throw new SeatsAlreadyClaimedError(snapshot.performanceId, holders);
    for (const seat of snapshot.seats) this.#claims.set(claimKey(snapshot.performanceId, seat.seatId), snapshot.id);
    const countKey = memberKey(snapshot.memberId, snapshot.performanceId);
    this.#seatsByMember.set(countKey, (this.#seatsByMember.get(countKey) ?? 0) + snapshot.seats.length);
  }

  private releaseClaims(snapshot: ReservationSnapshot): void {
    let released = 0;
    for (const seat of snapshot.seats) {
      const key = claimKey(snapshot.performanceId, seat.seatId);
      if (this.#claims.get(key) === snapshot.id) {
        this.#claims.delete(key);
        released++;
      }
    }
    const countKey = memberKey(snapshot.memberId, snapshot.performanceId);
    this.#seatsByMember.set(countKey, Math.max(0, (this.#seatsByMember.get(countKey) ?? 0) - released));
  }
}

function memberKey(memberId: string, performanceId: string): string {
  return `${memberId}/${performanceId}`;
}

function claimKey(performanceId: string, seatId: string): string {
  return `${performanceId}/${seatId}`;
}

/** Code-unit order, as the database's binary collation compares ids. */
function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
