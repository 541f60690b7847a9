import { randomUUID } from 'node:crypto';
import { DEFAULT_TEST_POLICY, startTestApp, type TestApp } from '../support/service';
import type { ApiMember, Json } from '../../testkit/api-client';
import { DAY, HOUR } from '../../testkit/time';
import { expectProblem } from '../support/problem-assertions';

const HOLD_MS = DEFAULT_TEST_POLICY.holdSeconds * 1000;

describe('reservations', () => {
  let app: TestApp;
  let performance: Json;
  let seatIds: string[];
  let alice: ApiMember;
  let bob: ApiMember;
  let admin: string;
  /** Seats no earlier test touched: every test takes its own. */
  let nextSeat = 0;
  const freshSeats = (count: number) => seatIds.slice(nextSeat, (nextSeat += count));

  const hold = (token: string, seats: string[], performanceId: string = performance.id) =>
    app.request('POST', '/api/v1/reservations', { token, body: { performanceId, seatIds: seats } });
  const act = (token: string, id: string, action: 'confirm' | 'cancel') =>
    app.request('POST', `/api/v1/reservations/${id}/${action}`, { token });

  beforeAll(async () => {
    app = await startTestApp();
    performance = await app.createPerformance({
      sections: [{ name: 'A', grade: 'VIP', rows: 10, seatsPerRow: 10 }],
      grades: [{ name: 'VIP', price: 150_000 }],
    });
    seatIds = await app.seatIds(performance.id);
    [alice, bob] = [await app.newMember(), await app.newMember()];
    admin = await app.adminToken();
  });
  afterAll(() => app.close());

  describe('POST /api/v1/reservations', () => {
    it('holds the seats: 201, Location, prices and the hold expiry', async () => {
      const seats = freshSeats(2);
      const response = await hold(alice.token, seats);
      expect(response.status).toBe(201);
      expect(response.headers.get('location')).toBe(`/api/v1/reservations/${response.body.id}`);
      expect(response.body).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        status: 'PENDING',
        performanceId: performance.id,
        memberId: alice.id,
        seats: [
          { id: seats[0], label: expect.stringMatching(/^A-\d+-\d+$/), grade: 'VIP', price: 150_000 },
          { id: seats[1], label: expect.stringMatching(/^A-\d+-\d+$/), grade: 'VIP', price: 150_000 },
        ],
        totalPrice: 300_000,
        currency: 'KRW',
        createdAt: app.clock.now().toISOString(),
        expiresAt: new Date(app.clock.now().getTime() + HOLD_MS).toISOString(),
        confirmedAt: null,
        cancelledAt: null,
        payment: null,
      });
    });

    it('answers 409 SEAT_UNAVAILABLE naming the taken seat, and takes none of the others', async () => {
      const [taken, free] = freshSeats(2) as [string, string];
      expect((await hold(alice.token, [taken])).status).toBe(201);
      const problem = expectProblem(await hold(bob.token, [free, taken]), 409, 'SEAT_UNAVAILABLE');
      expect(problem.seatIds).toEqual([taken]);
      expect((await hold(bob.token, [free])).status).toBe(201);
    });

    it('answers 422 SALES_CLOSED before sales open and after they close', async () => {
      const now = app.clock.now().getTime();
      const upcoming = await app.createPerformance({ salesOpenAt: new Date(now + HOUR).toISOString() });
      const [seat] = await app.seatIds(upcoming.id);
      const problem = expectProblem(await hold(alice.token, [seat!], upcoming.id), 422, 'SALES_CLOSED');
      expect(problem.salesOpenAt).toBe(upcoming.salesOpenAt);
      const past = await app.createPerformance({
        salesOpenAt: new Date(now - 2 * DAY).toISOString(),
        salesCloseAt: new Date(now - DAY).toISOString(),
      });
      expectProblem(await hold(alice.token, [(await app.seatIds(past.id))[0]!], past.id), 422, 'SALES_CLOSED');
    });

    it('answers 422 TOO_MANY_SEATS above the per-reservation maximum', async () => {
      const problem = expectProblem(
        await hold(alice.token, freshSeats(DEFAULT_TEST_POLICY.maxSeatsPerReservation + 1)),
        422,
        'TOO_MANY_SEATS',
      );
      expect(problem).toMatchObject({ requested: 5, max: 4 });
    });

    it('answers 422 DUPLICATE_SEATS naming the seat given twice', async () => {
      const [seat] = freshSeats(1) as [string];
      expect(expectProblem(await hold(alice.token, [seat, seat]), 422, 'DUPLICATE_SEATS').seatIds).toEqual([seat]);
    });

    it('answers 422 SEAT_NOT_FOUND for a seat of another performance', async () => {
      const other = await app.createPerformance();
      const [foreign] = await app.seatIds(other.id);
      const problem = expectProblem(await hold(alice.token, [freshSeats(1)[0]!, foreign!]), 422, 'SEAT_NOT_FOUND');
      expect(problem.seatIds).toEqual([foreign]);
    });

    it('answers 404 PERFORMANCE_NOT_FOUND for an unknown performance', async () => {
      expectProblem(await hold(alice.token, [randomUUID()], randomUUID()), 404, 'PERFORMANCE_NOT_FOUND');
    });

    it('answers 400 VALIDATION_FAILED for malformed ids, an empty list or a missing field', async () => {
      const badIds = expectProblem(await hold(alice.token, ['seat-1']), 400, 'VALIDATION_FAILED');
      expect(badIds.errors).toEqual([{ path: 'seatIds.0', message: expect.any(String) }]);
      expectProblem(await hold(alice.token, []), 400, 'VALIDATION_FAILED');
      const missing = await app.request('POST', '/api/v1/reservations', {
        token: alice.token,
        body: { seatIds: freshSeats(1) },
      });
      expect(expectProblem(missing, 400, 'VALIDATION_FAILED').errors).toEqual([
        { path: 'performanceId', message: expect.any(String) },
      ]);
    });

    it('answers 401 without a token, before reading the body', async () => {
      expectProblem(await app.request('POST', '/api/v1/reservations', { body: '{not json' }), 401, 'UNAUTHENTICATED');
    });
  });

  describe('confirm and cancel', () => {
    it('confirms a held reservation, and confirming again answers the same', async () => {
      const held = await hold(alice.token, freshSeats(1));
      app.clock.advance(HOLD_MS - 1000);
      const first = await act(alice.token, held.body.id, 'confirm');
      expect(first.status).toBe(200);
      expect(first.body).toEqual({
        ...held.body,
        status: 'CONFIRMED',
        confirmedAt: app.clock.now().toISOString(),
        tickets: [expect.objectContaining({ seatId: held.body.seats[0].id, label: held.body.seats[0].label })],
      });
      app.clock.advance(HOLD_MS);
      const second = await act(alice.token, held.body.id, 'confirm');
      expect(second.status).toBe(200);
      expect(second.body).toEqual(first.body);
    });

    it('answers 409 HOLD_EXPIRED after the hold ran out, and the seat is free again', async () => {
      const seats = freshSeats(1);
      const held = await hold(alice.token, seats);
      app.clock.advance(HOLD_MS);
      const problem = expectProblem(await act(alice.token, held.body.id, 'confirm'), 409, 'HOLD_EXPIRED');
      expect(problem.expiresAt).toBe(held.body.expiresAt);
      expect(
        (await app.request('GET', `/api/v1/reservations/${held.body.id}`, { token: alice.token })).body.status,
      ).toBe('EXPIRED');
      expect((await hold(bob.token, seats)).status).toBe(201);
    });

    it('cancels, and the seat can be held by someone else at once', async () => {
      const seats = freshSeats(1);
      const held = await hold(alice.token, seats);
      expectProblem(await hold(bob.token, seats), 409, 'SEAT_UNAVAILABLE');
      const cancelled = await act(alice.token, held.body.id, 'cancel');
      expect(cancelled.status).toBe(200);
      expect(cancelled.body).toMatchObject({
        id: held.body.id,
        status: 'CANCELLED',
        cancelledAt: app.clock.now().toISOString(),
      });
      expect((await hold(bob.token, seats)).status).toBe(201);
    });

    it('answers 409 RESERVATION_NOT_ACTIVE when confirming a cancelled reservation', async () => {
      const held = await hold(alice.token, freshSeats(1));
      await act(alice.token, held.body.id, 'cancel');
      expectProblem(await act(alice.token, held.body.id, 'confirm'), 409, 'RESERVATION_NOT_ACTIVE');
    });

    it('answers 404 RESERVATION_NOT_FOUND for an unknown id and 400 INVALID_ID for a malformed one', async () => {
      for (const action of ['confirm', 'cancel'] as const) {
        expectProblem(await act(alice.token, randomUUID(), action), 404, 'RESERVATION_NOT_FOUND');
        expectProblem(await act(alice.token, 'nope', action), 400, 'INVALID_ID');
      }
    });
  });

  describe("someone else's reservation", () => {
    let reservation: Json;
    beforeAll(async () => {
      reservation = (await hold(alice.token, freshSeats(2))).body;
    });

    it('is 404 RESERVATION_NOT_FOUND for another member on get, confirm and cancel, and stays untouched', async () => {
      const path = `/api/v1/reservations/${reservation.id}`;
      expectProblem(await app.request('GET', path, { token: bob.token }), 404, 'RESERVATION_NOT_FOUND');
      expectProblem(await act(bob.token, reservation.id, 'confirm'), 404, 'RESERVATION_NOT_FOUND');
      expectProblem(await act(bob.token, reservation.id, 'cancel'), 404, 'RESERVATION_NOT_FOUND');
      expect((await app.request('GET', path, { token: alice.token })).body.status).toBe('PENDING');
    });

    it('is readable and cancellable by an admin, but only its owner confirms it', async () => {
      const read = await app.request('GET', `/api/v1/reservations/${reservation.id}`, { token: admin });
      expect(read.status).toBe(200);
      expect(read.body).toEqual(reservation);
      expectProblem(await act(admin, reservation.id, 'confirm'), 404, 'RESERVATION_NOT_FOUND');
      const cancelled = await act(admin, reservation.id, 'cancel');
      expect(cancelled.status).toBe(200);
      expect(cancelled.body.status).toBe('CANCELLED');
      expect(
        (
          await hold(
            bob.token,
            reservation.seats.map((seat: { id: string }) => seat.id),
          )
        ).status,
      ).toBe(201);
    });
  });

  describe('GET /api/v1/reservations/:id and /members/me/reservations', () => {
    it("reads one's own reservation", async () => {
      const held = await hold(alice.token, freshSeats(1));
      const response = await app.request('GET', `/api/v1/reservations/${held.body.id}`, { token: alice.token });
      expect(response.status).toBe(200);
      expect(response.body).toEqual(held.body);
    });

    it("lists only the caller's reservations, newest first", async () => {
      const carol = await app.newMember();
      expect((await app.request('GET', '/api/v1/members/me/reservations', { token: carol.token })).body).toEqual({
        items: [],
        page: 1,
        size: 20,
        total: 0,
      });
      const first = (await hold(carol.token, freshSeats(1))).body;
      app.clock.advance(1000);
      const second = (await hold(carol.token, freshSeats(1))).body;
      await act(carol.token, first.id, 'confirm');
      const response = await app.request('GET', '/api/v1/members/me/reservations', { token: carol.token });
      expect(response.status).toBe(200);
      expect(response.body.items.map((item: { id: string; status: string }) => [item.id, item.status])).toEqual([
        [second.id, 'PENDING'],
        [first.id, 'CONFIRMED'],
      ]);
    });

    it("pages the caller's reservations: page and size, newest first, with the total", async () => {
      const dave = await app.newMember();
      const made: string[] = [];
      for (let i = 0; i < 5; i++) {
        made.push((await hold(dave.token, freshSeats(1))).body.id);
        app.clock.advance(1000);
      }
      const newestFirst = [...made].reverse();
      const page = (query: string) =>
        app.request('GET', `/api/v1/members/me/reservations?${query}`, { token: dave.token });

      const second = await page('page=2&size=2');
      expect(second.status).toBe(200);
      expect(second.body).toEqual({ items: expect.any(Array), page: 2, size: 2, total: 5 });
      expect(second.body.items.map((item: Json) => item.id)).toEqual(newestFirst.slice(2, 4));
      expect((await page('page=3&size=2')).body.items.map((item: Json) => item.id)).toEqual(newestFirst.slice(4));
      expect((await page('page=4&size=2')).body).toEqual({ items: [], page: 4, size: 2, total: 5 });
      expectProblem(await page('size=101'), 400, 'VALIDATION_FAILED');
      expectProblem(await page('page=0'), 400, 'VALIDATION_FAILED');
      for (const id of made) await act(dave.token, id, 'cancel');
    });

    it('needs a token', async () => {
      expectProblem(await app.request('GET', '/api/v1/members/me/reservations'), 401, 'UNAUTHENTICATED');
      expectProblem(await app.request('GET', `/api/v1/reservations/${randomUUID()}`), 401, 'UNAUTHENTICATED');
    });
  });
});
