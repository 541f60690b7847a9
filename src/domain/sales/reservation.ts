import { AggregateRoot, DomainEvent } from '../shared/aggregate-root';
import { ValidationError } from '../shared/domain-error';
import { Money } from '../shared/money';
import { nameBasedUuid } from '../shared/sha256';
import { CheckIn } from './check-in';
import { PaymentEvent, PaymentSnapshot, PaymentStatus, PaymentSuccessOutcome, tookMoney } from './payment';
import { PaymentNotFoundError } from './payment.errors';
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
  /** Every payment started for it, oldest first; the last one is the current one. */
  readonly payments: readonly PaymentSnapshot[];
  /** Incremented on every saved change; stores use it for optimistic concurrency. */
  readonly version: number;
}

export type ReservationEvent = DomainEvent & {
  readonly type: 'ReservationHeld' | 'ReservationConfirmed' | 'ReservationCancelled' | 'ReservationExpired';
  readonly reservationId: string;
  readonly performanceId: string;
  readonly seatIds: readonly string[];
  /**
   * On a ReservationHeld: the seats are claimed again by a reservation that had let them go
   * (paid after its hold ran out). A release of that same reservation (its expiry) may still
   * be on its way to followers of the seats, so they should check against the store.
   */
  readonly reclaimed?: true;
};

/** Everything a reservation records: its own changes and its payments'. */
export type SalesEvent = ReservationEvent | PaymentEvent;

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

/** A payment the provider has just started for a reservation (checkout). */
export interface PaymentStart {
  readonly id: string;
  readonly provider: string;
  readonly providerPaymentId: string;
  readonly clientSecret: string | null;
  readonly now: Date;
  /** How long the first checkout extends the hold (CHECKOUT_HOLD_EXTENSION_SECONDS). */
  readonly holdExtensionSeconds: number;
}

