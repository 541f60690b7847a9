import type {
  BestAvailableAttempt,
  BestAvailableRequest,
  BestAvailableStore,
} from '../../application/sales/ports/best-available-store';
import { bestAvailableKeys } from './best-available-keys';
import type { RedisClient } from './redis-client';
import { defineRedisScript } from './redis-scripts';
import { millisecondsUntil, unavailableUnlessBug } from './redis-seat-hold.store';

/*
 * Per performance, beside the seat hold keys (hold:{performanceId}:seatId, shared with
 * RedisSeatHoldStore, and the truth in Redis) and the bookkeeping of best-available-keys.ts:
 *   best:{performanceId}:seats  hash position → seat id (the layout, installed on first use)
 * The search scans the bitmap, which every script that writes hold keys keeps in step; the
 * hold keys of the block it picks are still checked before it is taken, as a safety net.
 */

/**
 * KEYS: seats, positions, taken, expiries, the reservation's block. ARGV: reservation id, hold ms, quantity, hold key
 * prefix, seat count of the hall, n, n positions to treat as taken this once, then per row
 * of the area (in the rule's order): first position, length, row number, section order.
 * Returns {1, seatId…} (held), {0, largestBlock} (no block), {-1} (layout missing) or
 * {-2} (contended: call again). The search restates chooseBestBlock (seating-plan.ts).
 */
const HOLD_BEST_BLOCK_SCRIPT = `
local reservation, holdMs, q, prefix = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4]
if redis.call('HLEN', KEYS[1]) ~= tonumber(ARGV[5]) then return {-1} end
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)

local due = redis.call('ZRANGEBYSCORE', KEYS[4], '-inf', now)
for _, pos in ipairs(due) do
  local seat = redis.call('HGET', KEYS[1], pos)
  local ttl = -2
  if seat then ttl = redis.call('PTTL', prefix .. seat) end
  if ttl == -2 then
    redis.call('SETBIT', KEYS[3], pos, 0)
    redis.call('ZREM', KEYS[4], pos)
  elseif ttl == -1 then
    redis.call('ZREM', KEYS[4], pos)
  else
    redis.call('ZADD', KEYS[4], now + ttl, pos)
  end
end

local extra = {}
local excluded = tonumber(ARGV[6])
for i = 7, 6 + excluded do extra[tonumber(ARGV[i])] = true end
local rows = {}
for i = 7 + excluded, #ARGV, 4 do
  rows[#rows + 1] = {tonumber(ARGV[i]), tonumber(ARGV[i + 1]), tonumber(ARGV[i + 2]), tonumber(ARGV[i + 3])}
end
local bits = redis.call('GET', KEYS[3]) or ''
local function taken(pos)
  if extra[pos] then return true end
  local byte = string.byte(bits, math.floor(pos / 8) + 1)
  if not byte then return false end
  return bit.band(byte, bit.rshift(128, pos % 8)) ~= 0
end

local function search()
  -- Eight taken seats in one byte are skipped at once (full rows, late in a sale).
  local noExtra = next(extra) == nil
  local best = nil
  local largest = 0
  for _, r in ipairs(rows) do
    local first, len, rowNo, sec = r[1], r[2], r[3], r[4]
    if best and not best[1] and rowNo > best[2] then break end
    local s = 0
    while s < len do
      local pos = first + s
      if noExtra and pos % 8 == 0 and s + 8 <= len and string.byte(bits, pos / 8 + 1) == 255 then
        s = s + 8
      elseif taken(pos) then
        s = s + 1
      else
        local e = s
        while e + 1 < len and not taken(first + e + 1) do e = e + 1 end
        if e - s + 1 > largest then largest = e - s + 1 end
        for f = s, e - q + 1 do
          local l = f + q - 1
          local o = (f - s == 1) or (e - l == 1)
          local d = math.abs(f + l - (len - 1))
          local wins
          if not best then wins = true
          elseif o ~= best[1] then wins = not o
          elseif rowNo ~= best[2] then wins = rowNo < best[2]
          elseif d ~= best[3] then wins = d < best[3]
          elseif sec ~= best[4] then wins = sec < best[4]
          else wins = f < best[5] end
          if wins then best = {o, rowNo, d, sec, f, first + f} end
        end
        s = e + 1
      end
    end
  end
  return best, largest
end

for round = 1, 64 do
  local best, largest = search()
  if not best then return {0, largest} end
  local ids = {}
  local conflict = false
  for i = 0, q - 1 do
    local pos = best[6] + i
    local seat = redis.call('HGET', KEYS[1], pos)
    ids[i + 1] = seat
    local holder = redis.call('GET', prefix .. seat)
    if holder and holder ~= reservation then
      conflict = true
      extra[pos] = true
      redis.call('SETBIT', KEYS[3], pos, 1)
      local ttl = redis.call('PTTL', prefix .. seat)
      if ttl > 0 then redis.call('ZADD', KEYS[4], now + ttl, pos) end
    end
  end
  if not conflict then
    local reply = {1}
    for i = 0, q - 1 do
      local pos = best[6] + i
      redis.call('SET', prefix .. ids[i + 1], reservation, 'PX', holdMs)
      redis.call('SETBIT', KEYS[3], pos, 1)
      redis.call('ZADD', KEYS[4], now + holdMs, pos)
      reply[i + 2] = ids[i + 1]
    end
    redis.call('SET', KEYS[5], table.concat(ids, ','), 'PX', holdMs)
    return reply
  end
end
return {-2}`;

