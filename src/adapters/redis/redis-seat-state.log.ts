import { randomUUID } from 'node:crypto';
import { ReplyError } from 'ioredis';
import type { SeatStatus } from '../../application/catalog/ports/seat-status-query';
import type {
  ApplyOutcome,
  ClaimedSeat,
  SeatChange,
  SeatStateEntry,
  SeatStateLog,
  SeatStateLogReader,
  SeatStateSnapshot,
  SeatStatusChange,
  TakenStatus,
} from '../../application/seat-state/ports/seat-state-log';
import { StoreUnavailableError } from '../../application/shared/errors';
import { connectRedis, type RedisClient } from './redis-client';
import { defineRedisScript } from './redis-scripts';
import { TurnBatch } from './turn-batch';

// Keys of one performance, all with the hash tag {performanceId} so that every script stays
// within one cluster slot: version (the counter; absent = missing or being rebuilt), seats (a
// hash seatId → "H:<reservationId>" held or "R:<reservationId>" sold), log (a stream whose
// entry ids are `<version>-0`: resumable, trimmed with MAXLEN ~), rebuild (the rebuild lease),
// floor (the version a rebuild replaced: no state at or below it is ever installed).

/**
 * KEYS: version, seats, log. ARGV: kind, reservationId, maxlen, ttlSeconds, seatIds….
 * Applies by holder: a hold takes the seats whoever had them (MySQL let it, so they were let
 * go); a confirm sells what the reservation holds; a release frees only what it still holds.
 * Only seats whose visible status changed count; then the version goes up by one and the
 * change is appended. Returns the version, or -1 when the state is missing.
 */
const APPLY_SCRIPT = `
local version = redis.call('GET', KEYS[1])
if not version then return -1 end
local kind = ARGV[1]
local held = 'H:' .. ARGV[2]
local sold = 'R:' .. ARGV[2]
local changed = {}
for i = 5, #ARGV do
  local seat = ARGV[i]
  local current = redis.call('HGET', KEYS[2], seat)
  if kind == 'hold' then
    if current ~= held and current ~= sold then
      redis.call('HSET', KEYS[2], seat, held)
      changed[#changed + 1] = seat
      changed[#changed + 1] = 'H'
    end
  elseif kind == 'confirm' then
    if current == held or not current then
      redis.call('HSET', KEYS[2], seat, sold)
      changed[#changed + 1] = seat
      changed[#changed + 1] = 'R'
    end
  elseif current == held or current == sold then
    redis.call('HDEL', KEYS[2], seat)
    changed[#changed + 1] = seat
    changed[#changed + 1] = 'A'
  end
end
if #changed == 0 then return tonumber(version) end
local next = redis.call('INCR', KEYS[1])
redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[3], string.format('%d-0', next), 't', 'c', 's', table.concat(changed, ','))
for i = 1, 3 do redis.call('EXPIRE', KEYS[i], ARGV[4]) end
return next`;

/**
 * KEYS: version, rebuild, floor. ARGV: token, leaseMs, force ('1' or '0'). Returns 1 when the
 * rebuild is ours. The version moves to `floor`, below which no state is ever installed.
 */
const BEGIN_REBUILD_SCRIPT = `
local version = redis.call('GET', KEYS[1])
if ARGV[3] ~= '1' and version then return 0 end
if not redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) then return 0 end
if version then redis.call('SET', KEYS[3], version, 'EX', 86400) end
redis.call('DEL', KEYS[1])
return 1`;

/**
 * KEYS: version, seats, log, rebuild, floor. ARGV: token, version, maxlen, ttlSeconds, then
 * seat and value pairs. Installs the state and appends a reset entry, if the lease is still
 * ours and the version is above every one before.
 */
const INSTALL_SCRIPT = `
if redis.call('GET', KEYS[4]) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[4])
local current = redis.call('GET', KEYS[1]) or redis.call('GET', KEYS[5])
if current and tonumber(current) >= tonumber(ARGV[2]) then return 0 end
local top = redis.call('XREVRANGE', KEYS[3], '+', '-', 'COUNT', 1)
if top[1] and tonumber(string.match(top[1][1], '^(%d+)')) >= tonumber(ARGV[2]) then redis.call('DEL', KEYS[3]) end
redis.call('DEL', KEYS[2])
for i = 5, #ARGV, 2 do redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1]) end
redis.call('SET', KEYS[1], ARGV[2])
redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[3], ARGV[2] .. '-0', 't', 'r', 's', '')
for i = 1, 3 do redis.call('EXPIRE', KEYS[i], ARGV[4]) end
return 1`;

