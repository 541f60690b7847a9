import type { SeatStatus, SeatStatusQuery } from '../catalog/ports/seat-status-query';
import { StoreUnavailableError } from '../shared/errors';
import type { SeatClaimSource } from './ports/seat-claims';
import type { SeatStateEntry, SeatStateLog, SeatStateLogReader, TakenStatus } from './ports/seat-state-log';
import type { SeatStates, VersionedSeats } from './ports/seat-states';
import type { SeatStateRebuilder } from './seat-state-rebuilder';
import { SeatStreamLimitError } from './seat-state.errors';
import { epochOf } from './seat-state-versions';

/** The taken seats of a performance at a version. Immutable: a new object per version, shared by every reader. */
export interface LiveSeatState {
  readonly performanceId: string;
  readonly version: number;
  readonly taken: ReadonlyMap<string, TakenStatus>;
}

/** The seats that changed up to `version`, with their status at `version`. Immutable and shared by every stream. */
export interface SeatChangeBatch {
  readonly performanceId: string;
  readonly version: number;
  readonly seats: readonly { readonly id: string; readonly status: SeatStatus }[];
}

/** One client following a performance; the transport (SSE) writes what it is handed. */
export interface SeatStreamSubscriber {
  snapshot(state: LiveSeatState): void;
  changes(batch: SeatChangeBatch): void;
  ping(): void;
  /** The server ends the stream (shutdown, or a client too slow to keep up). */
  close(): void;
}

export interface SeatStreamSubscription {
  /** The client went away. */
  cancel(): void;
}

export interface SeatStateViewOptions {
  /** Comment lines keep proxies from closing quiet streams (SEAT_STREAM_HEARTBEAT_MS). */
  readonly heartbeatMs: number;
  /** Streams this instance serves at most (SEAT_STREAM_MAX_CONNECTIONS). */
  readonly maxStreams: number;
  /** Changes within this many ms after a flush wait and go out together (SEAT_STREAM_BATCH_MS, ≤ 100). */
  readonly batchMs: number;
  /** Changes kept per performance for resuming streams: at least this many… */
  readonly retentionChanges: number;
  /** …or at least those of this many ms (SEAT_STREAM_RETENTION_SECONDS). */
  readonly retentionMs: number;
  /** A performance nobody streamed or read for this long is no longer followed. */
  readonly idleMs?: number;
  /** How long a first read waits for the live view before it falls back to MySQL. */
  readonly loadTimeoutMs?: number;
  /** How long one blocking read of the log waits for a change. */
  readonly blockMs?: number;
}

/** How long a read waits for a change this instance wrote to come back from the log. */
const READ_YOUR_WRITES_MS = 250;
/** A client resuming from a version this instance has not read yet waits this long for it. */
const CATCH_UP_MS = 1_000;
/** Local retention never holds more than this many times `retentionChanges`, whatever the time window. */
const RETENTION_HARD_FACTOR = 10;

interface RetainedBatch {
  readonly from: number;
  readonly batch: SeatChangeBatch;
  readonly at: number;
  readonly changes: number;
}

interface Subscription {
  readonly subscriber: SeatStreamSubscriber;
  /** The version the client has: it is sent only what comes after. */
  after: number;
  catchUp?: NodeJS.Timeout;
}

class Follower {
  current: LiveSeatState | null = null;
  /** The last version read from the log; entries above current.version wait in `pending`. */
  lastSeen = 0;
  pending: SeatStateEntry[] = [];
  flushTimer: NodeJS.Timeout | undefined;
  lastFlushAt = 0;
  retained: RetainedBatch[] = [];
  retainedChanges = 0;
  readonly subscriptions = new Set<Subscription>();
  /** True while the log answers: only then is the view served as the current seat map. */
  live = false;
  stopped = false;
  lastUsed: number;
  /** Pairs of the view and MySQL that disagreed at the last reconciliation. */
  mismatches = new Set<string>();
  /** The newest version this instance wrote itself: its readers wait for it (read your writes). */
  written = 0;
  /** Wakes readers waiting for `lastSeen` to move. */
  seenWaiters = new Set<() => void>();
  /**
   * When this view read each currently HELD seat's hold from the log (local clock). Seats
   * known HELD only from a snapshot have no entry: their hold's age is unknown.
   */
  heldSeenAt = new Map<string, number>();
  /** current with the pending entries applied, made when a reader needs it. */
  materialized: LiveSeatState | null = null;
  readonly loaded: Promise<void>;
  markLoaded!: () => void;

