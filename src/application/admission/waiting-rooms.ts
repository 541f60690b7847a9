import { QueueEntryNotFoundError, NoWaitingRoomError } from '../../domain/admission/admission.errors';
import { estimate, type QueueSchedule } from '../../domain/admission/waiting-room';
import { PerformanceNotFoundError } from '../../domain/catalog/performance.errors';
import type { Performance } from '../../domain/catalog/performance';
import type { PerformanceRepository } from '../../domain/catalog/performance.repository';
import type { AdmissionTokens } from './ports/admission-tokens';
import type { QueueView } from './ports/waiting-room-store';

/** QUEUE_ABANDON_SECONDS, as the use cases need it. */
export interface WaitingRoomPolicy {
  readonly abandonSeconds: number;
}

export function scheduleOf(performance: Performance, policy: WaitingRoomPolicy): QueueSchedule | null {
  const room = performance.waitingRoom;
  if (!room) return null;
  return {
    performanceId: performance.id,
    opensAtMs: performance.salesOpenAt.getTime(),
    closesAtMs: performance.salesCloseAt.getTime(),
    admitPerMinute: room.admitPerMinute,
    admissionMs: room.admissionSeconds * 1000,
    abandonMs: policy.abandonSeconds * 1000,
  };
}

/** The waiting room of a performance: 404 PERFORMANCE_NOT_FOUND, 409 NO_WAITING_ROOM. */
export async function loadSchedule(
  performances: PerformanceRepository,
  performanceId: string,
  policy: WaitingRoomPolicy,
): Promise<QueueSchedule> {
  const performance = await performances.findById(performanceId);
  if (!performance) throw new PerformanceNotFoundError(performanceId);
  const schedule = scheduleOf(performance, policy);
  if (!schedule) throw new NoWaitingRoomError(performanceId);
  return schedule;
}

export type QueueStatus =
  | { readonly state: 'WAITING'; readonly position: number; readonly etaSeconds: number; readonly pollAfterMs: number }
  | { readonly state: 'ADMITTED'; readonly admissionToken: string; readonly admissionExpiresAt: Date }
  | { readonly state: 'EXPIRED'; readonly admittedAt: Date; readonly admissionExpiredAt: Date };

/** What the member is told about its entry; an ADMITTED member gets its (signed) token. */
export async function describe(
  view: QueueView,
  schedule: QueueSchedule,
  memberId: string,
  nowMs: number,
  tokens: AdmissionTokens,
): Promise<QueueStatus> {
  switch (view.state) {
    case 'WAITING':
      return { state: 'WAITING', position: view.position, ...estimate(view.position, schedule, nowMs) };
    case 'ADMITTED': {
      const admittedAt = new Date(view.admittedAtMs);
      // A token's exp counts whole seconds: the answer states the instant the token stops working.
      const expiresAt = new Date(Math.floor((view.admittedAtMs + schedule.admissionMs) / 1000) * 1000);
      const admissionToken = await tokens.issue({
        memberId,
        performanceId: schedule.performanceId,
        admittedAt,
        expiresAt,
      });
      return { state: 'ADMITTED', admissionToken, admissionExpiresAt: expiresAt };
    }
    case 'EXPIRED':
      return {
        state: 'EXPIRED',
        admittedAt: new Date(view.admittedAtMs),
        admissionExpiredAt: new Date(view.admittedAtMs + schedule.admissionMs),
      };
    case 'GONE':
      throw new QueueEntryNotFoundError(
        schedule.performanceId,
        view.queueReset ? 'queue-reset' : 'never-joined-or-dropped',
      );
  }
}

/**
 * The waiting rooms this instance has seen members in: it advances them on a timer, so
 * admissions go on at the configured rate even between polls. Forgotten once sales close.
 */
export class ActiveWaitingRooms {
  readonly #rooms = new Map<string, QueueSchedule>();

  touch(schedule: QueueSchedule): void {
    this.#rooms.set(schedule.performanceId, schedule);
  }

  current(nowMs: number): QueueSchedule[] {
    for (const [id, schedule] of this.#rooms) if (nowMs >= schedule.closesAtMs) this.#rooms.delete(id);
    return [...this.#rooms.values()];
  }
}
