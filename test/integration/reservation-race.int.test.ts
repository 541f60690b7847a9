import type { Knex } from 'knex';
import Redis from 'ioredis';
import { createKnex } from '../../src/adapters/persistence/knex-client';
import { testDatabaseUrl, testRedisUrl } from '../support/environment';
import type { ApiResponse } from '../../testkit/api-client';
import { doubleSoldSeats, sqlOverKnex } from '../../testkit/audit';
import { adjacentSeatWishes } from '../../testkit/seat-wishes';
import { startFullStack, type TestService } from '../support/service';

const MEMBERS = 200;
const SEATS = 50;

/**
 * The product's central promise, tested the way it is broken in real life: hundreds of
 * members racing over HTTP for the same seats, against the real MariaDB and Redis.
 */
describe('an on-sale race over HTTP against MariaDB and Redis', () => {
  let service: TestService;
  let knex: Knex;
  let redis: Redis;
  let tokens: string[];

  beforeAll(async () => {
    service = await startFullStack();
    knex = createKnex(testDatabaseUrl, { poolMax: 4 });
    redis = new Redis(testRedisUrl);
    tokens = (await service.api.newMembers(MEMBERS, 'racer', 20)).map((member) => member.token);
  }, 120_000);

  afterAll(async () => {
    await service?.close();
    await knex?.destroy();
    redis?.disconnect();
  });

  /** Sends every member's request at once; `duringRace` runs once a quarter of the answers are in. */
  async function race(performanceId: string, seatIds: string[], duringRace?: () => Promise<void>) {
    const wanted = adjacentSeatWishes(tokens.length, seatIds);
    let answered = 0;
    let quarterIn: () => void = () => {};
    const quarter = new Promise<void>((resolve) => (quarterIn = resolve));
    const requests = tokens.map((token, member) =>
      service
        .request('POST', '/api/v1/reservations', {
          token,
          body: { performanceId, seatIds: wanted[member] },
        })
        .finally(() => {
          if (++answered === Math.ceil(tokens.length / 4)) quarterIn();
        }),
    );
    if (duringRace) {
      await quarter;
      await duringRace();
    }
    return { wanted, responses: await Promise.all(requests) };
  }

  async function audit(performanceId: string, responses: ApiResponse[], { redisWasIntact = true } = {}) {
    const winners = responses.filter((response) => response.status === 201);
    const losers = responses.filter((response) => response.status !== 201);

    // No 5xx, and every loser was told precisely why.
    expect(responses.filter((response) => response.status >= 500)).toEqual([]);
    for (const loser of losers) {
      expect(loser.status).toBe(409);
      expect(loser.body).toMatchObject({ code: 'SEAT_UNAVAILABLE' });
      expect(loser.body.seatIds.length).toBeGreaterThan(0);
    }

    // No seat in two active reservations, judged from statuses, not from the constraint column.
    expect(await doubleSoldSeats(sqlOverKnex(knex), performanceId)).toEqual([]);

    // Every 201 is a row in MySQL with exactly the seats it promised, and nothing else was written.
    const rows = await knex('reservations').where('performance_id', performanceId).select('id', 'status');
    expect(rows).toHaveLength(winners.length);
    const rowIds = new Set(rows.map((row: { id: string }) => row.id));
    for (const winner of winners) expect(rowIds.has(winner.body.id)).toBe(true);
    const seatRows = await knex('reservation_seats').where('performance_id', performanceId).count({ n: '*' });
    expect(Number(seatRows[0]!.n)).toBe(winners.reduce((sum, winner) => sum + winner.body.seats.length, 0));

    // Every loser lost to a seat that somebody actually holds. (Only while Redis is intact:
    // after a flush a loser may have lost to a hold that MySQL then refused, a false 409 that
    // costs a retry but never a double sale.)
    const held = new Set(winners.flatMap((winner) => winner.body.seats.map((seat: { id: string }) => seat.id)));
    if (redisWasIntact) {
      for (const loser of losers) expect(loser.body.seatIds.some((seatId: string) => held.has(seatId))).toBe(true);
    }
    return { winners, losers, held };
  }

  it('sells every seat at most once, answers every loser with 409, and confirms what it sold', async () => {
    const performance = await service.createHall({ rows: 5, seatsPerRow: 10 });
    expect(performance.seatIds).toHaveLength(SEATS);

    const { responses } = await race(performance.id, performance.seatIds);
    const { winners, held } = await audit(performance.id, responses);
    expect(winners.length).toBeGreaterThan(0);
    expect(held.size).toBeGreaterThan(SEATS / 2);

    // Winners confirm; every confirmation is durable and the seat map agrees.
    const confirmations = await Promise.all(
      winners.map((winner) =>
        service.request('POST', `/api/v1/reservations/${winner.body.id}/confirm`, {
          token: tokens[responses.indexOf(winner)]!,
        }),
      ),
    );
    expect(confirmations.map((confirmation) => confirmation.status)).toEqual(winners.map(() => 200));
    const confirmedRows = await knex('reservations')
      .where({ performance_id: performance.id, status: 'CONFIRMED' })
      .count({ n: '*' });
    expect(Number(confirmedRows[0]!.n)).toBe(winners.length);
  }, 60_000);

  it('still never sells a seat twice when Redis is flushed in the middle of the race', async () => {
    const performance = await service.createHall({ rows: 5, seatsPerRow: 10 });
    let flushed = false;
    const { responses } = await race(performance.id, performance.seatIds, async () => {
      // A quarter of the race has landed in Redis; wipe it, and MySQL must decide alone.
      await redis.flushdb();
      flushed = true;
    });
    expect(flushed).toBe(true);
    const { winners, held } = await audit(performance.id, responses, { redisWasIntact: false });
    expect(winners.length).toBeGreaterThan(0);

    // A second wave after the flush, with Redis knowing nothing of the first: held seats stay held.
    const again = await race(performance.id, performance.seatIds);
    for (const winner of again.responses.filter((response) => response.status === 201)) {
      for (const seat of winner.body.seats) expect(held.has(seat.id)).toBe(false);
    }
    await audit(performance.id, [...responses, ...again.responses], { redisWasIntact: false });
  }, 60_000);
});
