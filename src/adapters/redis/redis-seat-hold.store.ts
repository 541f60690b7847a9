import { ReplyError } from 'ioredis';
import { StoreUnavailableError } from '../../application/shared/errors';
import { HoldAttempt, SeatHoldStore } from '../../application/sales/ports/seat-hold-store';
import { bestAvailableKeys, MARK_SEATS_LUA } from './best-available-keys';
import type { RedisClient } from './redis-client';
import { defineRedisScript } from './redis-scripts';

// Every script gets its seat keys as KEYS, then the three best-available bookkeeping keys
// (best-available-keys.ts), and the reservation id as ARGV[1]. A seat key's value is the
// reservation holding the seat; its TTL is the hold's end, and no TTL means sold.

/** ARGV[2]: hold time in ms. Returns the 1-based positions of seats held by someone else. */
const HOLD_SCRIPT = `${MARK_SEATS_LUA}
local seats = #KEYS - 3
local conflicts = {}
for i = 1, seats do
  local holder = redis.call('GET', KEYS[i])
  if holder and holder ~= ARGV[1] then conflicts[#conflicts + 1] = i end
end
if #conflicts == 0 then
  for i = 1, seats do redis.call('SET', KEYS[i], ARGV[1], 'PX', ARGV[2]) end
  markSeats(1, seats, 1, ARGV[2])
end
return conflicts`;

const MARK_SOLD_SCRIPT = `${MARK_SEATS_LUA}
local seats = #KEYS - 3
for i = 1, seats do
  local holder = redis.call('GET', KEYS[i])
  if not holder then
    redis.call('SET', KEYS[i], ARGV[1])
    markSeats(i, i, 1, nil)
  elseif holder == ARGV[1] then
    redis.call('PERSIST', KEYS[i])
    markSeats(i, i, 1, nil)
  end
end
return 0`;

const RELEASE_SCRIPT = `${MARK_SEATS_LUA}
local freed = 0
for i = 1, #KEYS - 3 do
  if redis.call('GET', KEYS[i]) == ARGV[1] then
    freed = freed + redis.call('DEL', KEYS[i])
    markSeats(i, i, 0, nil)
  end
end
return freed`;

/** ARGV[1]: time to live in ms, or '' for none. ARGV[i + 1]: the holder of KEYS[i]. */
const REMEMBER_SCRIPT = `${MARK_SEATS_LUA}
local seats = #KEYS - 3
for i = 1, seats do
  if ARGV[1] == '' then
    redis.call('SET', KEYS[i], ARGV[i + 1])
  else
    redis.call('SET', KEYS[i], ARGV[i + 1], 'PX', ARGV[1])
  end
end
if ARGV[1] == '' then markSeats(1, seats, 1, nil) else markSeats(1, seats, 1, ARGV[1]) end
return 0`;

/**
 * The key of each seat, then the three best-available bookkeeping keys of the performance
 * (best-available-keys.ts) that every seat script keeps in step. The braces are a Redis
 * Cluster hash tag: every key of one performance maps to the same slot, so a script touching
 * several of them stays legal on a cluster.
 */
export function seatHoldKeys(prefix: string, performanceId: string, seatIds: readonly string[]): string[] {
  const shared = bestAvailableKeys(prefix, performanceId);
  return [
    ...seatIds.map((seatId) => `${prefix}hold:{${performanceId}}:${seatId}`),
    shared.positions,
    shared.taken,
    shared.expiries,
  ];
}

type SeatKeysSubject = readonly [prefix: string, performanceId: string, seatIds: readonly string[]];
const SEAT_KEY_EXAMPLES: readonly SeatKeysSubject[] = [
  ['ticketing:', '0193a5c2-7d1e-7b3a-9f00-000000000001', ['a', 'b', 'c', 'd']],
  ['', 'p', ['0193a5c2-7d1e-7b3a-9f00-000000000002', '0193a5c2-7d1e-7b3a-9f00-000000000003']],
];
const seatScript = (name: string, lua: string) =>
  defineRedisScript<SeatKeysSubject>({ name, lua, keys: seatHoldKeys, examples: SEAT_KEY_EXAMPLES });

const HOLD = seatScript('ticketingHoldSeats', HOLD_SCRIPT);
const MARK_SOLD = seatScript('ticketingMarkSeatsSold', MARK_SOLD_SCRIPT);
const RELEASE = seatScript('ticketingReleaseSeats', RELEASE_SCRIPT);
const REMEMBER = seatScript('ticketingRememberSeats', REMEMBER_SCRIPT);

/**
 * Redis server replies that mean "not now" rather than "wrong": the server is loading its
 * dataset, busy running a script, out of memory, or a replica after a failover.
 */
const TRANSIENT_REPLY = /^(LOADING|BUSY|OOM|READONLY|MASTERDOWN|CLUSTERDOWN|TRYAGAIN|NOREPLICAS)\b/;

/**
 * Seat holds in Redis (one server or a cluster): one key per seat, each operation one Lua
 * script, so one round trip that no other client can interleave with. ioredis sends a script
 * by EVALSHA once the connection has seen it (by EVAL the first time, which saves a NOSCRIPT
 * round trip).
 */
export class RedisSeatHoldStore implements SeatHoldStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly keyPrefix = 'ticketing:',
  ) {}

  async tryHold(
    performanceId: string,
    seatIds: readonly string[],
    reservationId: string,
    expiresAt: Date,
  ): Promise<HoldAttempt> {
    if (seatIds.length === 0) return { granted: true };
    const conflicts = await this.run(() =>
      HOLD.run<number[]>(
        this.redis,
        [this.keyPrefix, performanceId, seatIds],
        [reservationId, millisecondsUntil(expiresAt)],
      ),
    );
    if (conflicts.length === 0) return { granted: true };
    return { granted: false, conflicts: conflicts.map((position) => seatIds[position - 1]!) };
  }

  async markSold(performanceId: string, seatIds: readonly string[], reservationId: string): Promise<void> {
    if (seatIds.length === 0) return;
    await this.run(() => MARK_SOLD.run(this.redis, [this.keyPrefix, performanceId, seatIds], [reservationId]));
  }

  async release(performanceId: string, seatIds: readonly string[], reservationId: string): Promise<void> {
    if (seatIds.length === 0) return;
    await this.run(() => RELEASE.run(this.redis, [this.keyPrefix, performanceId, seatIds], [reservationId]));
  }

  async remember(performanceId: string, holders: ReadonlyMap<string, string>, expiresAt: Date | null): Promise<void> {
    if (holders.size === 0) return;
    const ttl = expiresAt === null ? '' : millisecondsUntil(expiresAt);
    await this.run(() =>
      REMEMBER.run(this.redis, [this.keyPrefix, performanceId, [...holders.keys()]], [ttl, ...holders.values()]),
    );
  }

  private async run<T>(command: () => Promise<T>): Promise<T> {
    try {
      return await command();
    } catch (error) {
      throw unavailableUnlessBug(error);
    }
  }
}

/** PX must be a positive integer; a hold already over still lasts 1 ms, as good as gone. */
export function millisecondsUntil(expiresAt: Date): number {
  return Math.max(1, expiresAt.getTime() - Date.now());
}

/**
 * Connection closed, command timed out, offline ("Stream isn't writeable..."), or a server
 * that cannot serve right now: callers go on without the store. Any other server reply (a
 * script error, a wrong key type) is a bug and stays visible as itself.
 */
export function unavailableUnlessBug(error: unknown): unknown {
  if (error instanceof ReplyError && !TRANSIENT_REPLY.test((error as Error).message)) return error;
  return new StoreUnavailableError('Redis', error);
}
