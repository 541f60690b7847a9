import { DomainError } from '../shared/domain-error';

export class SeatUnavailableError extends DomainError {
  readonly code = 'SEAT_UNAVAILABLE';
  constructor(
    readonly performanceId: string,
    readonly seatIds: readonly string[],
  ) {
    super(`Seats ${seatIds.join(', ')} are held or sold`, { performanceId, seatIds: [...seatIds] });
  }
}

export class HoldExpiredError extends DomainError {
  readonly code = 'HOLD_EXPIRED';
  constructor(reservationId: string, expiresAt: Date) {
    super(`The hold of reservation ${reservationId} expired at ${expiresAt.toISOString()}`, {
      reservationId,
      expiresAt: expiresAt.toISOString(),
    });
  }
}

export class ReservationNotFoundError extends DomainError {
  readonly code = 'RESERVATION_NOT_FOUND';
  constructor(reservationId: string) {
    super(`Reservation ${reservationId} does not exist`, { reservationId });
  }
}

/** A transition that the reservation's current status does not allow (confirming a cancelled one). */
export class ReservationStateError extends DomainError {
  readonly code = 'RESERVATION_NOT_ACTIVE';
  constructor(reservationId: string, status: string, action: string) {
    super(`Reservation ${reservationId} is ${status} and cannot be ${action}`, { reservationId, status });
  }
}

/**
 * The store refused to record the claim because some of its seats are already claimed by
 * active reservations. Carries who holds them, so the caller can expire holds that are
 * overdue but not yet swept; a holder may therefore still turn out to own nothing, which is
 * why this is not SEAT_UNAVAILABLE (the use case's verdict once it has looked at the holders).
 * Its details name the seats, never the holders.
 */
export class SeatsAlreadyClaimedError extends DomainError {
  readonly code = 'SEATS_ALREADY_CLAIMED';
  constructor(
    readonly performanceId: string,
    readonly holders: ReadonlyMap<string, string>,
  ) {
    super(`Seats ${[...holders.keys()].join(', ')} are already claimed`, {
      performanceId,
      seatIds: [...holders.keys()],
    });
  }
}

/**
 * The member would hold more seats of one performance than the per-member cap allows,
 * counting every PENDING and CONFIRMED reservation they have for it.
 */
export class MemberSeatLimitError extends DomainError {
  readonly code = 'MEMBER_SEAT_LIMIT';
  constructor(
    readonly performanceId: string,
    readonly limit: number,
    readonly held: number,
    readonly requested: number,
  ) {
    super(
      `A member may hold at most ${limit} seats of a performance; you hold ${held} and asked for ${requested} more`,
      { performanceId, limit, held, requested },
    );
  }
}

/** Someone else changed the reservation between our read and our write. */
export class ConcurrentModificationError extends DomainError {
  readonly code = 'CONCURRENT_MODIFICATION';
  constructor(reservationId: string) {
    super(`Reservation ${reservationId} was changed concurrently; read it again`, { reservationId });
  }
}
