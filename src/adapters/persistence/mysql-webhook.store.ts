import type { Knex } from 'knex';
import type {
  AttemptRecord,
  DeliveryPage,
  DueDelivery,
  WebhookDelivery,
  WebhookDeliveryStore,
} from '../../application/integrations/ports/webhook-deliveries';
import type { IdGenerator } from '../../application/shared/ports/id-generator';
import {
  WebhookEndpoint,
  type WebhookEndpointSnapshot,
  type WebhookEndpointStatus,
} from '../../domain/integrations/webhook-endpoint';
import type { WebhookEndpointRepository } from '../../domain/integrations/webhook-endpoint.repository';
import { webhookBody, type WebhookEventType } from '../../domain/integrations/webhook-events';
import { mysqlCall, retryOnDeadlock } from './mysql-errors';

interface EndpointRow {
  id: string;
  url: string;
  events: string;
  secret: string;
  previous_secret: string | null;
  previous_secret_expires_at: Date | null;
  status: WebhookEndpointStatus;
  disabled_reason: string | null;
  created_at: Date;
  updated_at: Date;
}

interface OutboxSelected {
  seq: number | string;
  id: string;
  type: WebhookEventType;
  ordering_key: string;
  occurred_at: Date;
  data: string;
}

interface DeliveryRow {
  id: string;
  endpoint_id: string;
  message_id: string;
  event_type: WebhookEventType;
  status: WebhookDelivery['status'];
  attempt_count: number;
  next_attempt_at: Date | null;
  created_at: Date;
  delivered_at: Date | null;
}

interface AttemptRow {
  delivery_id: string;
  attempted_at: Date;
  status_code: number | null;
  error: string | null;
  duration_ms: number;
}

const toRow = (endpoint: WebhookEndpoint): EndpointRow => {
  const snapshot = endpoint.toSnapshot();
  return {
    id: snapshot.id,
    url: snapshot.url,
    events: JSON.stringify(snapshot.events),
    secret: snapshot.secret,
    previous_secret: snapshot.previousSecret,
    previous_secret_expires_at: snapshot.previousSecretExpiresAt,
    status: snapshot.status,
    disabled_reason: snapshot.disabledReason,
    created_at: snapshot.createdAt,
    updated_at: snapshot.updatedAt,
  };
};

const fromRow = (row: EndpointRow): WebhookEndpoint =>
  WebhookEndpoint.restore({
    id: row.id,
    url: row.url,
    events: JSON.parse(row.events) as WebhookEndpointSnapshot['events'],
    secret: row.secret,
    previousSecret: row.previous_secret,
    previousSecretExpiresAt: row.previous_secret_expires_at,
    status: row.status,
    disabledReason: row.disabled_reason,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  });

export class MysqlWebhookEndpointRepository implements WebhookEndpointRepository {
  constructor(private readonly knex: Knex) {}

  add(endpoint: WebhookEndpoint): Promise<void> {
    return mysqlCall(async () => {
      await this.knex('webhook_endpoints').insert(toRow(endpoint));
    });
  }

  save(endpoint: WebhookEndpoint): Promise<void> {
    const { id, ...changes } = toRow(endpoint);
    return mysqlCall(async () => {
      await this.knex('webhook_endpoints').where({ id }).update(changes);
    });
  }

  findById(id: string): Promise<WebhookEndpoint | null> {
    return mysqlCall(async () => {
      const row = await this.knex('webhook_endpoints').first<EndpointRow | undefined>('*').where({ id });
      return row ? fromRow(row) : null;
    });
  }

  list(): Promise<WebhookEndpoint[]> {
    return mysqlCall(async () =>
      (await this.knex('webhook_endpoints').select<EndpointRow[]>('*').orderBy(['created_at', 'id'])).map(fromRow),
    );
  }

  /**
   * The foreign keys cascade to its deliveries and their attempts. The cascade locks rows a
   * relay may be updating at that moment: a deadlock is retried, not answered with a 500.
   */
  remove(id: string): Promise<boolean> {
    return mysqlCall(() => retryOnDeadlock(async () => (await this.knex('webhook_endpoints').where({ id }).del()) > 0));
  }
}

/**
 * The outbox and the deliveries in MySQL. Claims take rows with `FOR UPDATE SKIP LOCKED`, so
 * every instance's relay shares the work without waiting on the others; READ COMMITTED keeps
 * InnoDB from gap-locking the outbox, whose inserts are on the hot path.
 */
export class MysqlWebhookDeliveryStore implements WebhookDeliveryStore {
  constructor(
    private readonly knex: Knex,
    private readonly ids: IdGenerator,
  ) {}

