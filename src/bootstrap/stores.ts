import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { Clock } from '../application/shared/ports/clock';
import type { IdempotencyStore } from '../adapters/http/idempotency/idempotency-store';
import type { PerformanceCatalog } from '../application/catalog/ports/performance-catalog';
import type { SeatHoldStore } from '../application/sales/ports/seat-hold-store';
import type { BestAvailableStore } from '../application/sales/ports/best-available-store';
import type { SeatStatusQuery } from '../application/catalog/ports/seat-status-query';
import type { SalesReportQuery } from '../application/sales/ports/sales-report-query';
import type { MemberRepository } from '../domain/identity/member.repository';
import type { PerformanceRepository } from '../domain/catalog/performance.repository';
import type { ReservationRepository } from '../domain/sales/reservation.repository';
import type { CheckInRepository } from '../domain/sales/check-in.repository';
import { InMemoryCheckInRepository } from '../adapters/memory/in-memory-check-in.repository';
import { MysqlCheckInRepository } from '../adapters/persistence/mysql-check-in.repository';
import type { ReadinessReport } from '../adapters/http/http-dependencies';
import type { WaitingRoomStore } from '../application/admission/ports/waiting-room-store';
import { InMemoryWaitingRoomStore } from '../adapters/memory/in-memory-waiting-room.store';
import { RedisWaitingRoomStore } from '../adapters/redis/redis-waiting-room.store';
import type { LimiterFactory } from '../adapters/http/rate-limits';
import { InMemoryIdempotencyStore } from '../adapters/http/idempotency/in-memory-idempotency.store';
import { InMemoryMemberRepository } from '../adapters/memory/in-memory-member.repository';
import { InMemoryPerformanceRepository } from '../adapters/memory/in-memory-performance.repository';
import { InMemoryReservationRepository } from '../adapters/memory/in-memory-reservation.repository';
import { InMemorySeatHoldStore } from '../adapters/memory/in-memory-seat-hold.store';
import { InMemoryBestAvailableStore } from '../adapters/memory/in-memory-best-available.store';
import { memoryRateLimiterFactory } from '../adapters/memory/memory-rate-limiter';
import { createClaimKnex, createKnex, ensureDatabaseExists, splitPoolMax } from '../adapters/persistence/knex-client';
import { assertSchemaCurrent, migrate, missingMigrations } from '../adapters/persistence/migrator';
import { MysqlIdempotencyStore } from '../adapters/http/idempotency/mysql-idempotency.store';
import { ObjectionMemberRepository } from '../adapters/persistence/objection-member.repository';
import { ObjectionPerformanceRepository } from '../adapters/persistence/objection-performance.repository';
import { MysqlReservationRepository } from '../adapters/persistence/mysql-reservation.repository';
import { SchemaWatch } from '../adapters/persistence/schema-watch';
import { SqlSeatStatusQuery } from '../adapters/persistence/sql-seat-status.query';
import { SqlSalesReportQuery } from '../adapters/persistence/sql-sales-report.query';
import { connectRedis, isRedisUp, openRedis, type RedisClient } from '../adapters/redis/redis-client';
import { redisRateLimiterFactory } from '../adapters/redis/redis-rate-limiter';
import { RedisSeatHoldStore } from '../adapters/redis/redis-seat-hold.store';
import { RedisBestAvailableStore } from '../adapters/redis/redis-best-available.store';
import type { Config } from './config';
import type { WebhookDeliveryStore } from '../application/integrations/ports/webhook-deliveries';
import type { WebhookEndpointRepository } from '../domain/integrations/webhook-endpoint.repository';
import { DomainEventOutboxTranslator } from '../application/integrations/outbox-messages';
import { InMemoryWebhookDeliveryStore, InMemoryWebhookEndpointRepository } from '../adapters/memory/in-memory-webhooks';
import { MysqlWebhookDeliveryStore, MysqlWebhookEndpointRepository } from '../adapters/persistence/mysql-webhook.store';
import { UuidV7IdGenerator } from '../adapters/system/uuid-v7.id-generator';

