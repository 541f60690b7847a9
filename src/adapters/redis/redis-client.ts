import { readFileSync } from 'node:fs';
import Redis, { Cluster, type ClusterOptions, type RedisOptions } from 'ioredis';
import { StoreUnavailableError } from '../../application/shared/errors';

/** A single Redis server or a Redis Cluster: every adapter works on either. */
export type RedisClient = Redis | Cluster;

/** Where Redis is, and how to talk to it (REDIS_URL or REDIS_CLUSTER_NODES, plus the shared settings). */
export type RedisConnectionSettings = {
  /** Used when the URL carries none (the URL's own credentials win). */
  readonly username?: string;
  readonly password?: string;
  /** TLS to every node (`rediss://` turns it on for a URL too). */
  readonly tls: boolean;
  /** PEM file of the CA that signed the servers' certificates, when it is not a public one. */
  readonly tlsCaFile?: string;
} & (
  | { readonly kind: 'single'; readonly url: string }
  | { readonly kind: 'cluster'; readonly nodes: readonly { readonly host: string; readonly port: number }[] }
);

export interface RedisClientOptions {
  /** Prefix ioredis adds to every key. Leave empty for stores that prefix their own keys. */
  readonly keyPrefix?: string;
  /** How long one command may take before it fails; default 500 ms. */
  readonly commandTimeoutMs?: number;
  /** Credentials and TLS when the URL does not say (for a single server). */
  readonly username?: string;
  readonly password?: string;
  readonly tls?: boolean;
  readonly tlsCaFile?: string;
}

const DEFAULT_COMMAND_TIMEOUT_MS = 500;
const MAX_RECONNECT_DELAY_MS = 2_000;

/** Reconnect forever (never give up, so the service heals by itself), backing off up to 2 s. */
const reconnectDelay = (attempt: number) => Math.min(50 * 2 ** Math.min(attempt, 6), MAX_RECONNECT_DELAY_MS);

/**
 * The options of every connection to a Redis server, single or a cluster's node. Redis only
 * accelerates (MySQL decides what is sold), so while Redis is down every command must fail at
 * once and let the request go on to MySQL, instead of waiting in a queue while the sale's
 * traffic piles up behind it.
 */
function connectionOptions(options: RedisClientOptions) {
  return {
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
    keyPrefix: options.keyPrefix ?? '',
    // No auto-pipelining: it did cut the hot path's Redis write syscalls (perf/RESULTS.md), but
    // ioredis 5 then throws "results[i] is not iterable" from a timer when a connection drops
    // with a pipeline in flight (a Redis restart or failover), an error no caller can catch.
    ...(options.username !== undefined && { username: options.username }),
    ...(options.password !== undefined && { password: options.password }),
    ...(options.tls && { tls: options.tlsCaFile ? { ca: readFileSync(options.tlsCaFile) } : {} }),
  } satisfies RedisOptions;
}

/** A client for one Redis server (REDIS_URL); `rediss://` or `tls` for TLS. */
export function createRedis(url: string, options: RedisClientOptions = {}): Redis {
  const fromUrl = new URL(url);
  const credentials = fromUrl.password ? {} : { username: options.username, password: options.password };
  return new Redis(url, {
    ...connectionOptions({ ...options, ...credentials, tls: options.tls || fromUrl.protocol === 'rediss:' }),
    // Nothing connects on import or in tests that never use Redis; connectRedis() connects
    // explicitly at start-up, with a deadline.
    lazyConnect: true,
    // While disconnected, commands are rejected at once ("Stream isn't writeable...") rather
    // than held in memory until Redis returns, which could be never.
    enableOfflineQueue: false,
    retryStrategy: reconnectDelay,
  });
}

/**
 * A client for a Redis Cluster (REDIS_CLUSTER_NODES: any of its nodes; it finds the rest).
 * Every key of one performance carries the hash tag `{performanceId}`, so each script runs on
 * the one node that owns the performance's slot. While that node is down (before its replica
 * takes over) commands on its slot fail at once, as on a single server that is down, and the
 * request goes on to MySQL; the client learns the new master from the cluster by itself.
 */
