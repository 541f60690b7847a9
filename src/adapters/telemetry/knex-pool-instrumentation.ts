import { SpanStatusCode, trace } from '@opentelemetry/api';
import type { Knex } from 'knex';
import { insideRecordedTrace } from './edge-sampling';
import type { PoolStats } from './metrics';

const tracer = trace.getTracer('ticketing-service');

interface TarnPool {
  max: number;
  numUsed(): number;
  numFree(): number;
  numPendingAcquires(): number;
  numPendingCreates(): number;
}

interface KnexClientInternals {
  pool?: TarnPool;
  acquireConnection(): Promise<unknown>;
}

/**
 * The pools' current numbers, summed, for the `db_pool_connections` gauge: its `max` is then
 * the instance's DATABASE_POOL_MAX whichever pool the connections belong to. Which pool
 * waits shows on the `db.pool.acquire` spans.
 */
export function knexPoolStats(knexes: Iterable<Knex>): PoolStats {
  const total = { size: 0, used: 0, free: 0, pending: 0 };
  for (const knex of knexes) {
    const pool = (knex.client as KnexClientInternals).pool;
    if (!pool) continue;
    total.size += pool.max;
    total.used += pool.numUsed();
    total.free += pool.numFree();
    total.pending += pool.numPendingAcquires();
  }
  return total;
}

/**
 * Makes the wait for a pooled connection visible: a `db.pool.acquire` span around every
 * acquisition (with the pool's state when it was asked) and a histogram of the wait. The
 * original service needed an APM product to see that requests queued in getConnection();
 * here that queue is a span of its own in every trace.
 */
export function instrumentKnexPool(knex: Knex, poolName: string, onWait: (seconds: number) => void): void {
  const client = knex.client as KnexClientInternals;
  const acquire = client.acquireConnection.bind(client);
  client.acquireConnection = function acquireConnectionTraced() {
    // Outside a recorded trace (tracing off, a request or background job not sampled) only the
    // wait is measured: no span object, no attributes read off the pool.
    if (!insideRecordedTrace()) return measured(acquire, onWait);
    const pool = client.pool;
    const span = tracer.startSpan('db.pool.acquire', {
      attributes: pool
        ? {
            'db.pool.name': poolName,
            'db.pool.max': pool.max,
            'db.pool.used': pool.numUsed(),
            'db.pool.free': pool.numFree(),
            'db.pool.pending': pool.numPendingAcquires(),
          }
        : { 'db.pool.name': poolName },
    });
    const started = performance.now();
    return acquire().then(
      (connection) => {
        onWait((performance.now() - started) / 1000);
        span.end();
        return connection;
      },
      (error: unknown) => {
        onWait((performance.now() - started) / 1000);
        if (error instanceof Error) span.recordException(error);
        span.setStatus({ code: SpanStatusCode.ERROR, message: 'pool acquisition failed' });
        span.end();
        throw error;
      },
    );
  };
}

function measured<T>(acquire: () => Promise<T>, onWait: (seconds: number) => void): Promise<T> {
  const started = performance.now();
  const acquisition = acquire();
  const observe = () => onWait((performance.now() - started) / 1000);
  acquisition.then(observe, observe);
  return acquisition;
}
