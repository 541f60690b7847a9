import { startTestApp, type TestApp } from '../support/service';
import type { ApiMember, Json } from '../../testkit/api-client';
import { expectProblem } from '../support/problem-assertions';

/** POST /reservations with a quantity: the best available adjacent seats, over HTTP. */
describe('best available seats', () => {
  let app: TestApp;
  let member: ApiMember;

  const holdBest = (body: Record<string, unknown>, token = member.token, headers: Record<string, string> = {}) =>
    app.request('POST', '/api/v1/reservations', { token, body, headers });
  const labels = (reservation: Json) => reservation.seats.map((seat: { label: string }) => seat.label);

  /** Front section VIP (2 rows of 6), back section R (2 rows of 6). */
  async function aHall() {
    return app.createPerformance({
      grades: [
        { name: 'VIP', price: 150_000 },
        { name: 'R', price: 120_000 },
      ],
      sections: [
        { name: 'A', grade: 'VIP', rows: 2, seatsPerRow: 6 },
        { name: 'B', grade: 'R', rows: 2, seatsPerRow: 6 },
      ],
    });
  }

  beforeAll(async () => {
    app = await startTestApp();
    member = await app.newMember();
  });
  afterAll(() => app.close());

  it('holds the best block: a PENDING reservation of adjacent seats, shown HELD on the seat map', async () => {
    const performance = await aHall();
    const response = await holdBest({ performanceId: performance.id, quantity: 2 });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ status: 'PENDING', performanceId: performance.id, totalPrice: 300_000 });
    expect(labels(response.body)).toEqual(['A-1-3', 'A-1-4']);

    const map = await app.api.expect(200, 'GET', `/api/v1/performances/${performance.id}/seats`);
    const held = map.seats.filter((seat: { status: string }) => seat.status === 'HELD');
    expect(held.map((seat: { label: string }) => seat.label).sort()).toEqual(['A-1-3', 'A-1-4']);
  });

  it('keeps to the grade or section asked for, and avoids seats taken by id', async () => {
    const performance = await aHall();
    const seatIds = await app.seatIds(performance.id);
    // B-1-3 and B-1-4 go by id (positions 12 + 2, 12 + 3).
    const byId = await app.request('POST', '/api/v1/reservations', {
      token: member.token,
      body: { performanceId: performance.id, seatIds: [seatIds[14], seatIds[15]] },
    });
    expect(byId.status).toBe(201);

    const other = await app.newMember();
    const inR = await holdBest({ performanceId: performance.id, quantity: 2, grade: 'R' }, other.token);
    expect(labels(inR.body)).toEqual(['B-1-1', 'B-1-2']);
    const inB = await holdBest({ performanceId: performance.id, quantity: 2, section: 'B' }, other.token);
    expect(labels(inB.body)).toEqual(['B-1-5', 'B-1-6']);
  });

  it('answers 409 NOT_ENOUGH_SEATS_TOGETHER with the largest block left', async () => {
    const performance = await aHall();
    const problem = expectProblem(
      await holdBest({ performanceId: performance.id, quantity: 4, grade: 'VIP', section: 'B' }),
      409,
      'NOT_ENOUGH_SEATS_TOGETHER',
    );
    expect(problem).toMatchObject({ largestBlock: 0, requested: 4, performanceId: performance.id });

    // Four of a row of six: seats 1–4 (as central as 3–6, lower numbers), leaving 5–6 together.
    const taken = [];
    for (const other of [await app.newMember(), await app.newMember()]) {
      const response = await holdBest({ performanceId: performance.id, quantity: 4, section: 'A' }, other.token);
      taken.push(labels(response.body));
    }
    expect(taken).toEqual([
      ['A-1-1', 'A-1-2', 'A-1-3', 'A-1-4'],
      ['A-2-1', 'A-2-2', 'A-2-3', 'A-2-4'],
    ]);
    const refused = expectProblem(
      await holdBest({ performanceId: performance.id, quantity: 3, section: 'A' }),
      409,
      'NOT_ENOUGH_SEATS_TOGETHER',
    );
    expect(refused.largestBlock).toBe(2);
  });

  it('refuses both seatIds and quantity, or neither, with 400 VALIDATION_FAILED', async () => {
    const performance = await aHall();
    const seatIds = await app.seatIds(performance.id);
    expectProblem(
      await holdBest({ performanceId: performance.id, quantity: 1, seatIds: [seatIds[0]] }),
      400,
      'VALIDATION_FAILED',
    );
    expectProblem(await holdBest({ performanceId: performance.id }), 400, 'VALIDATION_FAILED');
    expectProblem(await holdBest({ performanceId: performance.id, quantity: 0 }), 400, 'VALIDATION_FAILED');
    expectProblem(await holdBest({ performanceId: performance.id, quantity: 1.5 }), 400, 'VALIDATION_FAILED');
  });

  it('refuses an unknown grade or section with 400 VALIDATION_FAILED naming the field', async () => {
    const performance = await aHall();
    const grade = expectProblem(
      await holdBest({ performanceId: performance.id, quantity: 1, grade: 'Gold' }),
      400,
      'VALIDATION_FAILED',
    );
    expect(grade.errors).toEqual([{ path: 'grade', message: expect.stringContaining('Gold') }]);
    const section = expectProblem(
      await holdBest({ performanceId: performance.id, quantity: 1, section: 'Z' }),
      400,
      'VALIDATION_FAILED',
    );
    expect(section.errors).toEqual([{ path: 'section', message: expect.stringContaining('Z') }]);
  });

  it('applies the rules of every hold: too many seats, the member cap, idempotency', async () => {
    const performance = await aHall();
    expect(
      expectProblem(await holdBest({ performanceId: performance.id, quantity: 5 }), 422, 'TOO_MANY_SEATS'),
    ).toMatchObject({ requested: 5, max: 4 });

    const key = { 'Idempotency-Key': `best-${performance.id}` };
    const first = await holdBest({ performanceId: performance.id, quantity: 3 }, member.token, key);
    const again = await holdBest({ performanceId: performance.id, quantity: 3 }, member.token, key);
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body.id).toBe(first.body.id);
  });
});