/** The stateful half of the service: where members, performances and reservations live. */
export interface Stores {
  readonly kind: 'embedded' | 'external';
  readonly members: MemberRepository;
  readonly performances: PerformanceRepository;
  readonly catalog: PerformanceCatalog;
  readonly reservations: ReservationRepository;
  /** Check-ins of the reservations' tickets, written with their outbox messages. */
  readonly checkIns: CheckInRepository;
  readonly seatStatuses: SeatStatusQuery;
  /** Sold, held and revenue per grade, aggregated where the reservations are. */
  readonly salesReports: SalesReportQuery;
  readonly seatHolds: SeatHoldStore;
  /** Best-available choices, sharing the seat holds of `seatHolds`. */
  readonly bestAvailable: BestAvailableStore;
  /** Idempotency-Key records: MySQL (shared, survives Redis) or memory. */
  readonly idempotency: IdempotencyStore;
  /** Where rate limits count: Redis (shared, memory insurance) or memory. */
  readonly rateLimiters: LimiterFactory;
  /** Waiting-room queues: Redis (shared by every instance) or memory. */
  readonly waitingRooms: WaitingRoomStore;
  /** The MySQL pools by name: `main`, and `claims` (the only one that accepts a multi-statement batch). */
  readonly mysqlPools?: Readonly<Record<'main' | 'claims', Knex>>;
  /** One Redis server or a Redis Cluster client. */
  readonly redis?: RedisClient;
  /** Webhook endpoints, and the outbox and deliveries the reservation repository writes to. */
  readonly webhookEndpoints: WebhookEndpointRepository;
  readonly webhookDeliveries: WebhookDeliveryStore;
  readiness(): Promise<ReadinessReport>;
  close(): Promise<void>;
}

export function openEmbeddedStores(clock: Clock): Stores {
  const members = new InMemoryMemberRepository();
  const performances = new InMemoryPerformanceRepository();
  const ids = new UuidV7IdGenerator();
  const webhookEndpoints = new InMemoryWebhookEndpointRepository();
  const webhookDeliveries = new InMemoryWebhookDeliveryStore(
    webhookEndpoints,
    new DomainEventOutboxTranslator(ids),
    ids,
  );
  const reservations = new InMemoryReservationRepository(members, webhookDeliveries);
  const seatHolds = new InMemorySeatHoldStore(clock);
  return {
    kind: 'embedded',
    members,
    performances,
    catalog: performances,
    reservations,
    checkIns: new InMemoryCheckInRepository(reservations, webhookDeliveries),
    seatStatuses: reservations,
    salesReports: reservations,
    seatHolds,
    bestAvailable: new InMemoryBestAvailableStore(seatHolds),
    idempotency: new InMemoryIdempotencyStore(),
    rateLimiters: memoryRateLimiterFactory,
    waitingRooms: new InMemoryWaitingRoomStore(),
    webhookEndpoints,
    webhookDeliveries,
    readiness: async () => ({ ready: true, checks: { memory: 'up' } }),
    close: async () => {},
  };
}

/** How long /readyz reuses its answer on the schema: a migration rolled back shows within this. */
const SCHEMA_CHECK_MAX_AGE_MS = 10_000;

