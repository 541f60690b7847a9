import { Reservation } from './reservation';

/** What the sweeper expired in one batch: enough to release the seats elsewhere. */
export interface ExpiredHold {
  readonly reservationId: string;
  readonly performanceId: string;
  readonly seatIds: readonly string[];
}

export interface ReservationRepository {
  /**
   * Records a new reservation and its claim on every seat, atomically. Throws
   * SeatsAlreadyClaimedError when any seat is claimed by another PENDING or CONFIRMED
   * reservation; then nothing is written.
   */
  add(reservation: Reservation): Promise<void>;

  /**
   * Saves a status change if nobody saved one since `reservation` was read (its version);
   * otherwise throws ConcurrentModificationError. Leaving PENDING/CONFIRMED releases the seats.
   */
  save(reservation: Reservation): Promise<void>;

  findById(id: string): Promise<Reservation | null>;

  findByIds(ids: readonly string[]): Promise<Reservation[]>;

  listByMember(memberId: string): Promise<Reservation[]>;

  /**
   * Marks up to `limit` PENDING reservations whose hold ended before `now` as EXPIRED and
   * releases their seats. Safe to run from several instances at once: each overdue hold is
   * expired by exactly one caller.
   */
  expireOverdue(now: Date, limit: number): Promise<ExpiredHold[]>;
}
