import type { Clock } from '../../shared/ports/clock';
import type { WaitingRoomStore } from '../ports/waiting-room-store';
import type { ActiveWaitingRooms } from '../waiting-rooms';

/**
 * Every instance advances the waiting rooms it has seen, a few times a second: admissions
 * go on at the configured rate between polls, and with several instances whichever comes
 * first admits (the bucket is shared, so the rate is the room's, not the instance's).
 */
export class AdvanceWaitingRooms {
  constructor(
    private readonly store: WaitingRoomStore,
    private readonly active: ActiveWaitingRooms,
    private readonly clock: Clock,
  ) {}

  async execute(): Promise<number> {
    const nowMs = this.clock.now().getTime();
    let admitted = 0;
    for (const schedule of this.active.current(nowMs)) {
      if (nowMs >= schedule.opensAtMs) admitted += await this.store.advance(schedule, nowMs);
    }
    return admitted;
  }
}
