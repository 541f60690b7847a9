import { randomInt } from 'node:crypto';
import { ReplyError } from 'ioredis';
import type { JoinedView, QueueView, WaitingRoomStore } from '../../application/admission/ports/waiting-room-store';
import { StoreUnavailableError } from '../../application/shared/errors';
import { PRE_QUEUE_SPAN, type QueueSchedule } from '../../domain/admission/waiting-room';
import type { RedisClient } from './redis-client';
import { defineRedisScript } from './redis-scripts';

/*
 * One waiting room is six keys, all hash-tagged by performance ({performanceId}), so every
 * script touches one cluster slot:
 *   KEYS[1] queue   sorted set: waiting member -> order key (the domain's orderKey)
 *   KEYS[2] seen    sorted set: waiting member -> last join or poll (ms), for abandonment
 *   KEYS[3] admitted hash: member -> admission time (ms)
 *   KEYS[4] bucket  hash: tokens, at (ms): the shared token bucket
 *   KEYS[5] seq     join sequence, the order of those who join after the opening
 *   KEYS[6] room    exists while the room does: a member missing from a room that is gone
 *                   was lost with it (Redis flushed), not dropped
 * ARGV[1..5]: now, opensAt, admitPerMinute, admissionMs, abandonMs (ms and counts).
 * The arithmetic is the domain's (waiting-room.ts): bucket empty at the opening (or when first
 * seen after it), at most max(1, rate/60) tokens, refilled at rate/60000 per ms.
 */
const COMMON = `
local now = tonumber(ARGV[1])
local opens = tonumber(ARGV[2])
local rate = tonumber(ARGV[3])
local admissionMs = tonumber(ARGV[4])
local abandonMs = tonumber(ARGV[5])

local function advance()
  local stale = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now - abandonMs, 'LIMIT', 0, 1000)
  if #stale > 0 then
    redis.call('ZREM', KEYS[1], unpack(stale))
    redis.call('ZREM', KEYS[2], unpack(stale))
  end
  if now < opens then return 0 end
  local stored = redis.call('HMGET', KEYS[4], 'tokens', 'at')
  local tokens = 0
  local at = math.max(opens, now)
  if stored[1] then
    tokens = tonumber(stored[1])
    at = tonumber(stored[2])
  end
  if now > at then
    tokens = math.min(math.max(1, rate / 60), tokens + (now - at) * rate / 60000)
    at = now
  end
  local admitted = 0
  local whole = math.floor(tokens)
  if whole > 0 then
    local heads = redis.call('ZPOPMIN', KEYS[1], whole)
    for i = 1, #heads, 2 do
      redis.call('HSET', KEYS[3], heads[i], now)
      redis.call('ZREM', KEYS[2], heads[i])
      admitted = admitted + 1
    end
    tokens = tokens - admitted
  end
  redis.call('HSET', KEYS[4], 'tokens', tokens, 'at', at)
  return admitted
end

local function view(member)
  local admittedAt = redis.call('HGET', KEYS[3], member)
  if admittedAt then
    if now >= tonumber(admittedAt) + admissionMs then return {'EXPIRED', admittedAt} end
    return {'ADMITTED', admittedAt}
  end
  local rank = redis.call('ZRANK', KEYS[1], member)
  if not rank then return nil end
  redis.call('ZADD', KEYS[2], now, member)
  if now < opens then return {'WAITING', redis.call('ZCARD', KEYS[1])} end
  return {'WAITING', rank + 1}
end
`;

/** ARGV[6] member, ARGV[7] its random pre-queue key, ARGV[8] how long the room's keys live (ms). */
const JOIN_SCRIPT = `${COMMON}
advance()
local member = ARGV[6]
local found = view(member)
if found and found[1] ~= 'EXPIRED' then return {0, found[1], found[2]} end
redis.call('HDEL', KEYS[3], member)
local seq = redis.call('INCR', KEYS[5])
local key = ${PRE_QUEUE_SPAN} + seq
if now < opens then key = tonumber(ARGV[7]) end
redis.call('ZADD', KEYS[1], key, member)
redis.call('ZADD', KEYS[2], now, member)
redis.call('SET', KEYS[6], 1)
for i = 1, 6 do redis.call('PEXPIRE', KEYS[i], ARGV[8]) end
found = view(member)
return {1, found[1], found[2]}`;