  constructor(
    readonly performanceId: string,
    readonly reader: SeatStateLogReader,
    now: number,
  ) {
    this.lastUsed = now;
    this.loaded = new Promise((resolve) => (this.markLoaded = resolve));
  }
}

/**
 * This instance's live view of the seat state: one follower per performance that anybody
 * reads or streams here, each with one blocking reader of the shared log, fanning every
 * change out in process to all the streams of that performance (one shared batch object per
 * flush, serialized once by the transport). The same view answers GET seats (replacing the
 * time-based cache) and the hot path's cheap "is it taken?" check.
 *
 * Guarantees: along one stream versions strictly increase; the first event is a snapshot
 * (or, on resume, the changes after the client's version); applying each batch to the state
 * before it gives the state at the batch's version, which is what GET seats answers at that
 * version. A reset of the log (Redis lost it, a rebuild) or a gap (trimmed past what was
 * read) sends every stream a fresh snapshot. While the log is unreachable GET seats reads
 * MySQL (version null) and streams stay open without changes; when it answers again the
 * view catches up, by changes or by a snapshot.
 */
export class SeatStateView implements SeatStates {
  readonly #followers = new Map<string, Follower>();
  readonly #heartbeat: NodeJS.Timeout;
  readonly #idleSweep: NodeJS.Timeout;
  #streams = 0;
  #closed = false;
  private readonly idleMs: number;
  private readonly loadTimeoutMs: number;
  private readonly blockMs: number;

  constructor(
    private readonly log: SeatStateLog,
    private readonly rebuilder: SeatStateRebuilder,
    private readonly truth: SeatClaimSource,
    private readonly fallback: SeatStatusQuery,
    private readonly options: SeatStateViewOptions,
    private readonly onError: (error: unknown) => void = () => {},
    private readonly nowMs: () => number = Date.now,
  ) {
    this.idleMs = options.idleMs ?? 60_000;
    this.loadTimeoutMs = options.loadTimeoutMs ?? 1_000;
    this.blockMs = options.blockMs ?? 5_000;
    this.#heartbeat = setInterval(() => this.ping(), options.heartbeatMs);
    this.#heartbeat.unref();
    this.#idleSweep = setInterval(() => this.dropIdle(), Math.max(1_000, this.idleMs / 2));
    this.#idleSweep.unref();
  }

  get streamCount(): number {
    return this.#streams;
  }

  /**
   * The newest state this instance knows, pending changes included (the streams get those
   * within SEAT_STREAM_BATCH_MS). A change this instance recorded itself is waited for, up to
   * READ_YOUR_WRITES_MS: a client reads its own hold right after the 201.
   */
  async current(performanceId: string, now: Date): Promise<VersionedSeats> {
    const follower = this.follow(performanceId);
    if (!follower.current) await within(follower.loaded, this.loadTimeoutMs);
    if (follower.current && follower.live && follower.lastSeen < follower.written) {
      await within(this.seen(follower, follower.written), READ_YOUR_WRITES_MS);
    }
    const state = follower.current;
    if (state && follower.live) return this.newest(follower, state);
    // The log is unreachable: MySQL, the truth, answers, without a version.
    return { version: null, taken: await this.fallback.takenSeats(performanceId, now) };
  }

  /** The recorder wrote `version` for the performance through this instance. */
  noteWritten(performanceId: string, version: number): void {
    const follower = this.#followers.get(performanceId);
    if (follower && epochOf(version) === epochOf(follower.lastSeen)) {
      follower.written = Math.max(follower.written, version);
    }
  }

