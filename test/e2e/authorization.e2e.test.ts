import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { startTestApp, TEST_JWT_SECRET, TEST_TOKEN_TTL_SECONDS, type TestApp } from '../support/service';
import type { ApiMember } from '../../testkit/api-client';
import { expectProblem } from '../support/problem-assertions';

/**
 * What members-auth and reservations do not cover already: tokens outliving their time on
 * the service's own clock, and well-signed tokens of members that do not exist, on the
 * routes that act on their behalf.
 */
describe('authorization', () => {
  let app: TestApp;
  let member: ApiMember;
  let performanceId: string;
  let seats: string[];

  beforeAll(async () => {
    app = await startTestApp();
    member = await app.newMember();
    const performance = await app.createPerformance();
    performanceId = performance.id;
    seats = await app.seatIds(performanceId);
  });
  afterAll(() => app.close());

  /** A token signed with our key for a member id that was never registered (or was deleted). */
  const tokenOfNobody = () =>
    new SignJWT({ role: 'USER' })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(randomUUID())
      .setIssuer('ticketing-service')
      .setAudience('ticketing-api')
      .setIssuedAt(Math.floor(app.clock.now().getTime() / 1000))
      .setExpirationTime(Math.floor(app.clock.now().getTime() / 1000) + 600)
      .sign(new TextEncoder().encode(TEST_JWT_SECRET));

  it('answers 401 INVALID_TOKEN once a token outlives its TTL on the service clock, and not a second before', async () => {
    const issued = await app.request('POST', '/api/v1/auth/login', {
      body: { email: member.email, password: member.password },
    });
    const token = issued.body.accessToken as string;
    expect(issued.body.expiresIn).toBe(TEST_TOKEN_TTL_SECONDS);

    app.clock.advance(TEST_TOKEN_TTL_SECONDS * 1000 - 1000);
    expect((await app.request('GET', '/api/v1/members/me', { token })).status).toBe(200);

    app.clock.advance(1000);
    const expired = await app.request('GET', '/api/v1/members/me', { token });
    const problem = expectProblem(expired, 401, 'INVALID_TOKEN');
    expect(problem.detail).toMatch(/expired/);
    expectProblem(
      await app.request('POST', '/api/v1/reservations', { token, body: { performanceId, seatIds: [seats[0]] } }),
      401,
      'INVALID_TOKEN',
    );
  });

  it('answers 401 INVALID_TOKEN to a well-signed token of a member that does not exist, and holds nothing', async () => {
    const token = await tokenOfNobody();
    const seat = seats[1]!;

    expectProblem(
      await app.request('POST', '/api/v1/reservations', { token, body: { performanceId, seatIds: [seat] } }),
      401,
      'INVALID_TOKEN',
    );
    expectProblem(await app.request('GET', '/api/v1/members/me', { token }), 401, 'INVALID_TOKEN');

    const map = await app.request('GET', `/api/v1/performances/${performanceId}/seats`);
    expect(map.body.seats.find((entry: { id: string }) => entry.id === seat).status).toBe('AVAILABLE');
    const fresh = await app.newMember();
    expect(
      (
        await app.request('POST', '/api/v1/reservations', {
          token: fresh.token,
          body: { performanceId, seatIds: [seat] },
        })
      ).status,
    ).toBe(201);
  });
});
