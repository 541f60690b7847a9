import { randomUUID } from 'node:crypto';
import type {
  ApplyOutcome,
  ClaimedSeat,
  SeatChange,
  SeatStateEntry,
  SeatStateLog,
  SeatStateLogReader,
  SeatStateSnapshot,
  SeatStatusChange,
  TakenStatus,
} from '../../application/seat-state/ports/seat-state-log';

interface Holder {
  readonly reservationId: string;
  readonly status: TakenStatus;
}

interface PerformanceLog {
  /** null: missing (never built, forgotten, or being rebuilt). */
  version: number | null;
  seats: Map<string, Holder>;
  entries: SeatStateEntry[];
  lease: { token: string; until: number } | null;
  /** The version a rebuild replaced: nothing at or below it is installed again. */
  floor: number | null;
  readonly waiters: Set<() => void>;
}

/**
 * The in-memory twin of RedisSeatStateLog for the embedded mode and tests: the same rules
 * (apply by holder, fenced rebuilds, a reset entry per install, entries trimmed past the
 * retention), with blocking reads woken in process.
 */
export class InMemorySeatStateLog implements SeatStateLog {
  readonly #logs = new Map<string, PerformanceLog>();

  constructor(
    private readonly retainedChanges: number,
    private readonly nowMs: () => number = Date.now,
  ) {}

  async apply(performanceId: string, change: SeatChange): Promise<ApplyOutcome> {
    const log = this.log(performanceId);
    if (log.version === null) return 'missing';
    const changed: SeatStatusChange[] = [];
    for (const seatId of change.seatIds) {
      const current = log.seats.get(seatId);
      const mine = current?.reservationId === change.reservationId;
      if (change.kind === 'hold') {
        if (mine) continue;
        log.seats.set(seatId, { reservationId: change.reservationId, status: 'HELD' });
        changed.push({ id: seatId, status: 'HELD' });
      } else if (change.kind === 'confirm') {
        if (current && !(mine && current.status === 'HELD')) continue;
        log.seats.set(seatId, { reservationId: change.reservationId, status: 'RESERVED' });
        changed.push({ id: seatId, status: 'RESERVED' });
      } else if (mine) {
        log.seats.delete(seatId);
        changed.push({ id: seatId, status: 'AVAILABLE' });
      }
    }
    if (changed.length === 0) return log.version;
    log.version++;
    this.append(log, { version: log.version, kind: 'changes', seats: changed });
    return log.version;
  }

  async beginRebuild(performanceId: string, leaseMs: number, force: boolean): Promise<string | null> {
    const log = this.log(performanceId);
    if (!force && log.version !== null) return null;
    if (log.lease && log.lease.until > this.nowMs()) return null;
    log.lease = { token: randomUUID(), until: this.nowMs() + leaseMs };
    if (log.version !== null) log.floor = log.version;
    log.version = null;
    return log.lease.token;
  }

  async install(
    performanceId: string,
    token: string,
    version: number,
    claims: readonly ClaimedSeat[],
  ): Promise<boolean> {
    const log = this.log(performanceId);
    if (log.lease?.token !== token) return false;
    log.lease = null;
    const current = log.version ?? log.floor;
    if (current !== null && current >= version) return false;
    if ((log.entries.at(-1)?.version ?? 0) >= version) log.entries = [];
    log.seats = new Map(
      claims.map((claim) => [claim.seatId, { reservationId: claim.reservationId, status: claim.status }]),
    );
    log.version = version;
    this.append(log, { version, kind: 'reset', seats: [] });
    return true;
  }

  async read(performanceId: string): Promise<SeatStateSnapshot | null> {
    const log = this.log(performanceId);
    if (log.version === null) return null;
    return {
      version: log.version,
      taken: new Map([...log.seats].map(([seatId, holder]) => [seatId, holder.status])),
    };
  }

  async range(performanceId: string, after: number, upTo: number): Promise<SeatStateEntry[]> {
    return this.log(performanceId).entries.filter((entry) => entry.version > after && entry.version <= upTo);
  }

  openReader(performanceId: string): SeatStateLogReader {
    let closed = false;
    let wake: (() => void) | undefined;
    return {
      next: async (version, blockMs) => {
        const log = this.log(performanceId);
        const after = () => log.entries.filter((entry) => entry.version > version);
        let found = after();
        if (found.length > 0 || blockMs <= 0 || closed) return found;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(done, blockMs);
          function done() {
            clearTimeout(timer);
            log.waiters.delete(done);
            wake = undefined;
            resolve();
          }
          wake = done;
          log.waiters.add(done);
        });
        found = closed ? [] : this.log(performanceId).entries.filter((entry) => entry.version > version);
        return found;
      },
      close: async () => {
        closed = true;
        wake?.();
      },
    };
  }

  /** Forgets every state, as a Redis FLUSHDB would (tests of the rebuild). */
  forgetAll(): void {
    for (const log of this.#logs.values()) {
      log.version = null;
      log.seats = new Map();
      log.entries = [];
      log.lease = null;
      log.floor = null;
    }
  }

  private log(performanceId: string): PerformanceLog {
    let log = this.#logs.get(performanceId);
    if (!log) {
      log = { version: null, seats: new Map(), entries: [], lease: null, floor: null, waiters: new Set() };
      this.#logs.set(performanceId, log);
    }
    return log;
  }

  private append(log: PerformanceLog, entry: SeatStateEntry): void {
    log.entries.push(entry);
    if (log.entries.length > this.retainedChanges) log.entries.splice(0, log.entries.length - this.retainedChanges);
    for (const wake of [...log.waiters]) wake();
  }
}