/** ARGV[6] member. */
const POLL_SCRIPT = `${COMMON}
advance()
local found = view(ARGV[6])
if found then return found end
return {'GONE', 1 - redis.call('EXISTS', KEYS[6])}`;

const ADVANCE_SCRIPT = `${COMMON}
return advance()`;

type Room = readonly [performanceId: string, keyPrefix: string];
const ROOM_EXAMPLES: readonly Room[] = [
  ['0193a5c2-7d1e-7b3a-9f00-000000000001', 'ticketing:'],
  ['p', ''],
];
const roomScript = (name: string, lua: string) =>
  defineRedisScript<Room>({
    name,
    lua,
    keys: (performanceId, keyPrefix) => waitingRoomKeys(performanceId, keyPrefix),
    examples: ROOM_EXAMPLES,
  });
const JOIN = roomScript('ticketingQueueJoin', JOIN_SCRIPT);
const POLL = roomScript('ticketingQueuePoll', POLL_SCRIPT);
const ADVANCE = roomScript('ticketingQueueAdvance', ADVANCE_SCRIPT);

/** A room's keys outlive its sales by this much, so EXPIRED stays visible for a while. */
const KEEP_AFTER_CLOSE_MS = 3_600_000;

const TRANSIENT_REPLY = /^(LOADING|BUSY|OOM|READONLY|MASTERDOWN|CLUSTERDOWN|TRYAGAIN|NOREPLICAS)\b/;

/**
 * Waiting rooms in Redis, shared by every instance: each operation is one Lua script that
 * first advances the room (so any instance may advance it) and then answers for the member.
 * A waiting member costs one entry in each of two sorted sets.
 */
export class RedisWaitingRoomStore implements WaitingRoomStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly keyPrefix = 'ticketing:',
  ) {}

  async join(
    schedule: QueueSchedule,
    memberId: string,
    nowMs: number,
  ): Promise<{ created: boolean; view: JoinedView }> {
    const keepMs = Math.max(
      KEEP_AFTER_CLOSE_MS,
      schedule.closesAtMs + schedule.admissionMs + KEEP_AFTER_CLOSE_MS - nowMs,
    );
    const [created, state, value] = await this.#run(() =>
      JOIN.run<[number, string, string]>(
        this.redis,
        [schedule.performanceId, this.keyPrefix],
        [...scheduleArgs(schedule, nowMs), memberId, randomInt(0, PRE_QUEUE_SPAN), Math.round(keepMs)],
      ),
    );
    return { created: created === 1, view: toView(state, value) as JoinedView };
  }

  async poll(schedule: QueueSchedule, memberId: string, nowMs: number): Promise<QueueView> {
    const [state, value] = await this.#run(() =>
      POLL.run<[string, string | number]>(
        this.redis,
        [schedule.performanceId, this.keyPrefix],
        [...scheduleArgs(schedule, nowMs), memberId],
      ),
    );
    return toView(state, value);
  }

  advance(schedule: QueueSchedule, nowMs: number): Promise<number> {
    return this.#run(() =>
      ADVANCE.run<number>(this.redis, [schedule.performanceId, this.keyPrefix], scheduleArgs(schedule, nowMs)),
    );
  }

  keys(performanceId: string): string[] {
    return waitingRoomKeys(performanceId, this.keyPrefix);
  }

  async #run<T>(command: () => Promise<T>): Promise<T> {
    try {
      return await command();
    } catch (error) {
      if (error instanceof ReplyError && !TRANSIENT_REPLY.test((error as Error).message)) throw error;
      throw new StoreUnavailableError('Redis', error);
    }
  }
}

/** A room's six keys, in the scripts' order; the braces keep them in one cluster slot. */
export function waitingRoomKeys(performanceId: string, keyPrefix = 'ticketing:'): string[] {
  const base = `${keyPrefix}queue:{${performanceId}}:`;
  return ['waiting', 'seen', 'admitted', 'bucket', 'seq', 'room'].map((name) => base + name);
}

function scheduleArgs(schedule: QueueSchedule, nowMs: number): number[] {
  return [nowMs, schedule.opensAtMs, schedule.admitPerMinute, schedule.admissionMs, schedule.abandonMs];
}

function toView(state: string, value: string | number): QueueView {
  switch (state) {
    case 'WAITING':
      return { state, position: Number(value) };
    case 'ADMITTED':
    case 'EXPIRED':
      return { state, admittedAtMs: Number(value) };
    default:
      return { state: 'GONE', queueReset: Number(value) === 1 };
  }
}
