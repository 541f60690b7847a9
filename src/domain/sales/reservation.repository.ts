import { Reservation, ReservationSeats } from './reservation';

/**
 * A hold the sweeper expired: enough to release its seats elsewhere and to tell of it
 * (`Reservation.expiredEvent`).
 */
export type ExpiredHold = ReservationSeats;

/** Caps checked in the same atomic step that records a reservation. */
export interface ReservationLimits {
  /** Seats one member may hold or own per performance, across all their active reservations. */
  readonly maxSeatsPerMember: number;
}

/** One page of a member's reservations and how many they have in all. */
export interface MemberReservationPage {
  readonly items: readonly Reservation[];
  readonly total: number;
}

export interface ReservationRepository {
  /**
   * Records a new reservation and its claim on every seat, atomically, and counts its seats
   * against the member's cap for the performance. Throws SeatsAlreadyClaimedError when any
   * seat is claimed by another PENDING or CONFIRMED reservation, MemberSeatLimitError when
   * the member's active seats would exceed `limits.maxSeatsPerMember`, and
   * MemberNotFoundError when the member does not exist; then nothing is written.
   */
  add(reservation: Reservation, limits: ReservationLimits): Promise<void>;

  /**
   * Saves a change (status, hold expiry, payments) if nobody saved one since `reservation`
   * was read (its version); otherwise throws ConcurrentModificationError. Leaving
   * PENDING/CONFIRMED releases the seats and gives them back to the member's cap. An EXPIRED
   * reservation becoming CONFIRMED (paid after its hold ran out) claims its seats again and
   * counts them again: if another active reservation claims one, SeatsAlreadyClaimedError
   * and nothing is written.
   */
  save(reservation: Reservation): Promise<void>;

  /** The reservation a payment of `provider` belongs to, by the provider's id for it. */
  findByProviderPaymentId(provider: string, providerPaymentId: string): Promise<Reservation | null>;

  /** Up to `limit` reservations with a payment whose refund is due (REFUND_PENDING). */
  withRefundsDue(limit: number): Promise<Reservation[]>;

  findById(id: string): Promise<Reservation | null>;

  findByIds(ids: readonly string[]): Promise<Reservation[]>;

  /** The reservation one of whose tickets (valid or void) has this id. */
  findByTicketId(ticketId: string): Promise<Reservation | null>;

  /** Every reservation of the member, newest first. */
  listByMember(memberId: string): Promise<Reservation[]>;

  /**
   * Page `page` (from 1) of `size` of the member's reservations, newest first (creation time,
   * then id, both descending), and their total count; a page past the end is empty.
   */
  pageByMember(memberId: string, page: number, size: number): Promise<MemberReservationPage>;

  /**
   * Does `Reservation.expire(now)` to up to `limit` holds that are overdue at `now`
   * (`isOverdue`), the longest overdue first, saving each as `save` would: EXPIRED, seats
   * released and given back to their members' caps. Returns what it expired. Safe to run
   * from several instances at once: each overdue hold is expired by exactly one caller.
   */
  expireOverdue(now: Date, limit: number): Promise<ExpiredHold[]>;
}
