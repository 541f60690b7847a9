import { randomUUID } from 'node:crypto';
import {
  IdempotencyClaim,
  IdempotencyStore,
  RecordedResponse,
} from '../../src/adapters/http/idempotency/idempotency-store';
import { at, MINUTE, SECOND, T0 } from '../support/builders';

const TTL = 24 * 60 * MINUTE;
const LOCK = 30 * SECOND;

const created: RecordedResponse = {
  status: 201,
  headers: { 'Content-Type': 'application/json; charset=utf-8', Location: '/api/v1/reservations/r-1' },
  body: '{"id":"r-1","status":"PENDING"}',
};

/** What every IdempotencyStore must do, in memory and in MySQL. */
export function idempotencyStoreContract(makeStore: () => IdempotencyStore | Promise<IdempotencyStore>): void {
  describe('IdempotencyStore contract', () => {
    let store: IdempotencyStore;
    let memberId: string;
    /** A claim on `key` made at `now` (T0), with the TTL and lock from there. */
    const claim = (overrides: Partial<IdempotencyClaim> & { now?: Date } = {}): IdempotencyClaim => {
      const now = overrides.now ?? T0;
      return {
        memberId,
        key: 'key-1',
        fingerprint: 'a'.repeat(64),
        expiresAt: at(TTL, now),
        lockedUntil: at(LOCK, now),
        ...overrides,
        now,
      };
    };

    beforeEach(async () => {
      store = await makeStore();
      memberId = randomUUID();
    });

    it('starts the first request with a key, then answers in flight until it completes, then replays it', async () => {
      expect(await store.start(claim())).toEqual({ outcome: 'started' });
      expect(await store.start(claim({ now: at(SECOND) }))).toEqual({ outcome: 'in-flight', lockedUntil: at(LOCK) });

      await store.complete(memberId, 'key-1', claim().fingerprint, created);

      expect(await store.start(claim({ now: at(MINUTE) }))).toEqual({ outcome: 'replay', response: created });
      expect(await store.start(claim({ now: at(TTL - 1) }))).toEqual({ outcome: 'replay', response: created });
    });

    it('refuses the key for a different request, in flight or completed', async () => {
      await store.start(claim());
      expect(await store.start(claim({ fingerprint: 'b'.repeat(64) }))).toEqual({ outcome: 'mismatch' });
      await store.complete(memberId, 'key-1', claim().fingerprint, created);
      expect(await store.start(claim({ fingerprint: 'b'.repeat(64) }))).toEqual({ outcome: 'mismatch' });
    });

    it('keeps keys apart per member and compares them exactly', async () => {
      await store.start(claim());
      await store.complete(memberId, 'key-1', claim().fingerprint, created);

      expect(await store.start(claim({ memberId: randomUUID() }))).toEqual({ outcome: 'started' });
      expect(await store.start(claim({ key: 'KEY-1' }))).toEqual({ outcome: 'started' });
      expect(await store.start(claim({ key: 'key-1 ' }))).toEqual({ outcome: 'started' });
    });

    it('forgets a key once it expired: the next request with it starts afresh, even a different one', async () => {
      await store.start(claim());
      await store.complete(memberId, 'key-1', claim().fingerprint, created);

      const later = at(TTL);
      expect(await store.start(claim({ now: later, fingerprint: 'b'.repeat(64) }))).toEqual({ outcome: 'started' });
      const other: RecordedResponse = { status: 200, headers: {}, body: '{}' };
      await store.complete(memberId, 'key-1', 'b'.repeat(64), other);
      expect(await store.start(claim({ now: at(SECOND, later), fingerprint: 'b'.repeat(64) }))).toEqual({
        outcome: 'replay',
        response: other,
      });
    });

    it('lets a retry take over a first request that died without an answer, once its lock ran out', async () => {
      await store.start(claim());

      expect(await store.start(claim({ now: at(LOCK) }))).toEqual({ outcome: 'started' });
      expect(await store.start(claim({ now: at(LOCK + SECOND) }))).toEqual({
        outcome: 'in-flight',
        lockedUntil: at(2 * LOCK),
      });
    });

    it('forgets an abandoned request (a 5xx), so its retry runs again', async () => {
      await store.start(claim());
      await store.abandon(memberId, 'key-1', claim().fingerprint);

      expect(await store.start(claim({ now: at(SECOND) }))).toEqual({ outcome: 'started' });
    });

    it('never lets a completion or an abandonment of another request touch the record', async () => {
      await store.start(claim());
      await store.complete(memberId, 'key-1', 'b'.repeat(64), created);
      await store.abandon(memberId, 'key-1', 'b'.repeat(64));
      expect(await store.start(claim({ now: at(SECOND) }))).toMatchObject({ outcome: 'in-flight' });

      await store.complete(memberId, 'key-1', claim().fingerprint, created);
      await store.abandon(memberId, 'key-1', claim().fingerprint);
      await store.complete(memberId, 'key-1', claim().fingerprint, { status: 409, headers: {}, body: '{}' });
      expect(await store.start(claim({ now: at(SECOND) }))).toEqual({ outcome: 'replay', response: created });
    });

    it('starts exactly one of many concurrent first requests with one key', async () => {
      const outcomes = await Promise.all(Array.from({ length: 20 }, () => store.start(claim())));

      expect(outcomes.filter((outcome) => outcome.outcome === 'started')).toHaveLength(1);
      expect(outcomes.filter((outcome) => outcome.outcome === 'in-flight')).toHaveLength(19);
    });

    it('keeps a large answer whole', async () => {
      const large: RecordedResponse = {
        status: 201,
        headers: {},
        body: JSON.stringify({ items: 'x'.repeat(100_000) }),
      };
      await store.start(claim());
      await store.complete(memberId, 'key-1', claim().fingerprint, large);

      expect(await store.start(claim({ now: at(SECOND) }))).toEqual({ outcome: 'replay', response: large });
    });

    it('deletes expired records in batches of at most `limit`, and only those', async () => {
      for (const key of ['old-1', 'old-2', 'old-3']) await store.start(claim({ key, now: at(-TTL) }));
      await store.start(claim({ key: 'live' }));

      expect(await store.deleteExpired(T0, 2)).toBe(2);
      expect(await store.deleteExpired(T0, 2)).toBe(1);
      expect(await store.deleteExpired(T0, 2)).toBe(0);
      expect(await store.start(claim({ key: 'live', now: at(SECOND) }))).toMatchObject({ outcome: 'in-flight' });
    });
  });
}
