import { IdempotencyClaim, IdempotencyStart, IdempotencyStore, RecordedResponse } from './idempotency-store';

interface IdempotencyRecord {
  readonly fingerprint: string;
  readonly expiresAt: Date;
  readonly lockedUntil: Date;
  readonly response: RecordedResponse | null;
}

/** The twin of the idempotency_keys table; every method decides without awaiting, so it is atomic. */
export class InMemoryIdempotencyStore implements IdempotencyStore {
  readonly #records = new Map<string, IdempotencyRecord>();

  async start(claim: IdempotencyClaim): Promise<IdempotencyStart> {
    const id = recordId(claim.memberId, claim.key);
    const existing = this.#records.get(id);
    const fresh = { fingerprint: claim.fingerprint, expiresAt: claim.expiresAt, lockedUntil: claim.lockedUntil };
    if (!existing || existing.expiresAt <= claim.now) {
      this.#records.set(id, { ...fresh, response: null });
      return { outcome: 'started' };
    }
    if (existing.fingerprint !== claim.fingerprint) return { outcome: 'mismatch' };
    if (existing.response) return { outcome: 'replay', response: existing.response };
    if (existing.lockedUntil > claim.now) return { outcome: 'in-flight', lockedUntil: existing.lockedUntil };
    // The first request died without an answer: this one takes the key over.
    this.#records.set(id, { ...existing, lockedUntil: claim.lockedUntil });
    return { outcome: 'started' };
  }

  async complete(memberId: string, key: string, fingerprint: string, response: RecordedResponse): Promise<void> {
    const id = recordId(memberId, key);
    const existing = this.#records.get(id);
    if (existing?.fingerprint !== fingerprint || existing.response) return;
    this.#records.set(id, { ...existing, response: { ...response, headers: { ...response.headers } } });
  }

  async abandon(memberId: string, key: string, fingerprint: string): Promise<void> {
    const id = recordId(memberId, key);
    const existing = this.#records.get(id);
    if (existing?.fingerprint === fingerprint && !existing.response) this.#records.delete(id);
  }

  async deleteExpired(now: Date, limit: number): Promise<number> {
    let deleted = 0;
    for (const [id, record] of this.#records) {
      if (deleted >= limit) break;
      if (record.expiresAt <= now) {
        this.#records.delete(id);
        deleted++;
      }
    }
    return deleted;
  }
}

function recordId(memberId: string, key: string): string {
  return `${memberId}\n${key}`;
}