/** KEYS: version, seats. The version and the seats in one atomic read; nil when missing. */
const READ_SCRIPT = `
local version = redis.call('GET', KEYS[1])
if not version then return nil end
return {version, redis.call('HGETALL', KEYS[2])}`;

/** The keys of one performance's state, all with the hash tag {performanceId}: one cluster slot. */
export function seatStateKeys(prefix: string, performanceId: string) {
  const base = `${prefix}seatstate:{${performanceId}}`;
  return {
    version: `${base}:version`,
    seats: `${base}:seats`,
    log: `${base}:log`,
    rebuild: `${base}:rebuild`,
    floor: `${base}:floor`,
  };
}

type Keys = ReturnType<typeof seatStateKeys>;
type Subject = readonly [prefix: string, performanceId: string];
const EXAMPLES: readonly Subject[] = [
  ['ticketing:', '0193a5c2-7d1e-7b3a-9f00-000000000001'],
  ['', 'p'],
];
const script = (name: string, lua: string, pick: (keys: Keys) => string[]) =>
  defineRedisScript<Subject>({
    name,
    lua,
    keys: (prefix, performanceId) => pick(seatStateKeys(prefix, performanceId)),
    examples: EXAMPLES,
  });

const APPLY = script('ticketingSeatStateApply', APPLY_SCRIPT, (keys) => [keys.version, keys.seats, keys.log]);
const BEGIN_REBUILD = script('ticketingSeatStateBeginRebuild', BEGIN_REBUILD_SCRIPT, (keys) => [
  keys.version,
  keys.rebuild,
  keys.floor,
]);
const INSTALL = script('ticketingSeatStateInstall', INSTALL_SCRIPT, (keys) => [
  keys.version,
  keys.seats,
  keys.log,
  keys.rebuild,
  keys.floor,
]);
const READ = script('ticketingSeatStateRead', READ_SCRIPT, (keys) => [keys.version, keys.seats]);

type StreamEntry = [id: string, fields: string[]];

export interface RedisSeatStateLogOptions {
  /** Entries kept per performance, at least (XADD MAXLEN ~). */
  readonly retainedChanges: number;
  /** A performance nobody changed for this long leaves Redis (rebuilt from MySQL if ever needed). */
  readonly ttlSeconds?: number;
  readonly keyPrefix?: string;
}

const STATUS_OF_CODE: Readonly<Record<string, SeatStatus>> = { H: 'HELD', R: 'RESERVED', A: 'AVAILABLE' };
const CODE_OF_STATUS: Readonly<Record<TakenStatus, string>> = { HELD: 'H', RESERVED: 'R' };
/** Server replies that mean "not now" rather than "wrong" (as for the seat-hold store). */
const TRANSIENT_REPLY = /^(LOADING|BUSY|OOM|READONLY|MASTERDOWN|CLUSTERDOWN|TRYAGAIN|NOREPLICAS)\b/;
/** Entries one read brings at most; the follower reads again at once for the rest. */
const READ_COUNT = 1_000;

/**
 * The shared seat state in Redis: a counter, a hash and a capped stream per performance, each
 * operation one Lua script. Changes are appended by whichever instance changed seats (after
 * MySQL committed); every instance follows the stream with one blocking XREAD per followed
 * performance on a connection of its own (`openConnection`), never one per client.
 */
export class RedisSeatStateLog implements SeatStateLog {
  private readonly keyPrefix: string;
  private readonly ttlSeconds: number;
  /**
   * Every hold, confirm and release ends with an apply, awaited before the answer: the applies
   * asked for in one event-loop turn go out as one pipeline (one write, one read) instead of a
   * round trip each; that write was 5.3 % of a hold's CPU (RESULTS.md, 2026-12-01 evening).
   * Each still runs as its own script, after its own MySQL commit, in the order asked.
   */
  private readonly applies: TurnBatch<{ subject: Subject; args: (string | number)[] }, number>;

  constructor(
    private readonly redis: RedisClient,
    /**
     * A new, dedicated connection for a blocking reader; the log connects and closes it. On a
     * cluster, a cluster client of its own: it follows the performance's slot to whichever
     * node serves it, across a failover.
     */
    private readonly openConnection: () => RedisClient,
    private readonly options: RedisSeatStateLogOptions,
  ) {
    this.keyPrefix = options.keyPrefix ?? 'ticketing:';
    this.ttlSeconds = options.ttlSeconds ?? 7 * 86_400;
    this.applies = new TurnBatch((calls) => APPLY.runEach<number>(this.redis, calls));
  }

