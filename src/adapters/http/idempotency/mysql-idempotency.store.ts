import { Knex } from 'knex';
import { IdempotencyClaim, IdempotencyStart, IdempotencyStore, RecordedResponse } from './idempotency-store';
import { mysqlCall } from '../../persistence/mysql-errors';

interface IdempotencyKeyRow {
  fingerprint: string;
  status_code: number | null;
  response_headers: string | null;
  response_body: string | null;
  locked_until: Date | null;
  expires_at: Date;
}

/** How often `start` re-reads a record that changed under it before it gives up as in flight. */
const MAX_ATTEMPTS = 3;

/**
 * Idempotency records in MySQL, shared by every instance. Each statement stands alone
 * (autocommit): the primary key decides which of several concurrent first requests owns the
 * key, and conditional updates hand an expired record or an abandoned claim to exactly one taker.
 */
export class MysqlIdempotencyStore implements IdempotencyStore {
  constructor(private readonly knex: Knex) {}

  start(claim: IdempotencyClaim): Promise<IdempotencyStart> {
    return mysqlCall(async () => {
      for (let attempt = 1; ; attempt++) {
        const [inserted] = (await this.knex.raw(
          `INSERT IGNORE INTO idempotency_keys
             (member_id, idempotency_key, fingerprint, locked_until, created_at, expires_at)
           VALUES (?, ?, ?, ?, ?, ?)`,
          [claim.memberId, claim.key, claim.fingerprint, claim.lockedUntil, claim.now, claim.expiresAt],
        )) as [{ affectedRows: number }];
        if (inserted.affectedRows === 1) return { outcome: 'started' };

        const row = await this.row(claim.memberId, claim.key);
        if (!row) continue; // purged in between: insert again
        if (row.expires_at <= claim.now) {
          // An expired record is as good as none: replace it, unless another request just did.
          const replaced = await this.record(claim.memberId, claim.key).where('expires_at', '<=', claim.now).update({
            fingerprint: claim.fingerprint,
            status_code: null,
            response_headers: null,
            response_body: null,
            locked_until: claim.lockedUntil,
            created_at: claim.now,
            expires_at: claim.expiresAt,
          });
          if (replaced === 1) return { outcome: 'started' };
        } else if (row.fingerprint !== claim.fingerprint) {
          return { outcome: 'mismatch' };
        } else if (row.status_code !== null) {
          return { outcome: 'replay', response: responseOf(row) };
        } else if (row.locked_until && row.locked_until > claim.now) {
          return { outcome: 'in-flight', lockedUntil: row.locked_until };
        } else {
          // The first request died without an answer: take the key over, unless another retry just did.
          const taken = await this.record(claim.memberId, claim.key)
            .where({ fingerprint: claim.fingerprint })
            .whereNull('status_code')
            .andWhere('locked_until', '<=', claim.now)
            .update({ locked_until: claim.lockedUntil });
          if (taken === 1) return { outcome: 'started' };
        }
        if (attempt >= MAX_ATTEMPTS) return { outcome: 'in-flight', lockedUntil: claim.lockedUntil };
      }
    });
  }

  complete(memberId: string, key: string, fingerprint: string, response: RecordedResponse): Promise<void> {
    return mysqlCall(async () => {
      await this.record(memberId, key)
        .where({ fingerprint })
        .whereNull('status_code')
        .update({
          status_code: response.status,
          response_headers: JSON.stringify(response.headers),
          response_body: response.body,
          locked_until: null,
        });
    });
  }

  abandon(memberId: string, key: string, fingerprint: string): Promise<void> {
    return mysqlCall(async () => {
      await this.record(memberId, key).where({ fingerprint }).whereNull('status_code').del();
    });
  }

  /** Walks the expiry index; a batch at a time keeps each delete's locks short. */
  deleteExpired(now: Date, limit: number): Promise<number> {
    return mysqlCall(async () => {
      const [result] = (await this.knex.raw('DELETE FROM idempotency_keys WHERE expires_at <= ? LIMIT ?', [
        now,
        limit,
      ])) as [{ affectedRows: number }];
      return result.affectedRows;
    });
  }

  private record(memberId: string, key: string): Knex.QueryBuilder {
    return this.knex('idempotency_keys').where({ member_id: memberId, idempotency_key: key });
  }

  private async row(memberId: string, key: string): Promise<IdempotencyKeyRow | undefined> {
    return this.record(memberId, key).first<IdempotencyKeyRow | undefined>(
      'fingerprint',
      'status_code',
      'response_headers',
      'response_body',
      'locked_until',
      'expires_at',
    );
  }
}

function responseOf(row: IdempotencyKeyRow): RecordedResponse {
  return {
    status: row.status_code!,
    headers: row.response_headers ? (JSON.parse(row.response_headers) as Record<string, string>) : {},
    body: row.response_body ?? '',
  };
}
