import { startTestApp, type TestApp } from '../support/service';
import type { ApiMember } from '../../testkit/api-client';
import { expectProblem } from '../support/problem-assertions';

describe('POST /api/v1/reservations and the per-member seat cap', () => {
  let app: TestApp;
  let performanceId: string;
  let seats: string[];
  let member: ApiMember;

  const hold = (seatIds: string[], who: ApiMember = member) =>
    app.request('POST', '/api/v1/reservations', { token: who.token, body: { performanceId, seatIds } });

  beforeAll(async () => {
    app = await startTestApp({ policy: { maxSeatsPerMember: 4 } });
    performanceId = (await app.createPerformance()).id;
    seats = await app.seatIds(performanceId);
    member = await app.newMember();
  });
  afterAll(() => app.close());

  it('answers 422 MEMBER_SEAT_LIMIT naming the limit and what the member holds, until seats are given back', async () => {
    const first = await hold(seats.slice(0, 3));
    expect(first.status).toBe(201);

    const problem = expectProblem(await hold(seats.slice(3, 5)), 422, 'MEMBER_SEAT_LIMIT');
    expect(problem).toMatchObject({ limit: 4, held: 3, requested: 2, performanceId });
    expect(problem.detail).toMatch(/at most 4 seats.*hold 3/);

    expect((await hold(seats.slice(3, 4))).status).toBe(201);
    await app.request('POST', `/api/v1/reservations/${first.body.id}/cancel`, { token: member.token });
    expect((await hold(seats.slice(4, 7))).status).toBe(201);
    expectProblem(await hold(seats.slice(7, 8)), 422, 'MEMBER_SEAT_LIMIT');
    // Another member is not held back by this one.
    expect((await hold(seats.slice(7, 11), await app.newMember())).status).toBe(201);
  });

  it('is documented on the hold route', async () => {
    const doc = (await app.request('GET', '/openapi.json')).body;
    expect(doc.paths['/api/v1/reservations'].post.responses['422'].description).toContain('MEMBER_SEAT_LIMIT');
  });
});
