import type { Logger } from 'pino';
import type { SeatStatusQuery } from '../application/catalog/ports/seat-status-query';
import type { SeatClaimSource } from '../application/seat-state/ports/seat-claims';
import type { SeatStateLog } from '../application/seat-state/ports/seat-state-log';
import { SeatStateRebuilder } from '../application/seat-state/seat-state-rebuilder';
import { SeatStateRecorder } from '../application/seat-state/seat-state-recorder';
import { SeatStateView } from '../application/seat-state/seat-state-view';
import { InMemorySeatStateLog } from '../adapters/memory/in-memory-seat-state.log';
import { SqlSeatClaimSource } from '../adapters/persistence/sql-seat-claim.source';
import { duplicateRedis } from '../adapters/redis/redis-client';
import { RedisSeatStateLog } from '../adapters/redis/redis-seat-state.log';
import type { Config } from './config';
import type { Stores } from './stores';

/** How long one blocking read of the log waits; the reader's connection times out a little later. */
const BLOCK_MS = 5_000;

/** The live seat state: the shared log, its source of truth, the writer and this instance's view. */
export interface SeatStateModule {
  readonly log: SeatStateLog;
  readonly recorder: SeatStateRecorder;
  readonly view: SeatStateView;
}

/**
 * Redis and MySQL when the stores are external, memory when embedded (the in-memory
 * reservation repository is its own source of truth). `fallback` answers GET seats while the
 * log is unreachable.
 */
export function buildSeatState(
  config: Config,
  stores: Stores,
  fallback: SeatStatusQuery,
  logger: Logger,
): SeatStateModule {
  const settings = config.seatStream;
  let log: SeatStateLog;
  let claims: SeatClaimSource;
  if (stores.redis && stores.mysqlPools) {
    const redis = stores.redis;
    // Same server or cluster, credentials and TLS; a longer timeout, since each read blocks.
    const openConnection = () => duplicateRedis(redis, { commandTimeoutMs: BLOCK_MS + 2_000 });
    log = new RedisSeatStateLog(redis, openConnection, { retainedChanges: settings.retentionChanges });
    claims = new SqlSeatClaimSource(stores.mysqlPools.main);
  } else {
    if (!isClaimSource(stores.reservations)) throw new Error('Embedded reservations must be a seat claim source');
    log = new InMemorySeatStateLog(settings.retentionChanges);
    claims = stores.reservations;
  }
  const rebuilder = new SeatStateRebuilder(log, claims);
  const view = new SeatStateView(
    log,
    rebuilder,
    claims,
    fallback,
    {
      heartbeatMs: settings.heartbeatMs,
      maxStreams: settings.maxConnections,
      batchMs: settings.batchMs,
      retentionChanges: settings.retentionChanges,
      retentionMs: settings.retentionSeconds * 1000,
      blockMs: BLOCK_MS,
    },
    throttledWarning(logger, 'seat state reader failed; GET seats reads MySQL until it recovers'),
  );
  const recorder = new SeatStateRecorder(
    log,
    rebuilder,
    throttledWarning(logger, 'seat change not recorded; repairing'),
    (performanceId, version) => view.noteWritten(performanceId, version),
  );
  return { log, recorder, view };
}

function isClaimSource(candidate: unknown): candidate is SeatClaimSource {
  const source = candidate as Partial<SeatClaimSource>;
  return typeof source.activeClaims === 'function' && typeof source.nextEpoch === 'function';
}

/** A warning at most every 10 s, counting the ones it kept quiet: an outage fails every attempt. */
function throttledWarning(logger: Logger, message: string): (error: unknown) => void {
  let quietUntil = 0;
  let suppressed = 0;
  return (error) => {
    const now = Date.now();
    if (now < quietUntil) {
      suppressed++;
      return;
    }
    logger.warn({ err: error, failuresSinceLastWarning: suppressed }, message);
    quietUntil = now + 10_000;
    suppressed = 0;
  };
}