  async apply(performanceId: string, change: SeatChange): Promise<ApplyOutcome> {
    const version = await this.run(() =>
      this.applies.add({
        subject: this.subject(performanceId),
        args: [change.kind, change.reservationId, this.options.retainedChanges, this.ttlSeconds, ...change.seatIds],
      }),
    );
    return version < 0 ? 'missing' : version;
  }

  async beginRebuild(performanceId: string, leaseMs: number, force: boolean): Promise<string | null> {
    const token = randomUUID();
    const began = await this.run(() =>
      BEGIN_REBUILD.run<number>(this.redis, this.subject(performanceId), [token, leaseMs, force ? '1' : '0']),
    );
    return began === 1 ? token : null;
  }

  async install(
    performanceId: string,
    token: string,
    version: number,
    claims: readonly ClaimedSeat[],
  ): Promise<boolean> {
    const pairs = claims.flatMap((claim) => [claim.seatId, `${CODE_OF_STATUS[claim.status]}:${claim.reservationId}`]);
    const installed = await this.run(() =>
      INSTALL.run<number>(this.redis, this.subject(performanceId), [
        token,
        version,
        this.options.retainedChanges,
        this.ttlSeconds,
        ...pairs,
      ]),
    );
    return installed === 1;
  }

  async read(performanceId: string): Promise<SeatStateSnapshot | null> {
    const reply = await this.run(() => READ.run<[string, string[]] | null>(this.redis, this.subject(performanceId)));
    if (!reply) return null;
    const [version, flat] = reply;
    const taken = new Map<string, TakenStatus>();
    for (let index = 0; index < flat.length; index += 2) {
      taken.set(flat[index]!, flat[index + 1]!.startsWith('R:') ? 'RESERVED' : 'HELD');
    }
    return { version: Number(version), taken };
  }

  async range(performanceId: string, after: number, upTo: number): Promise<SeatStateEntry[]> {
    if (upTo <= after) return [];
    const { log } = this.keys(performanceId);
    const entries = (await this.run(() =>
      this.redis.xrange(log, `(${after}-0`, `${upTo}-0`, 'COUNT', upTo - after),
    )) as StreamEntry[];
    return entries.map(toEntry);
  }

  openReader(performanceId: string): SeatStateLogReader {
    const { log } = this.keys(performanceId);
    let connection: RedisClient | undefined;
    let closed = false;
    return {
      next: async (version, blockMs) => {
        if (closed) return [];
        connection ??= this.openConnection();
        await connectRedis(connection);
        if (closed) return [];
        const reply = (await this.run(() =>
          blockMs > 0
            ? connection!.xread('COUNT', READ_COUNT, 'BLOCK', blockMs, 'STREAMS', log, `${version}-0`)
            : connection!.xread('COUNT', READ_COUNT, 'STREAMS', log, `${version}-0`),
        )) as [string, StreamEntry[]][] | null;
        return reply?.[0]?.[1].map(toEntry) ?? [];
      },
      close: async () => {
        closed = true;
        connection?.disconnect();
      },
    };
  }

  private subject(performanceId: string): Subject {
    return [this.keyPrefix, performanceId];
  }

  private keys(performanceId: string): Keys {
    return seatStateKeys(this.keyPrefix, performanceId);
  }

  private async run<T>(command: () => Promise<T>): Promise<T> {
    try {
      return await command();
    } catch (error) {
      // A script error or a wrong key type is a bug and stays itself; the rest means "not now".
      if (error instanceof ReplyError && !TRANSIENT_REPLY.test((error as Error).message)) throw error;
      throw new StoreUnavailableError('Redis', error);
    }
  }
}

function toEntry([id, fields]: StreamEntry): SeatStateEntry {
  const version = Number(id.slice(0, id.indexOf('-')));
  const field = (name: string) => fields[fields.indexOf(name) + 1] ?? '';
  if (field('t') === 'r') return { version, kind: 'reset', seats: [] };
  const codes = field('s').split(',');
  const seats: SeatStatusChange[] = [];
  for (let index = 0; index + 1 < codes.length; index += 2) {
    seats.push({ id: codes[index]!, status: STATUS_OF_CODE[codes[index + 1]!] ?? 'AVAILABLE' });
  }
  return { version, kind: 'changes', seats };
}
