import type Redis from 'ioredis';
import { HoldAttempt } from '../../../src/application/sales/ports/seat-hold-store';
import { connectRedis, createRedis } from '../../../src/adapters/redis/redis-client';
import { RedisSeatHoldStore } from '../../../src/adapters/redis/redis-seat-hold.store';
import { testRedisUrl } from '../../support/environment';
import { seatHoldKey } from '../../support/redis-seat-keys';
import { aPerformanceId, aReservationId, millisecondsAfter, seatIds } from '../../support/seat-hold.mother';

const SEATS = seatIds(50);
const CONTENDERS = 200;
/** Several connections, so requests reach Redis interleaved rather than in one client's order. */
const CONNECTIONS = 8;

let clients: Redis[];

beforeAll(async () => {
  clients = Array.from({ length: CONNECTIONS }, () => createRedis(testRedisUrl));
  await Promise.all(clients.map((client) => connectRedis(client)));
});
beforeEach(() => clients[0]!.flushdb());
afterAll(() => Promise.all(clients.map((client) => client.quit())));

/** A seeded generator (mulberry32): a failure replays with the same requests. */
function randomFrom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** 2 to 6 distinct seats out of 50, so that almost every request overlaps many others. */
function someSeats(random: () => number): string[] {
  const wanted = 2 + Math.floor(random() * 5);
  const picked = new Set<string>();
  while (picked.size < wanted) picked.add(SEATS[Math.floor(random() * SEATS.length)]!);
  return [...picked];
}

describe('RedisSeatHoldStore under 200 concurrent holds', () => {
  it('never grants a seat twice, stores exactly the winners, and names real winners to the losers', async () => {
    const performanceId = aPerformanceId();
    const random = randomFrom(20300);
    const expiresAt = millisecondsAfter(new Date(), 10 * 60_000);
    const requests = Array.from({ length: CONTENDERS }, () => ({
      reservationId: aReservationId(),
      seats: someSeats(random),
    }));
    const stores = clients.map((client) => new RedisSeatHoldStore(client));

    const attempts: HoldAttempt[] = await Promise.all(
      requests.map((request, index) =>
        stores[index % CONNECTIONS]!.tryHold(performanceId, request.seats, request.reservationId, expiresAt),
      ),
    );

    const ownerOf = new Map<string, string>();
    const grantedTwice: string[] = [];
    requests.forEach((request, index) => {
      if (!attempts[index]!.granted) return;
      for (const seat of request.seats) {
        const earlier = ownerOf.get(seat);
        if (earlier !== undefined) grantedTwice.push(`${seat} to ${earlier} and ${request.reservationId}`);
        ownerOf.set(seat, request.reservationId);
      }
    });
    expect(grantedTwice).toEqual([]);
    const winners = attempts.filter((attempt) => attempt.granted).length;
    // The race was real: some won, most lost.
    expect(winners).toBeGreaterThan(0);
    expect(winners).toBeLessThan(CONTENDERS);

    const stored = await clients[0]!.mget(SEATS.map((seat) => seatHoldKey(performanceId, seat)));
    expect(Object.fromEntries(SEATS.map((seat, index) => [seat, stored[index] ?? null]))).toEqual(
      Object.fromEntries(SEATS.map((seat) => [seat, ownerOf.get(seat) ?? null])),
    );

    requests.forEach((request, index) => {
      const attempt = attempts[index]!;
      if (attempt.granted) return;
      const conflicts = 'conflicts' in attempt ? attempt.conflicts : [];
      expect(conflicts.length).toBeGreaterThan(0);
      for (const seat of conflicts) {
        expect(request.seats).toContain(seat);
        // Nothing is released during the race, so whoever held a named seat still holds it.
        expect(ownerOf.get(seat)).toBeDefined();
        expect(ownerOf.get(seat)).not.toBe(request.reservationId);
      }
    });
  });
});
