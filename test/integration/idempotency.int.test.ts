import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import type { Knex } from 'knex';
import { createKnex } from '../../src/adapters/persistence/knex-client';
import type { PurgeExpiredIdempotencyKeys } from '../../src/adapters/http/idempotency/purge-expired-idempotency-keys';
import { TOKENS } from '../../src/bootstrap/tokens';
import { testDatabaseUrl, testRedisUrl } from '../support/environment';
import { startFullStack, type TestService } from '../support/service';

/**
 * Idempotency-Key against MariaDB and Redis, with two instances of the service sharing
 * them: records live in MySQL, so every instance replays them, and a Redis flush or outage
 * does not forget them.
 */
describe('Idempotency-Key across instances', () => {
  let first: TestService;
  let second: TestService;
  let knex: Knex;
  let redis: Redis;
  let token: string;
  let performance: { id: string; seatIds: string[] };

  beforeAll(async () => {
    [first, second] = await Promise.all([startFullStack(), startFullStack()]);
    knex = createKnex(testDatabaseUrl, { poolMax: 4 });
    redis = new Redis(testRedisUrl);
    performance = await first.createHall({ rows: 2, seatsPerRow: 10 });
    token = await first.memberToken();
  }, 60_000);
  afterAll(async () => {
    await Promise.all([first?.close(), second?.close()]);
    await knex?.destroy();
    redis?.disconnect();
  });

  const hold = (service: TestService, seatIds: string[], key: string) =>
    service.request('POST', '/api/v1/reservations', {
      token,
      body: { performanceId: performance.id, seatIds },
      headers: { 'Idempotency-Key': key },
    });

  it('makes exactly one reservation of 20 concurrent identical requests with one key, on two instances', async () => {
    const key = randomUUID();
    const seats = performance.seatIds.slice(0, 2);

    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) => hold(i % 2 === 0 ? first : second, seats, key)),
    );

    const created = responses.filter((response) => response.status === 201);
    const inUse = responses.filter((response) => response.status === 409);
    expect(created.length + inUse.length).toBe(20);
    expect(created.length).toBeGreaterThanOrEqual(1);
    for (const response of inUse) {
      expect(response.body.code).toBe('IDEMPOTENCY_KEY_IN_USE');
      expect(Number(response.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    }
    expect(new Set(created.map((response) => JSON.stringify(response.body))).size).toBe(1);
    const rows = await knex('reservations').where('performance_id', performance.id).select('id');
    expect(rows).toEqual([{ id: created[0]!.body.id }]);

    // Once the first has answered, every retry, on either instance, gets its answer.
    for (const service of [first, second]) {
      const retry = await hold(service, seats, key);
      expect(retry.status).toBe(201);
      expect(retry.body).toEqual(created[0]!.body);
      expect(retry.headers.get('idempotent-replayed')).toBe('true');
    }
  }, 30_000);

  it('replays after Redis was flushed: the records are in MySQL', async () => {
    const key = randomUUID();
    const seats = performance.seatIds.slice(2, 3);
    const answered = await hold(first, seats, key);
    expect(answered.status).toBe(201);

    await redis.flushdb();
    const retry = await hold(second, seats, key);

    expect(retry.status).toBe(201);
    expect(retry.body).toEqual(answered.body);
    expect(
      await knex('reservations')
        .where('performance_id', performance.id)
        .whereIn('id', [answered.body.id])
        .count({ n: '*' }),
    ).toEqual([{ n: 1 }]);
  });

  it('purges expired records with the periodic job', async () => {
    const key = randomUUID();
    expect((await hold(first, performance.seatIds.slice(3, 4), key)).status).toBe(201);
    await knex('idempotency_keys')
      .where('idempotency_key', key)
      .update({ expires_at: new Date(Date.now() - 1000) });

    const purged = await first.application.container
      .get<PurgeExpiredIdempotencyKeys>(TOKENS.PurgeExpiredIdempotencyKeys)
      .execute();

    expect(purged).toBeGreaterThanOrEqual(1);
    expect(await knex('idempotency_keys').where('idempotency_key', key).count({ n: '*' })).toEqual([{ n: 0 }]);
  });
});
