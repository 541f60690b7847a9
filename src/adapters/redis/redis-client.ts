import Redis from 'ioredis';
import { StoreUnavailableError } from '../../application/shared/errors';

export interface RedisClientOptions {
  /** Prefix ioredis adds to every key. Leave empty for stores that prefix their own keys. */
  readonly keyPrefix?: string;
  /** How long one command may take before it fails; default 500 ms. */
  readonly commandTimeoutMs?: number;
}

const DEFAULT_COMMAND_TIMEOUT_MS = 500;
const MAX_RECONNECT_DELAY_MS = 2_000;

/**
 * A client for the hot path of a sale. Redis only accelerates (MySQL decides what is sold), so
 * while Redis is down every command must fail at once and let the request go on to MySQL,
 * instead of waiting in a queue while the sale's traffic piles up behind it.
 */
export function createRedis(url: string, options: RedisClientOptions = {}): Redis {
  return new Redis(url, {
    // Nothing connects on import or in tests that never use Redis; connectRedis() connects
    // explicitly at start-up, with a deadline.
    lazyConnect: true,
    // While disconnected, commands are rejected at once ("Stream isn't writeable...") rather
    // than held in memory until Redis returns, which could be never.
    enableOfflineQueue: false,
    // Commands in flight when the connection drops are rejected at that moment, not retried
    // on the next connection...
    maxRetriesPerRequest: 0,
    // ...nor replayed once the caller has given up: a replayed hold would take seats for a
    // request that already moved on without it.
    autoResendUnfulfilledCommands: false,
    // A connected but stalled Redis (overloaded, paused, network black hole) is as useless as
    // a dead one; a seat hold script answers in well under a millisecond when healthy.
    commandTimeout: options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS,
    // Redis is on the local network: a connect that takes a second will not succeed later,
    // and the default (10 s) would delay the next reconnect attempt by as much.
    connectTimeout: 1_000,
    // On shutdown a healthy Redis closes the socket in a millisecond; a dead one never does,
    // and ioredis would keep the process alive for the default 2 s waiting for it.
    disconnectTimeout: 200,
    // Reconnect forever (never return null) so the service heals by itself when Redis comes
    // back; back off exponentially up to 2 s so a dead Redis is not hammered by every instance.
    retryStrategy: (attempt: number) => Math.min(50 * 2 ** Math.min(attempt, 6), MAX_RECONNECT_DELAY_MS),
    keyPrefix: options.keyPrefix ?? '',
    // Commands issued in the same tick (a sale's concurrent holds and seat-state writes) go out
    // in one socket write: the write syscalls were the hot path's largest self time (perf/RESULTS.md).
    enableAutoPipelining: true,
  });
}

/**
 * Opens the connection and waits until Redis is ready, or fails with StoreUnavailableError
 * after `timeoutMs`. On failure the client keeps reconnecting in the background.
 */
export async function connectRedis(redis: Redis, timeoutMs = 2_000): Promise<void> {
  if (redis.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    let lastError: unknown;
    const onReady = () => {
      stop();
      resolve();
    };
    const onError = (error: unknown) => {
      lastError = error;
    };
    const timer = setTimeout(() => {
      stop();
      reject(new StoreUnavailableError('Redis', lastError ?? new Error(`Redis not ready within ${timeoutMs} ms`)));
    }, timeoutMs);
    const stop = () => {
      clearTimeout(timer);
      redis.off('ready', onReady);
      redis.off('error', onError);
    };
    redis.on('ready', onReady);
    redis.on('error', onError);
    // A failed first attempt is retried by retryStrategy; success is the 'ready' event.
    if (redis.status === 'wait' || redis.status === 'end') redis.connect().catch(() => {});
  });
}

/** For readiness probes: true when Redis answers PING within `timeoutMs`, never throws. */
export async function isRedisUp(redis: Redis, timeoutMs = 250): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('PING timed out')), timeoutMs);
  });
  try {
    return (await Promise.race([redis.ping(), deadline])) === 'PONG';
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