/** The one statement of when a reservation's tickets admit anyone: while it is CONFIRMED. */
export function ticketsValidWhile(status: ReservationStatus): boolean {
  return status === 'CONFIRMED';
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
 * PENDING (held until expiresAt) → CONFIRMED | CANCELLED | EXPIRED; CONFIRMED → CANCELLED;
 * and EXPIRED → CONFIRMED when a payment succeeds after the hold ran out and its seats are
 * claimed again. Its payments live inside it, so a payment's outcome and the reservation's
 * status change in one save, under one version check.
 */
export class Reservation extends AggregateRoot<SalesEvent> {
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
      payments: [],
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
    return ticketsValidWhile(this.props.status);
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

  get totalPrice(): Money {
    return this.props.totalPrice;
  }
  get payments(): readonly PaymentSnapshot[] {
    return this.props.payments;
  }
  /** The payment started last, if any. */
  get currentPayment(): PaymentSnapshot | null {
    return this.props.payments.at(-1) ?? null;
  }
  /** The payment the provider is still deciding on, if any (at most one at a time). */
  get pendingPayment(): PaymentSnapshot | null {
    return this.props.payments.find((payment) => payment.status === 'PENDING') ?? null;
  }
  /** Payments whose refund is decided but not yet done by the provider. */
  get refundsDue(): readonly PaymentSnapshot[] {
    return this.props.payments.filter((payment) => payment.status === 'REFUND_PENDING');
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

  /** Cancelling a paid reservation decides its refund in the same change (REFUND_PENDING). */
  cancel(now: Date): void {
    if (this.props.status === 'CANCELLED') return;
    if (this.isOverdue(now) || this.props.status === 'EXPIRED') {
      throw new ReservationStateError(this.id, 'EXPIRED', 'cancelled');
    }
    this.props = { ...this.props, status: 'CANCELLED', cancelledAt: now };
    this.recordChange('ReservationCancelled', now);
    for (const payment of this.props.payments) {
      if (payment.status === 'SUCCEEDED') this.setPaymentStatus(payment.id, 'REFUND_PENDING', now);
    }
  }

  /**
   * Checkout: a payment the provider started for this live hold. One at a time (the caller
   * answers a pending one again instead), none once one succeeded; the amount is the total
   * price. The first checkout extends the hold once by `holdExtensionSeconds`, so paying
   * does not race the hold's end; later ones (after a declined card) do not.
   */
  startPayment(start: PaymentStart): void {
    this.assertPayable(start.now);
    if (!(start.holdExtensionSeconds >= 0)) throw new ValidationError('A hold extension must not be negative');
    const firstCheckout = this.props.payments.length === 0;
    const payment: PaymentSnapshot = {
      id: start.id,
      provider: start.provider,
      providerPaymentId: start.providerPaymentId,
      clientSecret: start.clientSecret,
      amount: this.props.totalPrice,
      status: 'PENDING',
      createdAt: start.now,
      updatedAt: start.now,
    };
    this.props = {
      ...this.props,
      payments: [...this.props.payments, payment],
      expiresAt: firstCheckout
        ? new Date(this.props.expiresAt.getTime() + start.holdExtensionSeconds * 1000)
        : this.props.expiresAt,
    };
  }

  /** Throws unless a payment may start now: a live PENDING hold, not being paid nor paid for. */
  assertPayable(now: Date): void {
    if (this.props.status !== 'PENDING') throw new ReservationStateError(this.id, this.props.status, 'checked out');
    if (this.isOverdue(now)) throw new HoldExpiredError(this.id, this.props.expiresAt);
    if (this.pendingPayment || this.props.payments.some(tookMoney)) {
      throw new ReservationStateError(this.id, 'being paid', 'checked out again');
    }
  }

  /**
   * The provider took the money. A live hold is confirmed; a hold that ran out is claimed
   * again and confirmed, unless `seatsLost` (the repository refused that claim: a seat was
   * taken meanwhile), in which case it stays (or becomes) EXPIRED and the payment is to be
   * refunded; a cancelled or already confirmed reservation refunds it too. Telling it twice
   * changes nothing.
   */
  paymentSucceeded(providerPaymentId: string, now: Date, seatsLost = false): PaymentSuccessOutcome {
    const payment = this.paymentByProviderId(providerPaymentId);
    if (tookMoney(payment)) return 'duplicate';
    this.setPaymentStatus(payment.id, 'SUCCEEDED', now);
    const status = this.props.status;
    if (status === 'PENDING' && !this.isOverdue(now)) {
      this.becomeConfirmed(now);
      return 'confirmed';
    }
    if ((status === 'PENDING' || status === 'EXPIRED') && !seatsLost) {
      this.becomeConfirmed(now, { reclaimed: true });
      return 'reheld';
    }
    if (status === 'PENDING') this.expire(now);
    this.setPaymentStatus(payment.id, 'REFUND_PENDING', now);
    return 'refund-due';
  }

  /** The provider declined the payment; the hold runs on to its expiry. A payment that succeeded stays so. */
  paymentFailed(providerPaymentId: string, now: Date): 'failed' | 'duplicate' {
    const payment = this.paymentByProviderId(providerPaymentId);
    if (payment.status !== 'PENDING') return 'duplicate';
    this.setPaymentStatus(payment.id, 'FAILED', now);
    return 'failed';
  }

  /** The provider has refunded a payment whose refund was due; again: nothing changes. */
  refundCompleted(paymentId: string, now: Date): 'refunded' | 'duplicate' {
    const payment = this.props.payments.find((candidate) => candidate.id === paymentId);
    if (!payment) throw new PaymentNotFoundError(paymentId);
    if (payment.status === 'REFUNDED') return 'duplicate';
    if (payment.status !== 'REFUND_PENDING') {
      throw new ReservationStateError(this.id, `paid by a ${payment.status} payment`, 'refunded');
    }
    this.setPaymentStatus(payment.id, 'REFUNDED', now);
    return 'refunded';
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
   * The one way into CONFIRMED, whoever asks (confirm, a payment, a late payment): the seats
   * are the member's for good and a ticket is issued for each. A hold that ran out and is
   * claimed again (`reclaimed`) is told as held anew, then confirmed, so every follower of the
   * seats sees them taken by this reservation before they are sold. Callers check that the
   * transition is allowed.
   */
  private becomeConfirmed(now: Date, options: { reclaimed?: boolean } = {}): void {
    const tickets = this.props.seats.map((seat) => ({
      id: ticketIdOf(this.id, seat.seatId),
      seatId: seat.seatId,
      label: seat.label,
      issuedAt: now,
    }));
    this.props = { ...this.props, status: 'CONFIRMED', confirmedAt: now, tickets };
    if (options.reclaimed) this.record({ ...this.changeEvent('ReservationHeld', now), reclaimed: true });
    this.recordChange('ReservationConfirmed', now);
  }

  private paymentByProviderId(providerPaymentId: string): PaymentSnapshot {
    const payment = this.props.payments.find((candidate) => candidate.providerPaymentId === providerPaymentId);
    if (!payment) throw new PaymentNotFoundError(providerPaymentId);
    return payment;
  }

  private setPaymentStatus(paymentId: string, status: PaymentStatus, now: Date): void {
    let changed: PaymentSnapshot | undefined;
    const payments = this.props.payments.map((payment) => {
      if (payment.id !== paymentId) return payment;
      changed = { ...payment, status, updatedAt: now };
      return changed;
    });
    this.props = { ...this.props, payments };
    if (changed && (status === 'SUCCEEDED' || status === 'REFUNDED')) {
      this.record({
        type: status === 'SUCCEEDED' ? 'PaymentSucceeded' : 'PaymentRefunded',
        occurredAt: now,
        reservationId: this.id,
        performanceId: this.performanceId,
        paymentId: changed.id,
        amount: changed.amount,
      });
    }
  }

  private recordChange(type: ReservationEvent['type'], now: Date): void {
    this.record(this.changeEvent(type, now));
  }

  private changeEvent(type: ReservationEvent['type'], now: Date): ReservationEvent {
    return reservationEvent(type, now, {
      reservationId: this.id,
      performanceId: this.performanceId,
      seatIds: this.seatIds,
    });
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
