import type { Knex } from 'knex';
import type { OutboxMessage } from '../../domain/integrations/webhook-events';

/**
 * The outbox table (migration 008): one row per event that leaves the service, inserted in
 * the transaction of the change that caused it, and deleted as soon as a relay has fanned it
 * out into deliveries. Rows are kept small (ids, no aggregate copy) and the table stays
 * near-empty, so writing it costs the hot path one small insert into the end of a primary key.
 * `seq` (auto-increment) orders one reservation's messages: its changes commit one after another.
 */
export const OUTBOX_COLUMNS = ['id', 'type', 'ordering_key', 'occurred_at', 'data'] as const;

export interface OutboxRow {
  readonly id: string;
  readonly type: string;
  readonly ordering_key: string;
  readonly occurred_at: Date;
  readonly data: string;
}

export function outboxRows(messages: readonly OutboxMessage[]): OutboxRow[] {
  return messages.map((message) => ({
    id: message.id,
    type: message.type,
    ordering_key: message.orderingKey,
    occurred_at: message.occurredAt,
    data: JSON.stringify(message.data),
  }));
}

/** Inside the caller's transaction: the messages commit or roll back with the change. */
export async function insertOutbox(trx: Knex.Transaction, messages: readonly OutboxMessage[]): Promise<void> {
  if (messages.length > 0) await trx('outbox').insert(outboxRows(messages));
}