/**
 * KEYS: seats, positions, taken, expiries. ARGV: hold key prefix, then the seat ids by
 * position. Installs the layout and builds the bitmap from the hold keys there are, unless
 * another request installed it meanwhile (the first requests of a sale all find it missing).
 */
const INSTALL_LAYOUT_SCRIPT = `
if redis.call('HLEN', KEYS[1]) == #ARGV - 1 then return 0 end
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4])
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
for i = 2, #ARGV do
  local pos = i - 2
  local key = ARGV[1] .. ARGV[i]
  redis.call('HSET', KEYS[1], pos, ARGV[i])
  redis.call('HSET', KEYS[2], key, pos)
  local ttl = redis.call('PTTL', key)
  if ttl ~= -2 then redis.call('SETBIT', KEYS[3], pos, 1) end
  if ttl > 0 then redis.call('ZADD', KEYS[4], now + ttl, pos) end
end
return #ARGV - 1`;

/**
 * KEYS: positions, taken, expiries. ARGV: reservation id, hold key prefix, seat ids. Frees the
 * seats the reservation holds and clears the bit of every seat nobody holds any more.
 */
/**
 * `release(key)`: deletes the hold key if the reservation (ARGV[1]) holds it, then clears the
 * seat's bit if nobody holds it any more; answers 1 when it cleared one. KEYS[1..3]: positions,
 * taken, expiries.
 */
const RELEASE_SEAT_LUA = `
local function release(key)
  if redis.call('GET', key) == ARGV[1] then redis.call('DEL', key) end
  if redis.call('EXISTS', key) == 0 then
    local pos = redis.call('HGET', KEYS[1], key)
    if pos then
      redis.call('SETBIT', KEYS[2], pos, 0)
      redis.call('ZREM', KEYS[3], pos)
      return 1
    end
  end
  return 0
end`;

const RELEASE_SCRIPT = `${RELEASE_SEAT_LUA}
local freed = 0
for i = 3, #ARGV do freed = freed + release(ARGV[2] .. ARGV[i]) end
return freed`;

/**
 * KEYS: positions, taken, expiries, the reservation's block. ARGV: reservation id, hold key
 * prefix. Frees the block holdBestBlock recorded for the reservation, as RELEASE_SCRIPT does.
 */
const RELEASE_RESERVATION_SCRIPT = `${RELEASE_SEAT_LUA}
local block = redis.call('GET', KEYS[4])
if not block then return 0 end
redis.call('DEL', KEYS[4])
local freed = 0
for seat in string.gmatch(block, '[^,]+') do freed = freed + release(ARGV[2] .. seat) end
return freed`;

/** The block held for one reservation, kept as long as its hold, for releaseReservation. */
function blockKey(prefix: string, performanceId: string, reservationId: string): string {
  return `${prefix}best:{${performanceId}}:block:${reservationId}`;
}

type Performance = readonly [prefix: string, performanceId: string];
type PerformanceAndReservation = readonly [prefix: string, performanceId: string, reservationId: string];
const PERFORMANCE_EXAMPLES: readonly Performance[] = [
  ['ticketing:', '0193a5c2-7d1e-7b3a-9f00-000000000001'],
  ['', 'p'],
];
const RESERVATION_EXAMPLES: readonly PerformanceAndReservation[] = [
  ['ticketing:', '0193a5c2-7d1e-7b3a-9f00-000000000001', '0193a5c2-7d1e-7b3a-9f00-0000000000aa'],
  ['', 'p', 'r'],
];
// Each script also reads and writes hold keys it builds from ARGV (`hold:{performanceId}:…`):
// the same hash tag, so the same slot as its declared KEYS.
const HOLD_BEST_BLOCK = defineRedisScript<PerformanceAndReservation>({
  name: 'ticketingHoldBestBlock',
  lua: HOLD_BEST_BLOCK_SCRIPT,
  keys: (prefix, performanceId, reservationId) => {
    const keys = bestAvailableKeys(prefix, performanceId);
    return [keys.seats, keys.positions, keys.taken, keys.expiries, blockKey(prefix, performanceId, reservationId)];
  },
  examples: RESERVATION_EXAMPLES,
});
const INSTALL_LAYOUT = defineRedisScript<Performance>({
  name: 'ticketingInstallSeatLayout',
  lua: INSTALL_LAYOUT_SCRIPT,
  keys: (prefix, performanceId) => {
    const keys = bestAvailableKeys(prefix, performanceId);
    return [keys.seats, keys.positions, keys.taken, keys.expiries];
  },
  examples: PERFORMANCE_EXAMPLES,
});
const RELEASE_BLOCK = defineRedisScript<Performance>({
  name: 'ticketingReleaseBestBlock',
  lua: RELEASE_SCRIPT,
  keys: (prefix, performanceId) => {
    const keys = bestAvailableKeys(prefix, performanceId);
    return [keys.positions, keys.taken, keys.expiries];
  },
  examples: PERFORMANCE_EXAMPLES,
});
const RELEASE_RESERVATION = defineRedisScript<PerformanceAndReservation>({
  name: 'ticketingReleaseBestReservation',
  lua: RELEASE_RESERVATION_SCRIPT,
  keys: (prefix, performanceId, reservationId) => {
    const keys = bestAvailableKeys(prefix, performanceId);
    return [keys.positions, keys.taken, keys.expiries, blockKey(prefix, performanceId, reservationId)];
  },
  examples: RESERVATION_EXAMPLES,
});

