import { randomInt } from 'node:crypto';
import type { JoinedView, QueueView, WaitingRoomStore } from '../../application/admission/ports/waiting-room-store';
import {
  orderKey,
  PRE_QUEUE_SPAN,
  refill,
  type QueueSchedule,
  type TokenBucket,
} from '../../domain/admission/waiting-room';

interface Room {
  /** Waiting members by order key, ascending; ties (two equal random keys) broken by member id. */
  readonly queue: { key: number; memberId: string }[];
  readonly waiting: Map<string, { key: number; seenAtMs: number }>;
  readonly admitted: Map<string, number>;
  bucket: TokenBucket | null;
  sequence: number;
}

/**
 * Waiting rooms in process, for the embedded default and tests: the same rules as the Redis
 * store (the domain's order keys and token bucket), one instance only. Inserting into the
 * ordered array is linear, which is fine for the embedded scale.
 */
export class InMemoryWaitingRoomStore implements WaitingRoomStore {
  readonly #rooms = new Map<string, Room>();

  constructor(private readonly randomKey: () => number = () => randomInt(0, PRE_QUEUE_SPAN)) {}

  async join(
    schedule: QueueSchedule,
    memberId: string,
    nowMs: number,
  ): Promise<{ created: boolean; view: JoinedView }> {
    const room = this.#room(schedule.performanceId);
    this.#advance(room, schedule, nowMs);
    const existing = this.#view(room, schedule, memberId, nowMs);
    if (existing && existing.state !== 'EXPIRED') return { created: false, view: existing };
    room.admitted.delete(memberId);
    room.sequence += 1;
    const key = orderKey(nowMs, schedule.opensAtMs, this.randomKey(), room.sequence);
    room.waiting.set(memberId, { key, seenAtMs: nowMs });
    const at = sortedIndex(room.queue, key, memberId);
    room.queue.splice(at, 0, { key, memberId });
    return { created: true, view: this.#view(room, schedule, memberId, nowMs)! };
  }

  async poll(schedule: QueueSchedule, memberId: string, nowMs: number): Promise<QueueView> {
    const room = this.#rooms.get(schedule.performanceId);
    if (!room) return { state: 'GONE', queueReset: false };
    this.#advance(room, schedule, nowMs);
    return this.#view(room, schedule, memberId, nowMs) ?? { state: 'GONE', queueReset: false };
  }

  async advance(schedule: QueueSchedule, nowMs: number): Promise<number> {
    const room = this.#rooms.get(schedule.performanceId);
    return room ? this.#advance(room, schedule, nowMs) : 0;
  }

  #room(performanceId: string): Room {
    let room = this.#rooms.get(performanceId);
    if (!room) {
      room = { queue: [], waiting: new Map(), admitted: new Map(), bucket: null, sequence: 0 };
      this.#rooms.set(performanceId, room);
    }
    return room;
  }

  #view(room: Room, schedule: QueueSchedule, memberId: string, nowMs: number): JoinedView | null {
    const admittedAtMs = room.admitted.get(memberId);
    if (admittedAtMs !== undefined) {
      return { state: nowMs >= admittedAtMs + schedule.admissionMs ? 'EXPIRED' : 'ADMITTED', admittedAtMs };
    }
    const entry = room.waiting.get(memberId);
    if (!entry) return null;
    entry.seenAtMs = nowMs;
    if (nowMs < schedule.opensAtMs) return { state: 'WAITING', position: room.queue.length };
    return { state: 'WAITING', position: sortedIndex(room.queue, entry.key, memberId) + 1 };
  }

  #advance(room: Room, schedule: QueueSchedule, nowMs: number): number {
    const cutoff = nowMs - schedule.abandonMs;
    let dropped = false;
    for (const [memberId, entry] of room.waiting) {
      if (entry.seenAtMs <= cutoff) {
        room.waiting.delete(memberId);
        dropped = true;
      }
    }
    if (dropped) {
      const kept = room.queue.filter((item) => room.waiting.has(item.memberId));
      room.queue.splice(0, room.queue.length, ...kept);
    }
    if (nowMs < schedule.opensAtMs) return 0;
    const bucket = refill(room.bucket, schedule, nowMs);
    const heads = room.queue.splice(0, Math.floor(bucket.tokens));
    for (const { memberId } of heads) {
      room.waiting.delete(memberId);
      room.admitted.set(memberId, nowMs);
    }
    room.bucket = { tokens: bucket.tokens - heads.length, atMs: bucket.atMs };
    return heads.length;
  }
}

/** Where (key, memberId) sits in the ascending queue: its index if present, else where it would go. */
function sortedIndex(queue: readonly { key: number; memberId: string }[], key: number, memberId: string): number {
  let low = 0;
  let high = queue.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    const item = queue[middle]!;
    if (item.key < key || (item.key === key && item.memberId < memberId)) low = middle + 1;
    else high = middle;
  }
  return low;
}
