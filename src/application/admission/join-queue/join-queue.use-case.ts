import { SalesClosedError } from '../../../domain/catalog/performance.errors';
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

export interface JoinedQueue {
  readonly created: boolean;
  readonly status: QueueStatus;
}

/** A member joins a performance's waiting room, before the opening or during sales. */
export class JoinQueue {
  constructor(
    private readonly performances: PerformanceRepository,
    private readonly store: WaitingRoomStore,
    private readonly tokens: AdmissionTokens,
    private readonly clock: Clock,
    private readonly policy: WaitingRoomPolicy,
    private readonly active: ActiveWaitingRooms,
  ) {}

  async execute(actor: Actor, performanceId: string): Promise<JoinedQueue> {
    const schedule = await loadSchedule(this.performances, performanceId, this.policy);
    const nowMs = this.clock.now().getTime();
    if (nowMs >= schedule.closesAtMs) {
      throw new SalesClosedError(performanceId, new Date(schedule.opensAtMs), new Date(schedule.closesAtMs));
    }
    this.active.touch(schedule);
    const { created, view } = await this.store.join(schedule, actor.memberId, nowMs);
    return { created, status: await describe(view, schedule, actor.memberId, nowMs, this.tokens) };
  }
}