  private newest(follower: Follower, state: LiveSeatState): LiveSeatState {
    if (follower.pending.length === 0) return state;
    const version = follower.pending.at(-1)!.version;
    if (follower.materialized?.version === version) return follower.materialized;
    const taken = new Map(state.taken);
    for (const entry of follower.pending) {
      for (const seat of entry.seats) {
        if (seat.status === 'AVAILABLE') taken.delete(seat.id);
        else taken.set(seat.id, seat.status);
      }
    }
    follower.materialized = { performanceId: follower.performanceId, version, taken };
    return follower.materialized;
  }

  /** Resolves once the follower has read `version` (or been resynced past it). */
  private seen(follower: Follower, version: number): Promise<void> {
    return new Promise((resolve) => {
      const check = () => {
        if (follower.lastSeen < version && !follower.stopped) return;
        follower.seenWaiters.delete(check);
        resolve();
      };
      follower.seenWaiters.add(check);
      check();
    });
  }

  takenAmong(performanceId: string, seatIds: readonly string[], heldWithinMs = Infinity): string[] | null {
    const follower = this.#followers.get(performanceId);
    if (!follower?.current || !follower.live) return null;
    const now = this.nowMs();
    follower.lastUsed = now;
    // The hot path's loser check: a few Map lookups, no allocation beyond the answer.
    const taken: string[] = [];
    for (const seatId of seatIds) {
      const status = latestStatus(follower, seatId);
      if (status === 'AVAILABLE') continue;
      if (status === 'HELD' && heldWithinMs !== Infinity) {
        const seenAt = follower.heldSeenAt.get(seatId);
        if (seenAt === undefined || now - seenAt >= heldWithinMs) continue;
      }
      taken.push(seatId);
    }
    return taken;
  }

