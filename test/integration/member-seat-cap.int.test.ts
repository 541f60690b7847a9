import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { SignJWT } from 'jose';
import { createKnex } from '../../src/adapters/persistence/knex-client';
import { testDatabaseUrl } from '../support/environment';
import { startFullStack, TEST_JWT_SECRET, type TestService } from '../support/service';

/**
 * MAX_SEATS_PER_MEMBER (4) over HTTP on MariaDB and Redis, with rate limits off as in a load
 * test: the cap is a business rule that RATE_LIMIT_ENABLED=false never lifts, and MySQL
 * enforces it in the transaction that records a hold, so concurrent requests cannot pass it.
 */
describe('the per-member seat cap on MariaDB and Redis', () => {
  let knex: Knex;
  beforeAll(() => {
    knex = createKnex(testDatabaseUrl, { poolMax: 4 });
  });
  afterAll(() => knex?.destroy());

  const seatCount = async (memberId: string, performanceId: string): Promise<number | undefined> =>
    (await knex('member_seat_counts').first('seats').where({ member_id: memberId, performance_id: performanceId }))
      ?.seats;
  const activeSeats = async (memberId: string, performanceId: string): Promise<number> => {
    const [row] = await knex('reservation_seats as rs')
      .join('reservations as r', 'r.id', 'rs.reservation_id')
      .where({ 'r.member_id': memberId, 'r.performance_id': performanceId })
      .whereIn('r.status', ['PENDING', 'CONFIRMED'])
      .count({ n: '*' });
    return Number(row!.n);
  };

  describe('with holds of the default length', () => {
    let service: TestService;
    beforeAll(async () => {
      service = await startFullStack({ RATE_LIMIT_ENABLED: 'false', MAX_SEATS_PER_MEMBER: '4' });
    }, 60_000);
    afterAll(() => service?.close());

    it('lets exactly 4 of 10 concurrent one-seat holds of one member through, and frees the seats of the others', async () => {
      const performance = await service.createHall({ rows: 2, seatsPerRow: 10 });
      const token = await service.memberToken();
      const seats = performance.seatIds.slice(0, 10);

      const responses = await Promise.all(
        seats.map((seatId) =>
          service.request('POST', '/api/v1/reservations', {
            token,
            body: { performanceId: performance.id, seatIds: [seatId] },
          }),
        ),
      );

      const statuses = responses.map((response) => response.status).sort();
      expect(statuses).toEqual([201, 201, 201, 201, 422, 422, 422, 422, 422, 422]);
      for (const refused of responses.filter((response) => response.status === 422)) {
        expect(refused.body).toMatchObject({ code: 'MEMBER_SEAT_LIMIT', limit: 4, held: 4, requested: 1 });
      }
      const memberId = responses.find((response) => response.status === 201)!.body.memberId;
      expect(await activeSeats(memberId, performance.id)).toBe(4);
      expect(await seatCount(memberId, performance.id)).toBe(4);

      // The refused seats were released in Redis as well: another member takes them at once.
      const refusedSeats = seats.filter((_, index) => responses[index]!.status === 422);
      const other = await service.memberToken();
      const taken = await service.request('POST', '/api/v1/reservations', {
        token: other,
        body: { performanceId: performance.id, seatIds: refusedSeats.slice(0, 4) },
      });
      expect(taken.status).toBe(201);
    }, 30_000);

    it('gives seats back on cancel and keeps confirmed ones counted', async () => {
      const performance = await service.createHall({ rows: 1, seatsPerRow: 10 });
      const token = await service.memberToken();
      const hold = (seatIds: string[]) =>
        service.request('POST', '/api/v1/reservations', {
          token,
          body: { performanceId: performance.id, seatIds },
        });
      const confirmed = (await hold(performance.seatIds.slice(0, 2))).body;
      const cancelled = (await hold(performance.seatIds.slice(2, 4))).body;
      await service.request('POST', `/api/v1/reservations/${confirmed.id}/confirm`, { token });
      expect((await hold(performance.seatIds.slice(4, 5))).body.code).toBe('MEMBER_SEAT_LIMIT');

      await service.request('POST', `/api/v1/reservations/${cancelled.id}/cancel`, { token });
      expect(await seatCount(confirmed.memberId, performance.id)).toBe(2);
      expect((await hold(performance.seatIds.slice(4, 6))).status).toBe(201);
      expect(await seatCount(confirmed.memberId, performance.id)).toBe(4);
    });

    it('answers 401 INVALID_TOKEN to a well-signed token of a member MySQL does not know, and writes nothing', async () => {
      const performance = await service.createHall({ rows: 1, seatsPerRow: 5 });
      const nobody = randomUUID();
      const token = await new SignJWT({ role: 'USER' })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject(nobody)
        .setIssuer('ticketing-service')
        .setAudience('ticketing-api')
        .setIssuedAt()
        .setExpirationTime('10m')
        .sign(new TextEncoder().encode(TEST_JWT_SECRET));

      const response = await service.request('POST', '/api/v1/reservations', {
        token,
        body: { performanceId: performance.id, seatIds: [performance.seatIds[0]] },
      });

      expect(response.status).toBe(401);
      expect(response.body.code).toBe('INVALID_TOKEN');
      expect(await knex('reservations').where('member_id', nobody).count({ n: '*' })).toEqual([{ n: 0 }]);
      const other = await service.memberToken();
      const retaken = await service.request('POST', '/api/v1/reservations', {
        token: other,
        body: { performanceId: performance.id, seatIds: [performance.seatIds[0]] },
      });
      expect(retaken.status).toBe(201);
    });
  });

  describe('with holds that expire within a second', () => {
    let service: TestService;
    beforeAll(async () => {
      service = await startFullStack({ HOLD_TTL_SECONDS: '1', HOLD_SWEEP_INTERVAL_MS: '200' });
    }, 60_000);
    afterAll(() => service?.close());

    it('gives the seats of swept holds back to the member', async () => {
      const performance = await service.createHall({ rows: 1, seatsPerRow: 10 });
      const token = await service.memberToken();
      const hold = (seatIds: string[]) =>
        service.request('POST', '/api/v1/reservations', {
          token,
          body: { performanceId: performance.id, seatIds },
        });
      const first = await hold(performance.seatIds.slice(0, 4));
      expect(first.status).toBe(201);

      const deadline = Date.now() + 5_000;
      while ((await knex('reservations').first('status').where('id', first.body.id))?.status !== 'EXPIRED') {
        if (Date.now() > deadline) throw new Error('the sweeper did not expire the hold');
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(await seatCount(first.body.memberId, performance.id)).toBe(0);
      expect((await hold(performance.seatIds.slice(4, 8))).status).toBe(201);
    }, 30_000);
  });
});
