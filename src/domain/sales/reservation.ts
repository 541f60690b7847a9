import { AggregateRoot, DomainEvent } from '../shared/aggregate-root';
import { ValidationError } from '../shared/domain-error';
import { Money } from '../shared/money';
import { HoldExpiredError, ReservationStateError } from './reservation.errors';

export type ReservationStatus = 'PENDING' | 'CONFIRMED' | 'CANCELLED' | 'EXPIRED';

/** Statuses in which a reservation owns its seats. */
export const ACTIVE_STATUSES: readonly ReservationStatus[] = ['PENDING', 'CONFIRMED'];

export interface ReservedSeat {
  readonly seatId: string;
  readonly label: string;
  readonly grade: string;
  /** The grade's price when the seat was held: later price changes do not touch it. */
  readonly price: Money;
}

export interface ReservationSnapshot {
  readonly id: string;
  readonly memberId: string;
  readonly performanceId: string;
  readonly status: ReservationStatus;
  readonly seats: readonly ReservedSeat[];
  readonly totalPrice: Money;
  readonly createdAt: Date;
  readonly expiresAt: Date;
  readonly confirmedAt: Date | null;
  readonly cancelledAt: Date | null;
  /** Incremented on every saved change; stores use it for optimistic concurrency. */
  readonly version: number;
}

export type ReservationEvent = DomainEvent & {
  readonly type: 'ReservationHeld' | 'ReservationConfirmed' | 'ReservationCancelled' | 'ReservationExpired';
  readonly reservationId: string;
  readonly performanceId: string;
  readonly seatIds: readonly string[];
};

export interface HoldRequest {
  readonly id: string;
  readonly memberId: string;
  readonly performanceId: string;
  readonly seats: readonly ReservedSeat[];
  readonly now: Date;
  readonly holdSeconds: number;
}

/**
 * A member's claim on seats of one performance, all or nothing.
 * PENDING (held until expiresAt) → CONFIRMED | CANCELLED | EXPIRED; CONFIRMED → CANCELLED.
 */
export class Reservation extends AggregateRoot<ReservationEvent> {
  private constructor(private props: ReservationSnapshot) {
    super();
  }

  static hold(request: HoldRequest): Reservation {
    if (request.seats.length === 0) throw new ValidationError('A reservation needs at least one seat');
    if (!(request.holdSeconds > 0)) throw new ValidationError('A hold must last a positive time');
    const currency = request.seats[0]!.price.currency;
    const totalPrice = request.seats.reduce((sum, seat) => sum.add(seat.price), Money.zero(currency));
    const reservation = new Reservation({
      id: request.id,
      memberId: request.memberId,
      performanceId: request.performanceId,
      status: 'PENDING',
      seats: request.seats,
      totalPrice,
      createdAt: request.now,
      expiresAt: new Date(request.now.getTime() + request.holdSeconds * 1000),
      confirmedAt: null,
      cancelledAt: null,
      version: 0,
    });
    reservation.recordChange('ReservationHeld', request.now);
    return reservation;
  }

  static restore(snapshot: ReservationSnapshot): Reservation {
    return new Reservation(snapshot);
  }

  get id(): string {
    return this.props.id;
  }
  get memberId(): string {
    return this.props.memberId;
  }
  get performanceId(): string {
    return this.props.performanceId;
  }
  get status(): ReservationStatus {
    return this.props.status;
  }
  get expiresAt(): Date {
    return this.props.expiresAt;
  }
  get seatIds(): string[] {
    return this.props.seats.map((seat) => seat.seatId);
  }
  get version(): number {
    return this.props.version;
  }

  /** True while the hold is PENDING but its time is up: it no longer owns its seats. */
  isOverdue(now: Date): boolean {
    return this.props.status === 'PENDING' && now >= this.props.expiresAt;
  }

  ownsSeats(now: Date): boolean {
    return this.props.status === 'CONFIRMED' || (this.props.status === 'PENDING' && !this.isOverdue(now));
  }

  /** Confirming twice is a no-op, so a retried confirm answers like the first one. */
  confirm(now: Date): void {
    if (this.props.status === 'CONFIRMED') return;
    if (this.props.status !== 'PENDING') throw new ReservationStateError(this.id, this.props.status, 'confirmed');
    if (this.isOverdue(now)) throw new HoldExpiredError(this.id, this.props.expiresAt);
    this.props = { ...this.props, status: 'CONFIRMED', confirmedAt: now };
    this.recordChange('ReservationConfirmed', now);
  }

  cancel(now: Date): void {
    if (this.props.status === 'CANCELLED') return;
    if (this.isOverdue(now) || this.props.status === 'EXPIRED') {
      throw new ReservationStateError(this.id, 'EXPIRED', 'cancelled');
    }
    this.props = { ...this.props, status: 'CANCELLED', cancelledAt: now };
    this.recordChange('ReservationCancelled', now);
  }

  expire(now: Date): void {
    if (!this.isOverdue(now)) throw new ReservationStateError(this.id, this.props.status, 'expired');
    this.props = { ...this.props, status: 'EXPIRED' };
    this.recordChange('ReservationExpired', now);
  }

  toSnapshot(): ReservationSnapshot {
    return this.props;
  }

  private recordChange(type: ReservationEvent['type'], now: Date): void {
    this.record({
      type,
      occurredAt: now,
      reservationId: this.id,
      performanceId: this.performanceId,
      seatIds: this.seatIds,
    });
  }
}
