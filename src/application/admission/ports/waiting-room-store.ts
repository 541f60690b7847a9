import type { QueueSchedule } from '../../../domain/admission/waiting-room';

/**
 * A member's place in a waiting room. WAITING before the opening: `position` is the size of
 * the pre-queue, whose order is drawn only at salesOpenAt (nobody learns a place they could
 * re-roll by leaving and joining again). GONE: never joined, or dropped; `queueReset` when
 * the store lost the whole room (Redis flushed or restarted empty).
 */
export type QueueView =
  | { readonly state: 'WAITING'; readonly position: number }
  | { readonly state: 'ADMITTED' | 'EXPIRED'; readonly admittedAtMs: number }
  | { readonly state: 'GONE'; readonly queueReset: boolean };

export type JoinedView = Exclude<QueueView, { state: 'GONE' }>;

/**
 * Where waiting rooms live: shared by every instance (Redis) or in process (embedded). Every
 * operation first advances the room (drops members who stopped polling, refills the token
 * bucket, admits from the head), atomically, so any instance may advance it.
 */
export interface WaitingRoomStore {
  /** Joins, or finds the member's entry (`created: false`). An EXPIRED member joins again at the back. */
  join(schedule: QueueSchedule, memberId: string, nowMs: number): Promise<{ created: boolean; view: JoinedView }>;
  /** The member's entry; a WAITING member counts as seen now. */
  poll(schedule: QueueSchedule, memberId: string, nowMs: number): Promise<QueueView>;
  /** Admits whom the bucket allows; returns how many. */
  advance(schedule: QueueSchedule, nowMs: number): Promise<number>;
}