  watch(performanceId: string): void {
    if (!this.#closed) this.follow(performanceId);
  }

  /**
   * Starts a stream: a snapshot, or with `lastVersion` the changes after it when they are
   * still retained (here or in the log). The caller has checked that the performance exists.
   */
  async subscribe(
    performanceId: string,
    lastVersion: number | undefined,
    subscriber: SeatStreamSubscriber,
  ): Promise<SeatStreamSubscription> {
    if (this.#closed) throw new StoreUnavailableError('Seat stream');
    if (this.#streams >= this.options.maxStreams) throw new SeatStreamLimitError(this.options.maxStreams);
    this.#streams++;
    let subscription: Subscription | undefined;
    let cancelled = false;
    const handle: SeatStreamSubscription = {
      cancel: () => {
        if (cancelled) return;
        cancelled = true;
        this.#streams--;
        if (subscription) this.unsubscribe(performanceId, subscription);
      },
    };
    try {
      const follower = this.follow(performanceId);
      if (!follower.current) await within(follower.loaded, this.loadTimeoutMs);
      if (!follower.current) throw new StoreUnavailableError('Seat state');
      const resumed = lastVersion === undefined ? null : await this.changesSince(follower, lastVersion);
      if (cancelled) return handle;
      // From here on nothing awaits: no flush can slip between what the client is sent and `after`.
      const state = follower.current;
      subscription = { subscriber, after: state.version };
      follower.subscriptions.add(subscription);
      follower.lastUsed = this.nowMs();
      if (resumed === 'ahead') {
        // The client saw a version this instance has not read yet (another instance was
        // quicker): it waits for it, and gets a snapshot if it does not come.
        const waiting = subscription;
        waiting.after = lastVersion!;
        waiting.catchUp = setTimeout(() => {
          if (follower.current && follower.current.version < waiting.after) {
            waiting.after = follower.current.version;
            waiting.subscriber.snapshot(follower.current);
          }
        }, CATCH_UP_MS);
        waiting.catchUp.unref();
        return handle;
      }
      let seats = resumed?.seats ?? null;
      if (seats && resumed && state.version > resumed.upTo) {
        // Flushed while the log was read: the retained batches since then complete it.
        const newer =
          epochOf(state.version) === epochOf(resumed.upTo) ? this.mergeRetained(follower, resumed.upTo) : null;
        if (newer) for (const [seatId, status] of newer) seats.set(seatId, status);
        else seats = null;
      }
      if (!seats) subscriber.snapshot(state);
      else if (state.version > lastVersion!) {
        subscriber.changes({
          performanceId,
          version: state.version,
          seats: [...seats].map(([id, status]) => ({ id, status })),
        });
      }
      return handle;
    } catch (error) {
      handle.cancel();
      throw error;
    }
  }

  /**
   * Compares each followed performance with MySQL; a difference seen at two consecutive
   * runs (so not a change in flight) means a change never reached the log (an instance died
   * between its commit and its write): the state is rebuilt. Answers how many were.
   */
  async reconcile(): Promise<number> {
    let rebuilt = 0;
    for (const follower of [...this.#followers.values()]) {
      const state = follower.current;
      if (!state || !follower.live || follower.stopped) continue;
      const claims = await this.truth.activeClaims(follower.performanceId);
      const latest = follower.current;
      if (latest !== state && latest && epochOf(latest.version) !== epochOf(state.version)) continue;
      const truth = new Map(claims.map((claim) => [claim.seatId, claim.status]));
      const mismatches = new Set<string>();
      for (const [seatId, status] of truth) {
        if (state.taken.get(seatId) !== status) mismatches.add(`${seatId}:${state.taken.get(seatId)}:${status}`);
      }
      for (const [seatId, status] of state.taken) {
        if (!truth.has(seatId)) mismatches.add(`${seatId}:${status}:AVAILABLE`);
      }
      const persistent = [...mismatches].some((mismatch) => follower.mismatches.has(mismatch));
      follower.mismatches = persistent ? new Set() : mismatches;
      if (persistent) {
        await this.rebuilder.force(follower.performanceId);
        rebuilt++;
      }
    }
    return rebuilt;
  }

  /** Ends every stream (clients reconnect, to another instance) and stops following. */
  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#heartbeat);
    clearInterval(this.#idleSweep);
    const followers = [...this.#followers.values()];
    this.#followers.clear();
    for (const follower of followers) {
      for (const subscription of follower.subscriptions) {
        clearTimeout(subscription.catchUp);
        subscription.subscriber.close();
      }
      follower.subscriptions.clear();
    }
    this.#streams = 0;
    await Promise.all(followers.map((follower) => this.stop(follower)));
  }

  private follow(performanceId: string): Follower {
    let follower = this.#followers.get(performanceId);
    if (!follower) {
      follower = new Follower(performanceId, this.log.openReader(performanceId), this.nowMs());
      this.#followers.set(performanceId, follower);
      void this.run(follower);
    }
    follower.lastUsed = this.nowMs();
    return follower;
  }

  /** The follower's loop: load the state, then read the log, blocking, for as long as it is followed. */
  private async run(follower: Follower): Promise<void> {
    let failures = 0;
    let resync = true;
    while (!follower.stopped) {
      try {
        if (resync) {
          await this.resync(follower);
          resync = false;
        }
        const entries = await follower.reader.next(follower.lastSeen, follower.live ? this.blockMs : 0);
        if (follower.stopped) return;
        follower.live = true;
        failures = 0;
        resync = !this.accept(follower, entries);
      } catch (error) {
        if (follower.stopped) return;
        follower.live = false;
        resync = resync || follower.current === null;
        this.onError(error);
        failures++;
        await new Promise((resolve) => setTimeout(resolve, Math.min(50 * 2 ** Math.min(failures, 5), 1_000)));
      }
    }
  }

  /** Queues entries for the next flush; false when they do not follow on (a reset, a gap): then resync. */
  private accept(follower: Follower, entries: readonly SeatStateEntry[]): boolean {
    for (const entry of entries) {
      if (entry.kind === 'reset' || entry.version !== follower.lastSeen + 1) return false;
      follower.pending.push(entry);
      follower.lastSeen = entry.version;
      const now = this.nowMs();
      for (const seat of entry.seats) {
        if (seat.status === 'HELD') follower.heldSeenAt.set(seat.id, now);
        else follower.heldSeenAt.delete(seat.id);
      }
    }
    if (follower.pending.length > 0) this.scheduleFlush(follower);
    for (const check of [...follower.seenWaiters]) check();
    return true;
  }

  /** Loads the state from the log (rebuilding it from MySQL if the log lost it) and sends every stream a snapshot. */
  private async resync(follower: Follower): Promise<void> {
    let snapshot = await this.log.read(follower.performanceId);
    for (let attempt = 0; attempt < 50 && !snapshot; attempt++) {
      await this.rebuilder.ensure(follower.performanceId);
      snapshot = await this.log.read(follower.performanceId);
    }
    if (!snapshot) throw new StoreUnavailableError('Seat state');
    const previous = follower.current;
    if (previous && snapshot.version <= previous.version) {
      // The log went back (a failover to a replica that lagged): a new epoch puts it ahead again.
      await this.rebuilder.force(follower.performanceId);
      throw new Error(`Seat state of ${follower.performanceId} went back from ${previous.version}`);
    }
    clearTimeout(follower.flushTimer);
    follower.flushTimer = undefined;
    follower.pending = [];
    follower.retained = [];
    follower.retainedChanges = 0;
    follower.mismatches = new Set();
    // The snapshot does not say when its holds were made.
    follower.heldSeenAt.clear();
    follower.lastSeen = snapshot.version;
    const state: LiveSeatState = {
      performanceId: follower.performanceId,
      version: snapshot.version,
      taken: snapshot.taken,
    };
    follower.current = state;
    follower.materialized = null;
    follower.written = 0;
    follower.live = true;
    follower.markLoaded();
    for (const check of [...follower.seenWaiters]) check();
    for (const subscription of follower.subscriptions) {
      clearTimeout(subscription.catchUp);
      subscription.after = state.version;
      subscription.subscriber.snapshot(state);
    }
  }

  /** At most one flush per `batchMs`: the first change after a quiet spell goes out at once. */
  private scheduleFlush(follower: Follower): void {
    if (follower.flushTimer) return;
    const wait = follower.lastFlushAt + this.options.batchMs - this.nowMs();
    if (wait <= 0) {
      this.flush(follower);
      return;
    }
    follower.flushTimer = setTimeout(() => this.flush(follower), wait);
  }

  private flush(follower: Follower): void {
    follower.flushTimer = undefined;
    const current = follower.current;
    if (follower.pending.length === 0 || !current) return;
    const merged = new Map<string, SeatStatus>();
    for (const entry of follower.pending) for (const seat of entry.seats) merged.set(seat.id, seat.status);
    const changes = follower.pending.length;
    // The state with the pending changes applied: the one a reader asked for meanwhile, if
    // any did (newest), rather than copying the hall a second time.
    const next = this.newest(follower, current);
    follower.pending = [];
    follower.materialized = null;
    const { version } = next;
    const now = this.nowMs();
    follower.current = next;
    follower.lastFlushAt = now;
    const batch: SeatChangeBatch = {
      performanceId: follower.performanceId,
      version,
      seats: [...merged].map(([id, status]) => ({ id, status })),
    };
    this.retain(follower, { from: current.version, batch, at: now, changes });
    for (const subscription of follower.subscriptions) {
      if (version <= subscription.after) continue;
      clearTimeout(subscription.catchUp);
      subscription.after = version;
      subscription.subscriber.changes(batch);
    }
  }

  private retain(follower: Follower, retained: RetainedBatch): void {
    follower.retained.push(retained);
    follower.retainedChanges += retained.changes;
    const { retentionChanges, retentionMs } = this.options;
    const horizon = retained.at - retentionMs;
    for (;;) {
      const oldest = follower.retained[0]!;
      const overCount = follower.retainedChanges - oldest.changes >= retentionChanges;
      const overHard = follower.retainedChanges - oldest.changes >= retentionChanges * RETENTION_HARD_FACTOR;
      if (follower.retained.length === 1 || !(overHard || (overCount && oldest.at < horizon))) return;
      follower.retained.shift();
      follower.retainedChanges -= oldest.changes;
    }
  }

  /**
   * The changes after `version` merged (each seat at its latest status), up to the version
   * `upTo`; null when they are no longer retained (the client then needs a snapshot), or
   * 'ahead' when the client has seen more than this instance.
   */
  private async changesSince(
    follower: Follower,
    version: number,
  ): Promise<{ seats: Map<string, SeatStatus>; upTo: number } | null | 'ahead'> {
    const state = follower.current!;
    if (!Number.isSafeInteger(version) || version < 1) return null;
    if (epochOf(version) !== epochOf(state.version)) return version > state.version ? 'ahead' : null;
    if (version >= state.version) return version > state.version ? 'ahead' : { seats: new Map(), upTo: version };
    const local = this.mergeRetained(follower, version);
    if (local) return { seats: local, upTo: state.version };
    // This instance started following after that version: the log may still hold it.
    const upTo = state.version;
    const entries = await this.log.range(follower.performanceId, version, upTo);
    const contiguous =
      entries.length === upTo - version &&
      entries.every((entry, index) => entry.kind === 'changes' && entry.version === version + 1 + index);
    if (!contiguous) return null;
    const seats = new Map<string, SeatStatus>();
    for (const entry of entries) for (const seat of entry.seats) seats.set(seat.id, seat.status);
    return { seats, upTo };
  }

  /**
   * The retained batches after `version` merged, if they cover it. A batch (from, to]
   * applied to the state at any version in [from, to] gives the state at `to`, so a client
   * whose version falls inside a batch (it came from another instance, which batched
   * otherwise) resumes exactly.
   */
  private mergeRetained(follower: Follower, version: number): Map<string, SeatStatus> | null {
    const start = follower.retained.findIndex((retained) => retained.batch.version > version);
    if (start < 0 || follower.retained[start]!.from > version) return null;
    const merged = new Map<string, SeatStatus>();
    for (const retained of follower.retained.slice(start)) {
      for (const seat of retained.batch.seats) merged.set(seat.id, seat.status);
    }
    return merged;
  }

  private unsubscribe(performanceId: string, subscription: Subscription): void {
    clearTimeout(subscription.catchUp);
    const follower = this.#followers.get(performanceId);
    if (!follower) return;
    follower.subscriptions.delete(subscription);
    follower.lastUsed = this.nowMs();
  }

  private ping(): void {
    for (const follower of this.#followers.values()) {
      for (const subscription of follower.subscriptions) subscription.subscriber.ping();
    }
  }

  private dropIdle(): void {
    const horizon = this.nowMs() - this.idleMs;
    for (const follower of [...this.#followers.values()]) {
      if (follower.subscriptions.size > 0 || follower.lastUsed > horizon) continue;
      this.#followers.delete(follower.performanceId);
      void this.stop(follower);
    }
  }

  private async stop(follower: Follower): Promise<void> {
    follower.stopped = true;
    for (const check of [...follower.seenWaiters]) check();
    clearTimeout(follower.flushTimer);
    await follower.reader.close();
  }
}

/** Waits for `promise` at most `ms`; never rejects. */
async function within(promise: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([promise, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}

/** The seat's status with the changes read but not yet flushed applied (the newest wins). */
function latestStatus(follower: Follower, seatId: string): SeatStatus {
  for (let index = follower.pending.length - 1; index >= 0; index--) {
    for (const seat of follower.pending[index]!.seats) if (seat.id === seatId) return seat.status;
  }
  return follower.current?.taken.get(seatId) ?? 'AVAILABLE';
}
