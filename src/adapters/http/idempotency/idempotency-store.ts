/*
 * Why this store is the HTTP adapter's, not a port of the application: what it keeps is the
 * HTTP answer itself (status, a few headers, the body as sent), replayed byte for byte to a
 * retry with the same Idempotency-Key. No use case reads or writes it; Idempotency (beside
 * it) wraps routes with it. Turning it into a port "of results" would only disguise a
 * response as something else. So the interface, its two stores (MySQL, memory) and the job
 * that purges expired records all live here, and the application layer knows none of them.
 */

/** The first answer to a request, as it was sent: replayed to every retry with the same key. */
export interface RecordedResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export interface IdempotencyClaim {
  readonly memberId: string;
  /** The client's Idempotency-Key: 1–255 printable ASCII characters. */
  readonly key: string;
  /** A hash of what was asked (method, path, body): the same key with another request is refused. */
  readonly fingerprint: string;
  readonly now: Date;
  /** From then on the record is forgotten and the key may be used afresh. */
  readonly expiresAt: Date;
  /** Until then an unfinished first request keeps the key; a request that died mid-way frees it at this time. */
  readonly lockedUntil: Date;
}

export type IdempotencyStart =
  /** The caller owns the key: run the request, then `complete` or `abandon`. */
  | { readonly outcome: 'started' }
  /** The request ran before: answer what it answered. */
  | { readonly outcome: 'replay'; readonly response: RecordedResponse }
  /** The first request with this key is still running. */
  | { readonly outcome: 'in-flight'; readonly lockedUntil: Date }
  /** The key was used for a different request. */
  | { readonly outcome: 'mismatch' };

/**
 * Idempotency records of members' requests, shared by every instance. `start` is atomic:
 * of any number of concurrent calls with one member and key, exactly one is `started`.
 */
export interface IdempotencyStore {
  start(claim: IdempotencyClaim): Promise<IdempotencyStart>;
  /** Records the answer of a started request; does nothing if the claim was lost meanwhile. */
  complete(memberId: string, key: string, fingerprint: string, response: RecordedResponse): Promise<void>;
  /** Forgets a started request that must not be replayed (it failed with a 5xx): a retry runs again. */
  abandon(memberId: string, key: string, fingerprint: string): Promise<void>;
  /** Deletes up to `limit` records expired by `now`; returns how many. */
  deleteExpired(now: Date, limit: number): Promise<number>;
}