  fanOut(now: Date, limit: number): Promise<number> {
    return mysqlCall(() =>
      retryOnDeadlock(() =>
        this.knex.transaction(
          async (trx) => {
            const claimed = await trx('outbox')
              .select<OutboxSelected[]>('seq', 'id', 'type', 'ordering_key', 'occurred_at', 'data')
              .orderBy('seq')
              .limit(limit)
              .forUpdate()
              .skipLocked();
            if (claimed.length === 0) return 0;
            const mine = new Set(claimed.map((row) => String(row.seq)));
            const lastSeq = claimed[claimed.length - 1]!.seq;
            // An earlier message of the same reservation that another relay holds right now
            // (a plain read sees it): this one waits, or it could reach an endpoint first.
            const earlier = await trx('outbox')
              .select<{ seq: number | string; ordering_key: string }[]>('seq', 'ordering_key')
              .where('seq', '<', lastSeq)
              .whereIn('ordering_key', [...new Set(claimed.map((row) => row.ordering_key))]);
            const firstForeign = new Map<string, number>();
            for (const row of earlier) {
              if (mine.has(String(row.seq))) continue;
              const seq = Number(row.seq);
              firstForeign.set(row.ordering_key, Math.min(firstForeign.get(row.ordering_key) ?? seq, seq));
            }
            const movable = claimed.filter((row) => {
              const foreign = firstForeign.get(row.ordering_key);
              return foreign === undefined || foreign > Number(row.seq);
            });
            if (movable.length === 0) return 0;
            const endpoints = (
              await trx('webhook_endpoints').select<EndpointRow[]>('*').where('status', 'ENABLED')
            ).map(fromRow);
            const deliveries = movable.flatMap((row) =>
              endpoints
                .filter((endpoint) => endpoint.subscribesTo(row.type, row.occurred_at))
                .map((endpoint) => ({
                  id: this.ids.next(),
                  endpoint_id: endpoint.id,
                  message_id: row.id,
                  message_seq: row.seq,
                  event_type: row.type,
                  ordering_key: row.ordering_key,
                  body: webhookBody({ type: row.type, occurredAt: row.occurred_at, data: JSON.parse(row.data) }),
                  status: 'PENDING',
                  attempt_count: 0,
                  next_attempt_at: now,
                  created_at: now,
                })),
            );
            if (deliveries.length > 0) {
              await trx('webhook_deliveries').insert(deliveries).onConflict(['endpoint_id', 'message_id']).ignore();
            }
            await trx('outbox')
              .whereIn(
                'seq',
                movable.map((row) => row.seq),
              )
              .del();
            return movable.length;
          },
          { isolationLevel: 'read committed' },
        ),
      ),
    );
  }

  claimDue(now: Date, limit: number, leaseUntil: Date): Promise<DueDelivery[]> {
    return mysqlCall(() =>
      retryOnDeadlock(() =>
        this.knex.transaction(
          async (trx) => {
            // Plain reads first: the due deliveries, then which of them is the oldest PENDING
            // one of its endpoint and reservation (only that one may be sent). Once an earlier
            // delivery is no longer PENDING it never is again, so the candidates stay safe to
            // send; the locking read below only keeps two relays from taking the same one.
            const due = await trx('webhook_deliveries')
              .select<{ id: string; endpoint_id: string; ordering_key: string; message_seq: number | string }[]>(
                'id',
                'endpoint_id',
                'ordering_key',
                'message_seq',
              )
              .where('status', 'PENDING')
              .andWhere('next_attempt_at', '<=', now)
              .orderBy(['next_attempt_at', 'message_seq'])
              .limit(limit);
            if (due.length === 0) return [];
            const firsts = await trx('webhook_deliveries')
              .select<{ endpoint_id: string; ordering_key: string; first: number | string }[]>(
                'endpoint_id',
                'ordering_key',
                trx.raw('MIN(message_seq) AS first'),
              )
              .whereIn('endpoint_id', [...new Set(due.map((row) => row.endpoint_id))])
              .whereIn('ordering_key', [...new Set(due.map((row) => row.ordering_key))])
              .andWhere('status', 'PENDING')
              .groupBy('endpoint_id', 'ordering_key');
            const first = new Map(firsts.map((row) => [`${row.endpoint_id}/${row.ordering_key}`, Number(row.first)]));
            const candidates = due.filter(
              (row) => first.get(`${row.endpoint_id}/${row.ordering_key}`) === Number(row.message_seq),
            );
            if (candidates.length === 0) return [];
            const claimed = await trx('webhook_deliveries')
              .select<(Pick<DeliveryRow, 'id' | 'endpoint_id' | 'message_id' | 'attempt_count'> & { body: string })[]>(
                'id',
                'endpoint_id',
                'message_id',
                'attempt_count',
                'body',
              )
              .whereIn(
                'id',
                candidates.map((row) => row.id),
              )
              .andWhere('status', 'PENDING')
              .andWhere('next_attempt_at', '<=', now)
              .forUpdate()
              .skipLocked();
            if (claimed.length === 0) return [];
            await trx('webhook_deliveries')
              .whereIn(
                'id',
                claimed.map((row) => row.id),
              )
              .update({ next_attempt_at: leaseUntil });
            return claimed.map((row) => ({
              id: row.id,
              endpointId: row.endpoint_id,
              messageId: row.message_id,
              body: row.body,
              attemptsMade: Number(row.attempt_count),
            }));
          },
          { isolationLevel: 'read committed' },
        ),
      ),
    );
  }

