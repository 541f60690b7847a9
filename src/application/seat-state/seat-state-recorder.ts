import type { DomainEvent } from '../../domain/shared/aggregate-root';
import type { ReservationEvent } from '../../domain/sales/reservation';

interface PerformanceCreated {
  readonly performanceId: string;
}
import type { SeatChange, SeatStateLog } from './ports/seat-state-log';
import type { SeatStateRebuilder } from './seat-state-rebuilder';

/** How long one change may wait for a missing state to be rebuilt before it is left to repair. */
const RECORD_DEADLINE_MS = 2_000;

const CHANGE_OF: Readonly<Record<ReservationEvent['type'], SeatChange['kind']>> = {
  ReservationHeld: 'hold',
  ReservationConfirmed: 'confirm',
  ReservationCancelled: 'release',
  ReservationExpired: 'release',
};

/**
 * Writes every committed seat change into the shared seat-state log. It listens to the
 * reservation events, which use cases publish only after MySQL committed, and the use cases
 * await it before they answer: a client that got its 201 can rely on every follower hearing
 * of the hold, and on a later cancel being ordered after it.
 *
 * It never fails the caller: when the log is unreachable the performance is marked dirty and
 * `repair()` (run periodically) rebuilds its state from MySQL once the log answers again.
 */
export class SeatStateRecorder {
  readonly #dirty = new Set<string>();

  constructor(
    private readonly log: SeatStateLog,
    private readonly rebuilder: SeatStateRebuilder,
    private readonly onFailure: (error: unknown) => void = () => {},
    /** Told of every version written, so this instance's readers can wait for their own writes. */
    private readonly onRecorded: (performanceId: string, version: number) => void = () => {},
    private readonly nowMs: () => number = Date.now,
  ) {}

  /** An EventPublisher listener. */
  readonly listener = (event: DomainEvent): Promise<void> | void => {
    // A new performance gets its state (empty, version 1) at once, so its first hold does not pay for it.
    if (event.type === 'PerformanceCreated')
      return this.prepare((event as DomainEvent & PerformanceCreated).performanceId);
    const kind = CHANGE_OF[event.type as ReservationEvent['type']];
    if (!kind) return;
    const { performanceId, reservationId, seatIds, reclaimed } = event as ReservationEvent;
    const recorded = this.record(performanceId, { kind, reservationId, seatIds });
    // A reservation claiming its seats again (paid late) races the release of its own expiry,
    // which applies by holder and would free them if it landed last: the periodic repair
    // rebuilds the performance from MySQL, whatever order the two writes reached the log in.
    if (reclaimed) return recorded.then(() => this.markDirty(performanceId));
    return recorded;
  };

  private async prepare(performanceId: string): Promise<void> {
    try {
      await this.rebuilder.ensure(performanceId);
    } catch (error) {
      // The first change builds it then.
      this.onFailure(error);
    }
  }

  async record(performanceId: string, change: SeatChange): Promise<void> {
    const deadline = this.nowMs() + RECORD_DEADLINE_MS;
    try {
      for (;;) {
        const outcome = await this.log.apply(performanceId, change);
        if (outcome !== 'missing') {
          this.onRecorded(performanceId, outcome);
          return;
        }
        if (this.nowMs() > deadline) throw new Error(`Seat state of ${performanceId} stayed missing`);
        await this.rebuilder.ensure(performanceId);
      }
    } catch (error) {
      this.#dirty.add(performanceId);
      this.onFailure(error);
    }
  }

  /** Performances with a change the log may lack. */
  get dirty(): ReadonlySet<string> {
    return this.#dirty;
  }

  /** Marks a performance for a rebuild (a follower found the view and MySQL apart). */
  markDirty(performanceId: string): void {
    this.#dirty.add(performanceId);
  }

  /** Rebuilds the dirty performances from MySQL; answers how many it repaired. */
  async repair(): Promise<number> {
    let repaired = 0;
    for (const performanceId of [...this.#dirty]) {
      // Cleared first: a change failing during the rebuild marks it again.
      this.#dirty.delete(performanceId);
      try {
        await this.rebuilder.force(performanceId);
        repaired++;
      } catch (error) {
        this.#dirty.add(performanceId);
        throw error;
      }
    }
    return repaired;
  }
}