export async function openExternalStores(
  storage: Extract<Config['storage'], { kind: 'external' }>,
  options: { migrate: boolean; logger: Logger; schemaCheckMaxAgeMs?: number },
): Promise<Stores> {
  if (options.migrate) await ensureDatabaseExists(storage.databaseUrl);
  const poolMax = splitPoolMax(storage.poolMax);
  // knex would print pool and connection trouble with console.warn, past the JSON logs.
  const onWarning = (message: string) => options.logger.warn({ knex: message }, 'knex warning');
  const knex = createKnex(storage.databaseUrl, { poolMax: poolMax.main, onWarning });
  const claims = createClaimKnex(storage.databaseUrl, { poolMax: poolMax.claims, onWarning });
  const redis = openRedis(storage.redis);
  // ioredis reports every failed reconnect; one line per outage (and one on recovery) is enough.
  let redisDown = false;
  redis.on('error', (error: Error) => {
    if (!redisDown) options.logger.warn({ err: error }, 'Redis connection lost; reconnecting in the background');
    redisDown = true;
  });
  redis.on('ready', () => {
    if (redisDown) options.logger.info('Redis connection restored');
    redisDown = false;
  });
  // A cluster reports each node's trouble apart (a master killed, until its replica takes over).
  redis.on('node error', (error: Error, node: string) => {
    options.logger.warn(
      { err: error, node },
      'Redis Cluster node unreachable; its slots go to MySQL until it or its replica answers',
    );
  });
  try {
    if (options.migrate) options.logger.info({ migrations: await migrate(knex, 'latest') }, 'migrations applied');
    await knex.raw('select 1');
    // A database without the tables would let the service start and answer 500 to everything.
    await assertSchemaCurrent(knex);
  } catch (error) {
    await Promise.all([knex.destroy(), claims.destroy()]);
    redis.disconnect();
    throw error;
  }
  try {
    await connectRedis(redis);
  } catch (error) {
    // Redis only accelerates; the service starts without it and reconnects in the background.
    options.logger.warn({ err: error }, 'Redis is unreachable at start-up; holds go to MySQL alone until it returns');
  }
  const schema = new SchemaWatch(() => missingMigrations(knex), {
    maxAgeMs: options.schemaCheckMaxAgeMs ?? SCHEMA_CHECK_MAX_AGE_MS,
    onChange: (status, missing) => {
      if (status === 'behind') {
        options.logger.error(
          { missingMigrations: missing },
          'database schema is behind this release; not ready until `npm run migrate` applies the missing migrations',
        );
      } else {
        options.logger.info('database schema is current again');
      }
    },
  });
  const performances = new ObjectionPerformanceRepository(knex);
  const ids = new UuidV7IdGenerator();
  const outbox = new DomainEventOutboxTranslator(ids);
  return {
    kind: 'external',
    members: new ObjectionMemberRepository(knex),
    performances,
    catalog: performances,
    reservations: new MysqlReservationRepository(knex, claims, outbox),
    checkIns: new MysqlCheckInRepository(knex, outbox),
    seatStatuses: new SqlSeatStatusQuery(knex),
    salesReports: new SqlSalesReportQuery(knex),
    seatHolds: new RedisSeatHoldStore(redis),
    bestAvailable: new RedisBestAvailableStore(redis),
    idempotency: new MysqlIdempotencyStore(knex),
    rateLimiters: redisRateLimiterFactory(redis),
    waitingRooms: new RedisWaitingRoomStore(redis),
    mysqlPools: { main: knex, claims },
    webhookEndpoints: new MysqlWebhookEndpointRepository(knex),
    webhookDeliveries: new MysqlWebhookDeliveryStore(knex, ids),
    redis,
    async readiness() {
      const [mysql, cache, schemaStatus] = await Promise.all([
        knex.raw('select 1').then(
          () => 'up' as const,
          () => 'down' as const,
        ),
        isRedisUp(redis).then((up) => (up ? ('up' as const) : ('down' as const))),
        schema.current(),
      ]);
      // Without Redis the service still sells seats correctly (MySQL decides), only slower,
      // so only MySQL (and its schema) decides readiness; Redis is reported for operators.
      return {
        ready: mysql === 'up' && schemaStatus === 'current',
        checks: { mysql, redis: cache, schema: schemaStatus },
      };
    },
    async close() {
      // quit() is refused (or, on a cluster, waits for nodes) while Redis is down; disconnect()
      // then stops the reconnect loop.
      const closing = redis.status === 'ready' ? redis.quit().catch(() => redis.disconnect()) : redis.disconnect();
      await Promise.allSettled([knex.destroy(), claims.destroy(), closing]);
    },
  };
}