/**
 * Calls of the script per request at most: one more after installing the layout, a few more
 * after a search kept finding hold keys its bitmap did not know (a safety net that should not fire).
 */
const MAX_CALLS = 8;

/**
 * Best available in Redis: the search over a per-performance bitmap and the hold of the block
 * it picks in one Lua script, so two requests never pick overlapping blocks and neither waits
 * for the other's round trip. Every key carries the performance's hash tag.
 */
export class RedisBestAvailableStore implements BestAvailableStore {
  readonly #installing = new Map<string, Promise<unknown>>();

  constructor(
    private readonly redis: RedisClient,
    private readonly keyPrefix = 'ticketing:',
  ) {}

  async holdBestBlock(request: BestAvailableRequest): Promise<BestAvailableAttempt> {
    const rows = request.rows.flatMap((row) => [row.firstPosition, row.seatIds.length, row.row, row.sectionOrder]);
    const seatCount = request.plan.seatIds.length;
    const excluded = [...(request.alsoTaken ?? [])]
      .map((seatId) => request.plan.positionOf(seatId))
      .filter((position) => position !== undefined);
    for (let call = 1; ; call++) {
      const reply = await this.run(() =>
        HOLD_BEST_BLOCK.run<(number | string)[]>(
          this.redis,
          [this.keyPrefix, request.performanceId, request.reservationId],
          [
            request.reservationId,
            millisecondsUntil(request.expiresAt),
            request.quantity,
            this.holdKeyPrefix(request.performanceId),
            seatCount,
            excluded.length,
            ...excluded,
            ...rows,
          ],
        ),
      );
      const [outcome, ...rest] = reply;
      if (outcome === 1) return { granted: true, seatIds: rest as string[] };
      if (outcome === 0) return { granted: false, largestBlock: Number(rest[0]) };
      if (call >= MAX_CALLS) throw new Error(`best-available search without an answer after ${call} calls`);
      if (outcome === -1) await this.installLayout(request);
    }
  }

  /** One install per performance at a time in this process; the script skips one done elsewhere. */
  private installLayout(request: BestAvailableRequest): Promise<unknown> {
    const pending = this.#installing.get(request.performanceId);
    if (pending) return pending;
    const install = this.run(() =>
      INSTALL_LAYOUT.run(
        this.redis,
        [this.keyPrefix, request.performanceId],
        [this.holdKeyPrefix(request.performanceId), ...request.plan.seatIds],
      ),
    ).finally(() => this.#installing.delete(request.performanceId));
    this.#installing.set(request.performanceId, install);
    return install;
  }

  async release(performanceId: string, seatIds: readonly string[], reservationId: string): Promise<void> {
    if (seatIds.length === 0) return;
    await this.run(() =>
      RELEASE_BLOCK.run(
        this.redis,
        [this.keyPrefix, performanceId],
        [reservationId, this.holdKeyPrefix(performanceId), ...seatIds],
      ),
    );
  }

  async releaseReservation(performanceId: string, reservationId: string): Promise<void> {
    await this.run(() =>
      RELEASE_RESERVATION.run(
        this.redis,
        [this.keyPrefix, performanceId, reservationId],
        [reservationId, this.holdKeyPrefix(performanceId)],
      ),
    );
  }

  /** The same keys as RedisSeatHoldStore's, so a seat held one way is held for the other. */
  private holdKeyPrefix(performanceId: string): string {
    return `${this.keyPrefix}hold:{${performanceId}}:`;
  }

  private async run<T>(command: () => Promise<T>): Promise<T> {
    try {
      return await command();
    } catch (error) {
      throw unavailableUnlessBug(error);
    }
  }
}
