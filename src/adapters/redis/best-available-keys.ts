/*
 * What the seat-hold scripts and the best-available scripts share in Redis, per performance:
 *   best:{performanceId}:positions  hash hold key → the seat's position in the hall layout
 *   best:{performanceId}:taken      bitmap, one bit per position: the seat's hold key exists
 *   best:{performanceId}:expiries   sorted set position → when that hold key expires (ms)
 * Every script that writes hold keys keeps the bitmap in step within the same script, once
 * best-available has installed the layout (the positions hash) for the performance; the
 * best-available script clears the bits of holds that have run out before it searches.
 */

/** The bookkeeping keys, with the same hash tag as the hold keys: one cluster slot per performance. */
export function bestAvailableKeys(keyPrefix: string, performanceId: string) {
  const base = `${keyPrefix}best:{${performanceId}}:`;
  return {
    seats: `${base}seats`,
    positions: `${base}positions`,
    taken: `${base}taken`,
    expiries: `${base}expiries`,
  };
}

/**
 * A Lua function for scripts whose last three KEYS are positions, taken and expiries (in that
 * order) and whose KEYS[first..last] are hold keys: `markSeats(first, last, taken, ttlMs)`
 * sets (taken = 1, with the hold's ttl in ms, or nil for no expiry) or clears (taken = 0)
 * their bits. A no-op while the performance has no layout installed.
 */
export const MARK_SEATS_LUA = `
local function markSeats(first, last, taken, ttlMs)
  local positions, bits, expiries = KEYS[#KEYS - 2], KEYS[#KEYS - 1], KEYS[#KEYS]
  if redis.call('EXISTS', positions) == 0 then return end
  local expiresAtMs = nil
  if taken == 1 and ttlMs then
    local clock = redis.call('TIME')
    expiresAtMs = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000) + tonumber(ttlMs)
  end
  for i = first, last do
    local pos = redis.call('HGET', positions, KEYS[i])
    if pos then
      redis.call('SETBIT', bits, pos, taken)
      if expiresAtMs then redis.call('ZADD', expiries, expiresAtMs, pos) else redis.call('ZREM', expiries, pos) end
    end
  end
end
`;
