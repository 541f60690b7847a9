import { AggregateRoot, DomainEvent } from '../shared/aggregate-root';
import { ValidationError } from '../shared/domain-error';
import { Money } from '../shared/money';
import { nameBasedUuid } from '../shared/sha256';
import { CheckIn } from './check-in';
import { HoldExpiredError, ReservationStateError } from './reservation.errors';
import { TicketNotFoundError, TicketVoidError } from './ticket.errors';

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

/**
 * The right to enter for one seat, issued when its reservation becomes CONFIRMED. Valid while
 * the reservation stays CONFIRMED; void once it is CANCELLED (the ticket is kept, so a gate
 * can tell a void ticket from a forged one).
 */
export interface Ticket {
  /** Derived from the reservation and the seat (`ticketIdOf`): issuing again gives the same ticket. */
  readonly id: string;
  readonly seatId: string;
  readonly label: string;
  readonly issuedAt: Date;
}

/** The ticket id of a seat of a reservation: a name-based UUID, the same however often it is derived. */
export function ticketIdOf(reservationId: string, seatId: string): string {
  return nameBasedUuid(`ticket/${reservationId}/${seatId}`);
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
  /** One per seat, in seat order, from the moment the reservation is CONFIRMED; none before. */
  readonly tickets: readonly Ticket[];
  /** Incremented on every saved change; stores use it for optimistic concurrency. */
  readonly version: number;
}

export type ReservationEvent = DomainEvent & {
  readonly type: 'ReservationHeld' | 'ReservationConfirmed' | 'ReservationCancelled' | 'ReservationExpired';
  readonly reservationId: string;
  readonly performanceId: string;
  readonly seatIds: readonly string[];
};

/** A reservation and its seats, as its events name them. */
export type ReservationSeats = Pick<ReservationEvent, 'reservationId' | 'performanceId' | 'seatIds'>;

/** How a reservation takes its seats: RESERVED once confirmed, HELD while its hold lasts. */
export type SeatClaim = 'HELD' | 'RESERVED';

/** A PENDING hold whose time is up: it owns no seat any more, expired yet or not. */
function isOverdueAt(reservation: Pick<ReservationSnapshot, 'status' | 'expiresAt'>, now: Date): boolean {
  return reservation.status === 'PENDING' && now >= reservation.expiresAt;
}

/**
 * The one statement of "is this seat taken": by a CONFIRMED reservation for good, by a
 * PENDING one until its hold is overdue, by nothing else (an overdue hold not yet expired
 * included). Null: the reservation leaves its seats free. Adapters that cannot call it (the
 * SQL seat-status query) restate it, and the seat-status contract tests hold them to it.
 */
export function seatClaimAt(
  reservation: Pick<ReservationSnapshot, 'status' | 'expiresAt'>,
  now: Date,
): SeatClaim | null {
  if (reservation.status === 'CONFIRMED') return 'RESERVED';
  if (reservation.status === 'PENDING' && !isOverdueAt(reservation, now)) return 'HELD';
  return null;
}

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
      tickets: [],
      version: 0,
    });
    reservation.recordChange('ReservationHeld', request.now);
    return reservation;
  }

  static restore(snapshot: ReservationSnapshot): Reservation {
    return new Reservation(snapshot);
  }

  /**
   * The event of a hold expired without being loaded (the repository's bulk expiry, which
   * restates `expire()` for many rows at once): the same event `expire()` records.
   */
  static expiredEvent(hold: ReservationSeats, now: Date): ReservationEvent {
    return reservationEvent('ReservationExpired', now, hold);
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
  get tickets(): readonly Ticket[] {
    return this.props.tickets;
  }

  /** Tickets are valid while the reservation is CONFIRMED; those of a CANCELLED one are void. */
  get ticketsValid(): boolean {
    return this.props.status === 'CONFIRMED';
  }

  /** The ticket with this id, valid or void; throws TicketNotFoundError when it is not this reservation's. */
  ticket(ticketId: string): Ticket {
    const ticket = this.props.tickets.find((candidate) => candidate.id === ticketId);
    if (!ticket) throw new TicketNotFoundError(ticketId);
    return ticket;
  }

  /**
   * Lets the holder of one of its tickets in. A void ticket is refused; whether the ticket was
   * used already is not the aggregate's to know: the check-in store admits one per ticket.
   */
  checkIn(ticketId: string, staffMemberId: string, now: Date): CheckIn {
    const ticket = this.ticket(ticketId);
    if (!this.ticketsValid) throw new TicketVoidError(ticketId);
    return CheckIn.record({
      ticketId: ticket.id,
      reservationId: this.id,
      performanceId: this.performanceId,
      seatId: ticket.seatId,
      label: ticket.label,
      staffMemberId,
      checkedInAt: now,
    });
  }

  /** True while the hold is PENDING but its time is up: it no longer owns its seats. */
  isOverdue(now: Date): boolean {
    return isOverdueAt(this.props, now);
  }

  ownsSeats(now: Date): boolean {
    return seatClaimAt(this.props, now) !== null;
  }

  /** Confirming twice is a no-op, so a retried confirm answers like the first one. */
  confirm(now: Date): void {
    if (this.props.status === 'CONFIRMED') return;
    if (this.props.status !== 'PENDING') throw new ReservationStateError(this.id, this.props.status, 'confirmed');
    if (this.isOverdue(now)) throw new HoldExpiredError(this.id, this.props.expiresAt);
    this.becomeConfirmed(now);
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

  /**
   * The one way into CONFIRMED, whichever act leads there: the seats are the member's for
   * good and a ticket is issued for each. Callers check that the transition is allowed.
   */
  private becomeConfirmed(now: Date): void {
    const tickets = this.props.seats.map((seat) => ({
      id: ticketIdOf(this.id, seat.seatId),
      seatId: seat.seatId,
      label: seat.label,
      issuedAt: now,
    }));
    this.props = { ...this.props, status: 'CONFIRMED', confirmedAt: now, tickets };
    this.recordChange('ReservationConfirmed', now);
  }

  private recordChange(type: ReservationEvent['type'], now: Date): void {
    this.record(
      reservationEvent(type, now, { reservationId: this.id, performanceId: this.performanceId, seatIds: this.seatIds }),
    );
  }
}

function reservationEvent(type: ReservationEvent['type'], now: Date, about: ReservationSeats): ReservationEvent {
  return {
    type,
    occurredAt: now,
    reservationId: about.reservationId,
    performanceId: about.performanceId,
    seatIds: about.seatIds,
  };
}
