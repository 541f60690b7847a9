import type { SeatClaimSource } from './ports/seat-claims';
import type { SeatStateLog } from './ports/seat-state-log';
import { firstVersionOf } from './seat-state-versions';

/** How long a rebuild fences the writers of one performance at most (a MySQL read of its claims). */
const REBUILD_LEASE_MS = 5_000;
/** While another instance rebuilds, poll this often. */
const WAIT_STEP_MS = 20;

/**
 * Rebuilds a performance's seat state from MySQL, the truth: when the shared log lost it
 * (Redis flushed or restarted empty), when it was never built, or when a change could not be
 * recorded (forced). The log fences writers first, so the claims read afterwards include every
 * change that was committed before, and every change committed later is applied on top.
 */
export class SeatStateRebuilder {
  readonly #running = new Map<string, Promise<void>>();

  constructor(
    private readonly log: SeatStateLog,
    private readonly claims: SeatClaimSource,
  ) {}

  /**
   * Makes sure the state exists: rebuilds it if it is missing, or waits a moment while another
   * instance does. Callers retry what they were doing afterwards.
   */
  ensure(performanceId: string): Promise<void> {
    return this.once(performanceId, false);
  }

  /** Replaces the state with MySQL's, under a new epoch: every follower gets a fresh snapshot. */
  force(performanceId: string): Promise<void> {
    return this.once(performanceId, true);
  }

  /** One rebuild per performance at a time in this process; concurrent callers share it. */
  private once(performanceId: string, force: boolean): Promise<void> {
    let running = this.#running.get(performanceId);
    if (!running) {
      running = this.rebuild(performanceId, force).finally(() => this.#running.delete(performanceId));
      this.#running.set(performanceId, running);
    }
    return running;
  }

  private async rebuild(performanceId: string, force: boolean): Promise<void> {
    const token = await this.log.beginRebuild(performanceId, REBUILD_LEASE_MS, force);
    if (token === null) {
      // Present already, or another instance is rebuilding it: give that a moment.
      await new Promise((resolve) => setTimeout(resolve, WAIT_STEP_MS));
      return;
    }
    const epoch = await this.claims.nextEpoch(performanceId);
    const claims = await this.claims.activeClaims(performanceId);
    await this.log.install(performanceId, token, firstVersionOf(epoch), claims);
  }
}
