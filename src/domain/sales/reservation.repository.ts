import { Reservation } from './reservation';

/** What the sweeper expired in one batch: enough to release the seats elsewhere. */
export interface ExpiredHold {
  readonly reservationId: string;
  readonly performanceId: string;
  readonly seatIds: readonly string[];
}

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
   * Saves a status change if nobody saved one since `reservation` was read (its version);
   * otherwise throws ConcurrentModificationError. Leaving PENDING/CONFIRMED releases the seats
   * and gives them back to the member's cap.
   */
  save(reservation: Reservation): Promise<void>;

  findById(id: string): Promise<Reservation | null>;

  findByIds(ids: readonly string[]): Promise<Reservation[]>;

  /** Every reservation of the member, newest first. */
  listByMember(memberId: string): Promise<Reservation[]>;

  /**
   * Page `page` (from 1) of `size` of the member's reservations, newest first (creation time,
   * then id, both descending), and their total count; a page past the end is empty.
   */
  pageByMember(memberId: string, page: number, size: number): Promise<MemberReservationPage>;

  /**
   * Marks up to `limit` PENDING reservations whose hold ended before `now` as EXPIRED and
   * releases their seats (and their members' caps). Safe to run from several instances at once: each overdue hold is
   * expired by exactly one caller.
   */
  expireOverdue(now: Date, limit: number): Promise<ExpiredHold[]>;
}
