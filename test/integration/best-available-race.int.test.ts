import type { Knex } from 'knex';
import Redis from 'ioredis';
import { createKnex } from '../../src/adapters/persistence/knex-client';
import { testDatabaseUrl, testRedisUrl } from '../support/environment';
import type { ApiResponse } from '../../testkit/api-client';
import { doubleSoldSeats, sqlOverKnex } from '../../testkit/audit';
import { startFullStack, type TestService } from '../support/service';

const MEMBERS = 300;
const ROWS = 10;
const SEATS_PER_ROW = 20;

interface SeatOnMap {
  readonly id: string;
  readonly label: string;
  readonly status: string;
}

/** "A-3-12" → section A, row 3, number 12. */
function place(label: string) {
  const [section, row, number] = label.split('-');
  return { section: section!, row: Number(row), number: Number(number) };
}

/** The largest run of adjacent seats per the map that are free (by MySQL's word, `taken`). */
function largestFreeBlock(seats: readonly SeatOnMap[], taken: ReadonlySet<string>): number {
  const rows = new Map<string, { number: number; free: boolean }[]>();
  for (const seat of seats) {
    const { section, row, number } = place(seat.label);
    const key = `${section}-${row}`;
    if (!rows.has(key)) rows.set(key, []);
    rows.get(key)!.push({ number, free: !taken.has(seat.id) });
  }
  let largest = 0;
  for (const row of rows.values()) {
    row.sort((a, b) => a.number - b.number);
    let run = 0;
    for (const seat of row) {
      run = seat.free ? run + 1 : 0;
      largest = Math.max(largest, run);
    }
  }
  return largest;
}

/**
 * Best available under an on-sale race, the way it is used: hundreds of members asking at
 * once for "n seats together" over HTTP, against the real MariaDB and Redis.
 */
describe('a best-available race over HTTP against MariaDB and Redis', () => {
  let service: TestService;
  let knex: Knex;
  let redis: Redis;
  let tokens: string[];

  beforeAll(async () => {
    service = await startFullStack();
    knex = createKnex(testDatabaseUrl, { poolMax: 4 });
    redis = new Redis(testRedisUrl);
    tokens = (await service.api.newMembers(MEMBERS, 'best', 20)).map((member) => member.token);
  }, 180_000);

  afterAll(async () => {
    await service?.close();
    await knex?.destroy();
    redis?.disconnect();
  });

  async function race(performanceId: string, duringRace?: () => Promise<void>) {
    // 1–4 seats, the same mix on every run.
    const quantities = tokens.map((_, member) => 1 + ((member * 7) % 4));
    let answered = 0;
    let quarterIn: () => void = () => {};
    const quarter = new Promise<void>((resolve) => (quarterIn = resolve));
    const requests = tokens.map((token, member) =>
      service
        .request('POST', '/api/v1/reservations', { token, body: { performanceId, quantity: quantities[member] } })
        .finally(() => {
          if (++answered === Math.ceil(tokens.length / 4)) quarterIn();
        }),
    );
    if (duringRace) {
      await quarter;
      await duringRace();
    }
    return { quantities, responses: await Promise.all(requests) };
  }

  async function audit(performanceId: string, quantities: number[], responses: ApiResponse[]) {
    // No 5xx; every refusal is NOT_ENOUGH_SEATS_TOGETHER with the largest block it saw.
    expect(responses.filter((response) => response.status !== 201 && response.status !== 409)).toEqual([]);
    const winners = responses.filter((response) => response.status === 201);
    const refused = responses
      .map((response, member) => ({ response, quantity: quantities[member]! }))
      .filter(({ response }) => response.status === 409);
    for (const { response, quantity } of refused) {
      expect(response.body).toMatchObject({ code: 'NOT_ENOUGH_SEATS_TOGETHER', requested: quantity });
      expect(response.body.largestBlock).toBeLessThan(quantity);
    }

    // Nothing sold twice (testkit's audit, judged by reservation status in MySQL).
    expect(await doubleSoldSeats(sqlOverKnex(knex), performanceId)).toEqual([]);

    // Every 201 is a MySQL row with exactly its seats, and every reservation is one block:
    // one section, one row, consecutive numbers, as many as asked for.
    const rows = await knex('reservations').where('performance_id', performanceId).select('id');
    expect(rows).toHaveLength(winners.length);
    for (const winner of winners) {
      const member = responses.indexOf(winner);
      const places = winner.body.seats.map((seat: { label: string }) => place(seat.label));
      expect(places).toHaveLength(quantities[member]!);
      expect(new Set(places.map((seat: { section: string; row: number }) => `${seat.section}-${seat.row}`)).size).toBe(
        1,
      );
      const numbers = places.map((seat: { number: number }) => seat.number).sort((a: number, b: number) => a - b);
      expect(numbers).toEqual(numbers.map((_: number, index: number) => numbers[0] + index));
    }

    // Nothing refused that would have fitted at the end: the hall is sold out, or every block
    // left is smaller than the smallest refused request.
    const map = await service.api.expect(200, 'GET', `/api/v1/performances/${performanceId}/seats`);
    const takenRows = await knex('reservation_seats as claim')
      .join('reservations as reservation', 'reservation.id', 'claim.reservation_id')
      .where('claim.performance_id', performanceId)
      .whereIn('reservation.status', ['PENDING', 'CONFIRMED'])
      .select('claim.seat_id');
    const taken = new Set(takenRows.map((row: { seat_id: string }) => row.seat_id));
    const largest = largestFreeBlock(map.seats, taken);
    const smallestRefused = Math.min(...refused.map(({ quantity }) => quantity));
    if (taken.size < ROWS * SEATS_PER_ROW) expect(largest).toBeLessThan(smallestRefused);
    return { winners, refused, taken };
  }

  it('sells 1–4 adjacent seats to each winner, never a seat twice, and refuses only what no longer fits', async () => {
    const hall = await service.createHall({ rows: ROWS, seatsPerRow: SEATS_PER_ROW });
    const { quantities, responses } = await race(hall.id);
    const { winners, refused, taken } = await audit(hall.id, quantities, responses);
    expect(winners.length).toBeGreaterThan(60);
    expect(refused.length).toBeGreaterThan(0);
    expect(taken.size).toBeGreaterThan(ROWS * SEATS_PER_ROW * 0.95);
  }, 120_000);

  it('still sells no seat twice and keeps every block together when Redis is flushed mid-race', async () => {
    const hall = await service.createHall({ rows: ROWS, seatsPerRow: SEATS_PER_ROW });
    let flushed = false;
    const { quantities, responses } = await race(hall.id, async () => {
      await redis.flushdb();
      flushed = true;
    });
    expect(flushed).toBe(true);
    const { winners } = await audit(hall.id, quantities, responses);
    expect(winners.length).toBeGreaterThan(60);
  }, 120_000);
});
