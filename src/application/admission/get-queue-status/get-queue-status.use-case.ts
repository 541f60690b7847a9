import type { PerformanceRepository } from '../../../domain/catalog/performance.repository';
import type { Actor } from '../../shared/actor';
import type { Clock } from '../../shared/ports/clock';
import type { AdmissionTokens } from '../ports/admission-tokens';
import type { WaitingRoomStore } from '../ports/waiting-room-store';
import {
  type ActiveWaitingRooms,
  describe,
  loadSchedule,
  type QueueStatus,
  type WaitingRoomPolicy,
} from '../waiting-rooms';

/**
 * A member's poll: where it stands, or its admission. Polling is what keeps a WAITING
 * member in the queue (QUEUE_ABANDON_SECONDS); an entry that is gone is 404.
 */
export class GetQueueStatus {
  constructor(
    private readonly performances: PerformanceRepository,
    private readonly store: WaitingRoomStore,
    private readonly tokens: AdmissionTokens,
    private readonly clock: Clock,
    private readonly policy: WaitingRoomPolicy,
    private readonly active: ActiveWaitingRooms,
  ) {}

  async execute(actor: Actor, performanceId: string): Promise<QueueStatus> {
    const schedule = await loadSchedule(this.performances, performanceId, this.policy);
    const nowMs = this.clock.now().getTime();
    this.active.touch(schedule);
    const view = await this.store.poll(schedule, actor.memberId, nowMs);
    return describe(view, schedule, actor.memberId, nowMs, this.tokens);
  }
}
