import { randomUUID } from 'node:crypto';
import { DEFAULT_TEST_POLICY, startTestApp, type TestApp } from '../support/service';
import { expectProblem } from '../support/problem-assertions';
import type { ApiMember, Json } from '../../testkit/api-client';

const API = '/api/v1';
const HOLD_MS = DEFAULT_TEST_POLICY.holdSeconds * 1000;

describe('GET /api/v1/performances/:id/sales', () => {
  let app: TestApp;
  let admin: string;
  let member: ApiMember;
  let other: ApiMember;

  beforeAll(async () => {
    app = await startTestApp();
    admin = await app.adminToken();
    [member, other] = [await app.newMember(), await app.newMember()];
  });
  afterAll(() => app.close());

  /** A hall of two grades: VIP (section A, 1×4 seats, 150,000) and R (section B, 1×6 seats, 90,000). */
  async function aHall(
    grades: Json[] = [
      { name: 'VIP', price: 150_000 },
      { name: 'R', price: 90_000 },
    ],
  ) {
    const performance = await app.createPerformance({
      grades,
      sections: [
        { name: 'A', grade: grades[0]!.name, rows: 1, seatsPerRow: 4 },
        { name: 'B', grade: grades[1]!.name, rows: 1, seatsPerRow: 6 },
      ],
    });
    return { id: performance.id as string, seats: await app.seatIds(performance.id) };
  }
  const hold = async (who: ApiMember, performanceId: string, seatIds: string[]) =>
    (
      await app.api.expect(201, 'POST', `${API}/reservations`, {
        token: who.token,
        body: { performanceId, seatIds },
      })
    ).id as string;
  const confirm = (who: ApiMember, id: string) =>
    app.api.expect(200, 'POST', `${API}/reservations/${id}/confirm`, { token: who.token });
  const cancel = (who: ApiMember, id: string) =>
    app.api.expect(200, 'POST', `${API}/reservations/${id}/cancel`, { token: who.token });
  const report = (performanceId: string, headers: Record<string, string> = {}) =>
    app.request('GET', `${API}/performances/${performanceId}/sales`, { token: admin, headers });

  it('reports sold, held, available and revenue per grade, and the totals, as JSON', async () => {
    const hall = await aHall();
    const [a1, a2, a3, , b1, b2, b3] = hall.seats;
    await confirm(member, await hold(member, hall.id, [a1!, a2!]));
    await confirm(other, await hold(other, hall.id, [b1!]));
    await hold(other, hall.id, [a3!]);
    await hold(member, hall.id, [b2!, b3!]);
    await cancel(member, await hold(member, hall.id, [hall.seats[7]!]));

    const response = await report(hall.id);

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('vary')).toMatch(/Accept/);
    expect(response.body).toEqual({
      performanceId: hall.id,
      title: expect.any(String),
      asOf: app.clock.now().toISOString(),
      grades: [
        { grade: 'VIP', seats: 4, sold: 2, held: 1, available: 1, revenue: 300_000, currency: 'KRW' },
        { grade: 'R', seats: 6, sold: 1, held: 2, available: 3, revenue: 90_000, currency: 'KRW' },
      ],
      totals: { seats: 10, sold: 3, held: 3, available: 4, revenue: 390_000, currency: 'KRW' },
    });
  });

  it('counts a hold as available once it is overdue, before any sweep, and a sale as sold for good', async () => {
    const hall = await aHall();
    await hold(member, hall.id, [hall.seats[0]!]);
    await confirm(other, await hold(other, hall.id, [hall.seats[1]!]));

    app.clock.advance(HOLD_MS);
    const { body } = await report(hall.id);

    expect(body.grades[0]).toMatchObject({ grade: 'VIP', sold: 1, held: 0, available: 3, revenue: 150_000 });
    expect(body.totals).toMatchObject({ sold: 1, held: 0, available: 9 });
  });

  it('lists every grade, sold or not, in the order the performance was created with', async () => {
    const hall = await aHall([
      { name: 'Stalls', price: 1000 },
      { name: 'Circle', price: 500 },
    ]);

    const { body } = await report(hall.id);

    expect(body.grades.map((grade: Json) => [grade.grade, grade.seats, grade.available, grade.revenue])).toEqual([
      ['Stalls', 4, 4, 0],
      ['Circle', 6, 6, 0],
    ]);
    expect(body.totals).toEqual({ seats: 10, sold: 0, held: 0, available: 10, revenue: 0, currency: 'KRW' });
  });

  it('answers the same as RFC 4180 CSV to Accept: text/csv: header, a line per grade, a totals line', async () => {
    const hall = await aHall();
    await confirm(member, await hold(member, hall.id, [hall.seats[0]!, hall.seats[4]!]));
    await hold(other, hall.id, [hall.seats[5]!]);

    const response = await report(hall.id, { Accept: 'text/csv' });

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8; header=present');
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="sales-${hall.id}.csv"`);
    expect(response.headers.get('vary')).toMatch(/Accept/);
    expect(response.text).toBe(
      'scope,grade,seats,sold,held,available,revenue,currency\r\n' +
        'grade,VIP,4,1,0,3,150000,KRW\r\n' +
        'grade,R,6,1,1,4,90000,KRW\r\n' +
        'total,,10,2,1,7,240000,KRW\r\n',
    );
  });

  it('prefers what the Accept header ranks first, and answers JSON to anything else', async () => {
    const hall = await aHall();
    const typeFor = async (accept: string) => (await report(hall.id, { Accept: accept })).headers.get('content-type');

    expect(await typeFor('text/csv;q=0.9, application/json')).toMatch(/^application\/json/);
    expect(await typeFor('application/json;q=0.5, text/csv')).toMatch(/^text\/csv/);
    expect(await typeFor('text/*')).toMatch(/^text\/csv/);
    expect(await typeFor('*/*')).toMatch(/^application\/json/);
    expect(await typeFor('image/png')).toMatch(/^application\/json/);
  });

  it('quotes grade names by RFC 4180 and defuses ones a spreadsheet would run as formulas', async () => {
    const hall = await aHall([
      { name: 'Box "Royal", front', price: 1000 },
      { name: '=HYPERLINK("x")', price: 500 },
    ]);

    const { text } = await report(hall.id, { Accept: 'text/csv' });

    const lines = text.split('\r\n');
    expect(lines[1]).toBe('grade,"Box ""Royal"", front",4,0,0,4,0,KRW');
    expect(lines[2]).toBe(`grade,"'=HYPERLINK(""x"")",6,0,0,6,0,KRW`);
  });

  it('is for admins: 401 without a token, 403 for a member, 404 for an unknown performance, 400 for a bad id', async () => {
    const hall = await aHall();
    const path = `${API}/performances/${hall.id}/sales`;

    expectProblem(await app.request('GET', path), 401, 'UNAUTHENTICATED');
    expectProblem(await app.request('GET', path, { token: 'not-a-token' }), 401, 'INVALID_TOKEN');
    expectProblem(await app.request('GET', path, { token: member.token }), 403, 'FORBIDDEN');
    expectProblem(
      await app.request('GET', path, { token: member.token, headers: { Accept: 'text/csv' } }),
      403,
      'FORBIDDEN',
    );
    expectProblem(await report(randomUUID()), 404, 'PERFORMANCE_NOT_FOUND');
    expectProblem(await report(randomUUID(), { Accept: 'text/csv' }), 404, 'PERFORMANCE_NOT_FOUND');
    expectProblem(await report('not-a-uuid'), 400, 'INVALID_ID');
  });

  it('is documented with both representations and an Accept parameter', async () => {
    const doc = (await app.request('GET', '/openapi.json')).body;
    const operation = doc.paths['/api/v1/performances/{id}/sales'].get;

    expect(Object.keys(operation.responses['200'].content).sort()).toEqual(['application/json', 'text/csv']);
    expect(operation.parameters.map((parameter: Json) => parameter.name).sort()).toEqual(['Accept', 'id']);
    expect(Object.keys(operation.responses).sort()).toEqual(
      expect.arrayContaining(['200', '400', '401', '403', '404']),
    );
  });
});
