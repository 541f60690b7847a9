import { randomUUID } from 'node:crypto';
import { startTestApp, type TestApp } from '../support/service';
import type { Json } from '../../testkit/api-client';
import { DAY, HOUR } from '../../testkit/time';
import { expectProblem } from '../support/problem-assertions';

describe('performances', () => {
  let app: TestApp;
  let admin: string;
  let member: string;

  beforeAll(async () => {
    app = await startTestApp();
    admin = await app.adminToken();
    member = await app.memberToken();
  });
  afterAll(() => app.close());

  describe('POST /api/v1/performances', () => {
    it('creates the performance for an admin: 201, Location, seat count, grades and sections, no seat list', async () => {
      const input = app.performanceInput({ title: 'Opening Night' });
      const response = await app.request('POST', '/api/v1/performances', { token: admin, body: input });
      expect(response.status).toBe(201);
      expect(response.headers.get('location')).toBe(`/api/v1/performances/${response.body.id}`);
      expect(response.body).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        title: 'Opening Night',
        venue: input.venue,
        startsAt: input.startsAt,
        salesOpenAt: input.salesOpenAt,
        salesCloseAt: input.salesCloseAt,
        currency: 'KRW',
        seatCount: 20,
        grades: [
          { name: 'VIP', price: 150_000, currency: 'KRW' },
          { name: 'R', price: 120_000, currency: 'KRW' },
        ],
        sections: input.sections,
        waitingRoom: null,
        createdAt: '2030-01-01T00:00:00.000Z',
      });
      const located = await app.request('GET', response.headers.get('location')!);
      expect(located.body.id).toBe(response.body.id);
    });

    it('keeps a currency that is given and accepts offsets in dates', async () => {
      const response = await app.request('POST', '/api/v1/performances', {
        token: admin,
        body: app.performanceInput({ currency: 'USD', startsAt: '2030-03-01T20:00:00+09:00' }),
      });
      expect(response.status).toBe(201);
      expect(response.body.currency).toBe('USD');
      expect(response.body.grades[0].currency).toBe('USD');
      expect(response.body.startsAt).toBe('2030-03-01T11:00:00.000Z');
    });

    it('answers 403 FORBIDDEN to a member, before looking at the body', async () => {
      expectProblem(
        await app.request('POST', '/api/v1/performances', { token: member, body: app.performanceInput() }),
        403,
        'FORBIDDEN',
      );
      expectProblem(
        await app.request('POST', '/api/v1/performances', { token: member, body: { nonsense: true } }),
        403,
        'FORBIDDEN',
      );
    });

    it('answers 401 UNAUTHENTICATED without a token', async () => {
      expectProblem(
        await app.request('POST', '/api/v1/performances', { body: app.performanceInput() }),
        401,
        'UNAUTHENTICATED',
      );
    });

    it('answers 422 INVALID_PERFORMANCE when sales close after the show starts or a section uses an unknown grade', async () => {
      const late = app.performanceInput({
        salesCloseAt: new Date(Date.parse(app.performanceInput().startsAt) + HOUR).toISOString(),
      });
      expectProblem(
        await app.request('POST', '/api/v1/performances', { token: admin, body: late }),
        422,
        'INVALID_PERFORMANCE',
      );
      const unknownGrade = app.performanceInput({ sections: [{ name: 'A', grade: 'GOLD', rows: 1, seatsPerRow: 1 }] });
      expectProblem(
        await app.request('POST', '/api/v1/performances', { token: admin, body: unknownGrade }),
        422,
        'INVALID_PERFORMANCE',
      );
    });

    it('answers 400 VALIDATION_FAILED listing every field that has the wrong type', async () => {
      const body = {
        ...app.performanceInput(),
        startsAt: 'next friday',
        grades: [{ name: 'VIP', price: 10.5 }],
        sections: 'A',
      };
      const problem = expectProblem(
        await app.request('POST', '/api/v1/performances', { token: admin, body }),
        400,
        'VALIDATION_FAILED',
      );
      expect(problem.errors.map((issue: { path: string }) => issue.path).sort()).toEqual([
        'grades.0.price',
        'sections',
        'startsAt',
      ]);
    });

    it('answers 400 VALIDATION_FAILED for an unknown field in a nested object', async () => {
      const body = app.performanceInput({ grades: [{ name: 'VIP', price: 1, colour: 'gold' } as never] });
      const problem = expectProblem(
        await app.request('POST', '/api/v1/performances', { token: admin, body }),
        400,
        'VALIDATION_FAILED',
      );
      expect(problem.errors).toEqual([{ path: 'grades.0', message: expect.stringContaining('colour') }]);
    });
  });

  describe('GET /api/v1/performances', () => {
    let listing: TestApp;
    beforeAll(async () => {
      listing = await startTestApp();
      for (let index = 0; index < 3; index++) {
        await listing.createPerformance({
          title: `Show ${index}`,
          salesOpenAt: new Date(listing.clock.now().getTime() - (index + 1) * HOUR).toISOString(),
        });
      }
      await listing.createPerformance({
        title: 'Already over',
        startsAt: new Date(listing.clock.now().getTime() - DAY).toISOString(),
        salesOpenAt: new Date(listing.clock.now().getTime() - 3 * DAY).toISOString(),
        salesCloseAt: new Date(listing.clock.now().getTime() - 2 * DAY).toISOString(),
      });
    });
    afterAll(() => listing.close());

    it('pages upcoming performances, most recently opened first, with the lowest price', async () => {
      const first = await listing.request('GET', '/api/v1/performances?page=1&size=2');
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({ page: 1, size: 2, total: 3 });
      expect(first.body.items.map((item: { title: string }) => item.title)).toEqual(['Show 0', 'Show 1']);
      expect(first.body.items[0]).toEqual({
        id: expect.any(String),
        title: 'Show 0',
        venue: 'Test Hall',
        startsAt: expect.any(String),
        salesOpenAt: expect.any(String),
        salesCloseAt: expect.any(String),
        seatCount: 20,
        lowestPrice: 120_000,
        currency: 'KRW',
      });
      const second = await listing.request('GET', '/api/v1/performances?page=2&size=2');
      expect(second.body.items.map((item: { title: string }) => item.title)).toEqual(['Show 2']);
    });

    it('defaults to page 1 of 20', async () => {
      const response = await listing.request('GET', '/api/v1/performances');
      expect(response.body).toMatchObject({ page: 1, size: 20, total: 3 });
      expect(response.body.items).toHaveLength(3);
    });

    it.each(['size=0', 'size=101', 'size=abc', 'page=0', 'page=1.5'])(
      'answers 400 VALIDATION_FAILED for %s',
      async (query) => {
        const problem = expectProblem(
          await listing.request('GET', `/api/v1/performances?${query}`),
          400,
          'VALIDATION_FAILED',
        );
        expect(problem.errors).toEqual([{ path: query.split('=')[0], message: expect.any(String) }]);
      },
    );
  });

  describe('GET /api/v1/performances/:id and /seats', () => {
    let performance: Json;
    let seatIds: string[];
    beforeAll(async () => {
      performance = await app.createPerformance();
      seatIds = await app.seatIds(performance.id);
    });

    it('answers the detail with availability per grade, which follows holds and confirmations', async () => {
      const before = await app.request('GET', `/api/v1/performances/${performance.id}`);
      expect(before.status).toBe(200);
      expect(before.body).toEqual({
        ...performance,
        availability: [
          { grade: 'VIP', total: 10, available: 10 },
          { grade: 'R', total: 10, available: 10 },
        ],
      });
      const held = await app.request('POST', '/api/v1/reservations', {
        token: member,
        body: { performanceId: performance.id, seatIds: seatIds.slice(0, 2) },
      });
      expect(held.status).toBe(201);
      const after = await app.request('GET', `/api/v1/performances/${performance.id}`);
      expect(after.body.availability).toEqual([
        { grade: 'VIP', total: 10, available: 8 },
        { grade: 'R', total: 10, available: 10 },
      ]);
    });

    it('answers the seat map with every seat, its price and its status', async () => {
      const buyer = await app.memberToken();
      const [held, sold] = [seatIds[10]!, seatIds[11]!];
      await app.request('POST', '/api/v1/reservations', {
        token: buyer,
        body: { performanceId: performance.id, seatIds: [held] },
      });
      const toConfirm = await app.request('POST', '/api/v1/reservations', {
        token: buyer,
        body: { performanceId: performance.id, seatIds: [sold] },
      });
      expect(
        (await app.request('POST', `/api/v1/reservations/${toConfirm.body.id}/confirm`, { token: buyer })).status,
      ).toBe(200);

      const response = await app.request('GET', `/api/v1/performances/${performance.id}/seats`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      expect(response.headers.get('cache-control')).toBe('public, max-age=0, must-revalidate');
      expect(response.body.performanceId).toBe(performance.id);
      expect(response.body.currency).toBe('KRW');
      expect(response.body.seats).toHaveLength(20);
      expect(response.body.seats[0]).toEqual({
        id: seatIds[0],
        label: 'A-1-1',
        section: 'A',
        row: 1,
        number: 1,
        grade: 'VIP',
        price: 150_000,
        status: 'HELD',
      });
      const byId = new Map(response.body.seats.map((seat: { id: string; status: string }) => [seat.id, seat]));
      expect(byId.get(held)).toMatchObject({ label: 'B-1-1', grade: 'R', price: 120_000, status: 'HELD' });
      expect(byId.get(sold)).toMatchObject({ label: 'B-1-2', status: 'RESERVED' });
      expect(byId.get(seatIds[19]!)).toMatchObject({ label: 'B-2-5', status: 'AVAILABLE' });
    });

    it.each(['', '/seats'])('answers 404 PERFORMANCE_NOT_FOUND for an unknown id (%s)', async (suffix) => {
      const id = randomUUID();
      const problem = expectProblem(
        await app.request('GET', `/api/v1/performances/${id}${suffix}`),
        404,
        'PERFORMANCE_NOT_FOUND',
      );
      expect(problem.performanceId).toBe(id);
    });

    it.each(['', '/seats'])('answers 400 INVALID_ID for a malformed id (%s)', async (suffix) => {
      const problem = expectProblem(
        await app.request('GET', `/api/v1/performances/not-a-uuid${suffix}`),
        400,
        'INVALID_ID',
      );
      expect(problem.errors).toEqual([{ path: 'id', message: expect.any(String) }]);
      expectProblem(await app.request('GET', `/api/v1/performances/${'9'.repeat(36)}${suffix}`), 400, 'INVALID_ID');
    });
  });

  describe('seat map serialization', () => {
    let served: TestApp;
    let id: string;
    const text = async () => (await served.request('GET', `/api/v1/performances/${id}/seats`)).text;

    beforeAll(async () => {
      served = await startTestApp();
      id = (await served.createPerformance()).id;
    });
    afterAll(() => served.close());

    it('is compact JSON, identical to JSON.stringify of itself, and follows every change', async () => {
      const first = await text();
      expect(first).toBe(JSON.stringify(JSON.parse(first)));
      const seats = JSON.parse(first).seats;
      const token = await served.memberToken();
      await served.request('POST', '/api/v1/reservations', {
        token,
        body: { performanceId: id, seatIds: [seats[3].id] },
      });
      const afterHold = JSON.parse(await text());
      expect(
        afterHold.seats
          .filter((seat: { status: string }) => seat.status !== 'AVAILABLE')
          .map((seat: { id: string }) => seat.id),
      ).toEqual([seats[3].id]);

      expect(JSON.parse(await text())).toEqual(afterHold);
    });
  });
});