export function createRedisCluster(
  nodes: readonly { readonly host: string; readonly port: number }[],
  options: RedisClientOptions = {},
): Cluster {
  const clusterOptions: ClusterOptions = {
    redisOptions: connectionOptions(options),
    lazyConnect: true,
    enableOfflineQueue: false,
    // A command on a node whose connection is gone, or on a cluster that says CLUSTERDOWN
    // (a master failed, its replica not yet promoted), fails at once: MySQL takes the request.
    retryDelayOnFailover: 0,
    retryDelayOnClusterDown: 0,
    // A promoted replica answers within a second of the new topology, not the default five.
    slotsRefreshInterval: 1_000,
    clusterRetryStrategy: reconnectDelay,
    // Certificates of managed clusters name the configuration endpoint, not the nodes' IPs:
    // connect to nodes by the names the cluster gives them, so TLS can verify them.
    ...(options.tls && { dnsLookup: (address, callback) => callback(null, address) }),
  };
  return new Cluster(
    nodes.map((node) => ({ host: node.host, port: node.port })),
    clusterOptions,
  );
}

/** The client the settings describe: one server or a cluster. */
export function openRedis(settings: RedisConnectionSettings, options: RedisClientOptions = {}): RedisClient {
  const shared: RedisClientOptions = {
    ...options,
    ...(settings.username !== undefined && { username: settings.username }),
    ...(settings.password !== undefined && { password: settings.password }),
    tls: settings.tls,
    ...(settings.tlsCaFile !== undefined && { tlsCaFile: settings.tlsCaFile }),
  };
  return settings.kind === 'cluster' ? createRedisCluster(settings.nodes, shared) : createRedis(settings.url, shared);
}

/**
 * A new connection like `client` (same server or cluster, same credentials), for work that
 * must not share its connection: a blocking read, which holds the connection while it waits.
 */
export function duplicateRedis(client: RedisClient, options: { commandTimeoutMs: number }): RedisClient {
  const duplicate =
    client instanceof Cluster
      ? client.duplicate(undefined, {
          redisOptions: { ...client.options.redisOptions, commandTimeout: options.commandTimeoutMs },
        })
      : client.duplicate({ commandTimeout: options.commandTimeoutMs });
  // Its failures reach the caller through its commands; the main client logs the outage once.
  duplicate.on('error', () => {});
  return duplicate;
}

/**
 * Opens the connection and waits until Redis is ready, or fails with StoreUnavailableError
 * after `timeoutMs`. On failure the client keeps reconnecting in the background.
 */
export async function connectRedis(redis: RedisClient, timeoutMs = 2_000): Promise<void> {
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
    // Closed on purpose (disconnect()) while waiting: it will never be ready, say so now
    // rather than hold a timer (and a test worker, or a shutdown) for the whole deadline.
    const onEnd = () => {
      stop();
      reject(new StoreUnavailableError('Redis', lastError ?? new Error('Redis connection closed')));
    };
    const timer = setTimeout(() => {
      stop();
      reject(new StoreUnavailableError('Redis', lastError ?? new Error(`Redis not ready within ${timeoutMs} ms`)));
    }, timeoutMs);
    timer.unref();
    const stop = () => {
      clearTimeout(timer);
      redis.off('ready', onReady);
      redis.off('error', onError);
      redis.off('end', onEnd);
    };
    redis.on('ready', onReady);
    redis.on('error', onError);
    redis.once('end', onEnd);
    // A failed first attempt is retried by retryStrategy; success is the 'ready' event.
    if (redis.status === 'wait' || redis.status === 'end') redis.connect().catch(() => {});
  });
}

/** For readiness probes: true when Redis (every master of a cluster) answers PING within `timeoutMs`, never throws. */
export async function isRedisUp(redis: RedisClient, timeoutMs = 250): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('PING timed out')), timeoutMs);
  });
  try {
    // On a cluster every master must answer: a command goes to the node of its key's slot, and
    // one master out of reach fails every key it owns (rate limits, holds of its performances).
    const pings =
      redis instanceof Cluster
        ? Promise.all(redis.nodes('master').map((node) => node.ping())).then((answers) =>
            answers.length > 0 && answers.every((answer) => answer === 'PONG') ? 'PONG' : 'no masters',
          )
        : redis.ping();
    return (await Promise.race([pings, deadline])) === 'PONG';
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
