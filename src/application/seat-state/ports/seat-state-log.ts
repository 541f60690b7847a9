import type { SeatStatus } from '../../catalog/ports/seat-status-query';

export type TakenStatus = Exclude<SeatStatus, 'AVAILABLE'>;

/**
 * What happened to a reservation's seats, as the seat-state log applies it:
 * - `hold`: the reservation now holds them (whoever held them before has let go in MySQL);
 * - `confirm`: the reservation's held seats are now sold;
 * - `release`: the reservation let go (cancel, expiry, sweep); only seats it still holds change.
 * Applying by holder, not by blind status, is what makes the log immune to two instances'
 * writes arriving in another order than their MySQL commits (see README, "Live seat map").
 */
export interface SeatChange {
  readonly kind: 'hold' | 'confirm' | 'release';
  readonly reservationId: string;
  readonly seatIds: readonly string[];
}

/** A seat whose visible status changed, and the status it has now. */
export interface SeatStatusChange {
  readonly id: string;
  readonly status: SeatStatus;
}

/** One record of the log: a change at `version`, or a `reset` (the state was rebuilt at `version`). */
export interface SeatStateEntry {
  readonly version: number;
  readonly kind: 'changes' | 'reset';
  readonly seats: readonly SeatStatusChange[];
}

/** An active claim as the source of truth (MySQL) has it. */
export interface ClaimedSeat {
  readonly seatId: string;
  readonly reservationId: string;
  readonly status: TakenStatus;
}

export interface SeatStateSnapshot {
  readonly version: number;
  readonly taken: ReadonlyMap<string, TakenStatus>;
}

/** 'missing': the log has no state for the performance (never built, lost, or being rebuilt). */
export type ApplyOutcome = number | 'missing';

/**
 * A per-performance reader of the log: one per instance and followed performance (a Redis
 * connection of its own, since it blocks), whatever the number of clients following.
 */
export interface SeatStateLogReader {
  /**
   * The entries after `version`, oldest first (at most `limit`), waiting up to `blockMs` for
   * the first one; [] when none came. 0 ms answers at once. Throws when the log is unreachable.
   */
  next(version: number, blockMs: number): Promise<SeatStateEntry[]>;
  /** Stops reading and lets the connection go; never fails (a pending `next` answers [] or throws). */
  close(): Promise<void>;
}

/**
 * The shared, versioned seat state of every performance (Redis in production, memory when
 * embedded): per performance a version, the taken seats with their holders, and a capped
 * log of changes. Every operation on one performance is atomic and totally ordered.
 */
export interface SeatStateLog {
  /** Applies a change; answers the new version, the unchanged one when nothing visible changed, or 'missing'. */
  apply(performanceId: string, change: SeatChange): Promise<ApplyOutcome>;
  /**
   * Starts a rebuild: from now until `install` (or `leaseMs`), `apply` answers 'missing', so
   * no change slips between the read of the truth and the install. Without `force` it
   * starts only if the state is missing. Answers a token, or null when there is nothing to
   * do (state present) or another rebuild is under way.
   */
  beginRebuild(performanceId: string, leaseMs: number, force: boolean): Promise<string | null>;
  /**
   * Installs the claims read from the truth as the state at `version`, appends a reset entry,
   * and ends the rebuild. False when the lease was lost or a newer state is already there.
   */
  install(performanceId: string, token: string, version: number, claims: readonly ClaimedSeat[]): Promise<boolean>;
  /** The state and its version, read atomically; null when missing. */
  read(performanceId: string): Promise<SeatStateSnapshot | null>;
  /** The retained entries in (after, upTo], oldest first; fewer when some were trimmed. */
  range(performanceId: string, after: number, upTo: number): Promise<SeatStateEntry[]>;
  openReader(performanceId: string): SeatStateLogReader;
}