  /**
   * One transaction per round: the attempts in one insert, the delivered ones in one update,
   * the others (retries and failures, few while receivers are healthy) one by one.
   */
  recordAttempts(all: readonly AttemptRecord[]): Promise<void> {
    if (all.length === 0) return Promise.resolve();
    return mysqlCall(() =>
      retryOnDeadlock(() =>
        this.knex.transaction(async (trx) => {
          // A delivery whose endpoint was deleted meanwhile is gone with it: nothing to record.
          const existing = new Set(
            (
              await trx('webhook_deliveries')
                .select<{ id: string }[]>('id')
                .whereIn(
                  'id',
                  all.map((record) => record.deliveryId),
                )
            ).map((row) => row.id),
          );
          const records = all.filter((record) => existing.has(record.deliveryId));
          if (records.length === 0) return;
          await trx('webhook_delivery_attempts').insert(
            records.map(({ deliveryId, attempt }) => ({
              delivery_id: deliveryId,
              attempted_at: attempt.attemptedAt,
              status_code: attempt.statusCode,
              error: attempt.error?.slice(0, 300) ?? null,
              duration_ms: Math.min(attempt.durationMs, 2 ** 31 - 1),
            })),
          );
          const delivered = records.filter((record) => record.outcome.status === 'DELIVERED');
          if (delivered.length > 0) {
            const at = new Date(Math.max(...delivered.map((record) => record.attempt.attemptedAt.getTime())));
            await trx('webhook_deliveries')
              .whereIn(
                'id',
                delivered.map((record) => record.deliveryId),
              )
              .update({
                status: 'DELIVERED',
                attempt_count: trx.raw('attempt_count + 1'),
                next_attempt_at: null,
                delivered_at: at,
                finished_at: at,
              });
          }
          for (const { deliveryId, attempt, outcome } of records) {
            if (outcome.status === 'DELIVERED') continue;
            await trx('webhook_deliveries')
              .where({ id: deliveryId })
              .update({
                status: outcome.status,
                attempt_count: trx.raw('attempt_count + 1'),
                next_attempt_at: outcome.status === 'PENDING' ? outcome.nextAttemptAt : null,
                finished_at: outcome.status === 'FAILED' ? attempt.attemptedAt : null,
              });
          }
        }),
      ),
    );
  }

  failPending(endpointId: string, now: Date): Promise<number> {
    return mysqlCall(() =>
      this.knex('webhook_deliveries')
        .where({ endpoint_id: endpointId, status: 'PENDING' })
        .update({ status: 'FAILED', next_attempt_at: null, finished_at: now }),
    );
  }

  pageByEndpoint(endpointId: string, page: number, size: number): Promise<DeliveryPage> {
    return mysqlCall(async () => {
      const [rows, counted] = await Promise.all([
        this.knex('webhook_deliveries')
          .select<DeliveryRow[]>(
            'id',
            'endpoint_id',
            'message_id',
            'event_type',
            'status',
            'attempt_count',
            'next_attempt_at',
            'created_at',
            'delivered_at',
          )
          .where('endpoint_id', endpointId)
          .orderBy([
            { column: 'created_at', order: 'desc' },
            { column: 'message_seq', order: 'desc' },
          ])
          .limit(size)
          .offset((page - 1) * size),
        this.knex('webhook_deliveries')
          .where('endpoint_id', endpointId)
          .count<{ total: number | string }[]>({ total: '*' }),
      ]);
      const attempts =
        rows.length === 0
          ? []
          : await this.knex('webhook_delivery_attempts')
              .select<AttemptRow[]>('delivery_id', 'attempted_at', 'status_code', 'error', 'duration_ms')
              .whereIn(
                'delivery_id',
                rows.map((row) => row.id),
              )
              .orderBy('id');
      return {
        total: Number(counted[0]?.total ?? 0),
        items: rows.map((row) => ({
          id: row.id,
          endpointId: row.endpoint_id,
          messageId: row.message_id,
          eventType: row.event_type,
          status: row.status,
          attempts: attempts
            .filter((attempt) => attempt.delivery_id === row.id)
            .map((attempt) => ({
              attemptedAt: attempt.attempted_at,
              statusCode: attempt.status_code,
              error: attempt.error,
              durationMs: attempt.duration_ms,
            })),
          nextAttemptAt: row.next_attempt_at,
          createdAt: row.created_at,
          deliveredAt: row.delivered_at,
        })),
      };
    });
  }

  purgeFinished(before: Date, limit: number): Promise<number> {
    return mysqlCall(() =>
      this.knex('webhook_deliveries')
        .whereIn('status', ['DELIVERED', 'FAILED'])
        .andWhere('finished_at', '<', before)
        .limit(limit)
        .del(),
    );
  }
}
