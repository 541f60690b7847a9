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
  const tokenOfNobody = (role: 'USER' | 'ADMIN' = 'USER') =>
    new SignJWT({ role })
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

  /**
   * Every route that acts for a member, with what it acts on: another member's reservation
   * (which an admin may read and cancel), one that does not exist, the seats of the hall.
   */
  describe('a well-signed token whose member no longer exists', () => {
    let alice: ApiMember;
    let reservationId: string;
    const missingId = randomUUID();
    interface Route {
      readonly method: string;
      readonly path: string;
      readonly body?: () => unknown;
    }
    const ROUTES: readonly Route[] = [
      { method: 'GET', path: '/api/v1/members/me' },
      { method: 'GET', path: '/api/v1/members/me/reservations' },
      { method: 'POST', path: '/api/v1/reservations', body: () => ({ performanceId, seatIds: [seats[3]] }) },
      { method: 'GET', path: '/api/v1/reservations/:reservation' },
      { method: 'GET', path: '/api/v1/reservations/:missing' },
      { method: 'POST', path: '/api/v1/reservations/:reservation/confirm' },
      { method: 'POST', path: '/api/v1/reservations/:missing/confirm' },
      { method: 'POST', path: '/api/v1/reservations/:reservation/cancel' },
      { method: 'POST', path: '/api/v1/reservations/:missing/cancel' },
      { method: 'POST', path: '/api/v1/performances', body: () => app.performanceInput({ title: 'Ghost Night' }) },
      {
        method: 'POST',
        path: '/api/v1/webhooks',
        body: () => ({ url: 'https://8.8.8.8/hooks', events: ['reservation.held'] }),
      },
      { method: 'GET', path: '/api/v1/webhooks' },
      { method: 'DELETE', path: '/api/v1/webhooks/:missing' },
      { method: 'POST', path: '/api/v1/webhooks/:missing/rotate-secret' },
      { method: 'GET', path: '/api/v1/webhooks/:missing/deliveries' },
    ];
    /** Routes for admins only: a member is refused 403 before anyone asks whether they exist. */
    const forAdminsOnly = (route: Route) =>
      route.path === '/api/v1/performances' || route.path.startsWith('/api/v1/webhooks');
    const send = async (role: 'USER' | 'ADMIN', { method, path, body }: Route) =>
      app.request(method, path.replace(':reservation', reservationId).replace(':missing', missingId), {
        token: await tokenOfNobody(role),
        ...(body && { body: body() }),
      });

    beforeAll(async () => {
      alice = await app.newMember();
      const held = await app.request('POST', '/api/v1/reservations', {
        token: alice.token,
        body: { performanceId, seatIds: [seats[2]] },
      });
      reservationId = held.body.id;
    });

    it.each(ROUTES.filter((route) => !forAdminsOnly(route)))(
      'answers $method $path with 401 INVALID_TOKEN for a member',
      async (route) => {
        const response = await send('USER', route);
        expectProblem(response, 401, 'INVALID_TOKEN');
        expect(response.headers.get('www-authenticate')).toBe('Bearer realm="ticketing", error="invalid_token"');
      },
    );

    it.each(ROUTES)('answers $method $path with 401 INVALID_TOKEN for an admin', async (route) => {
      expectProblem(await send('ADMIN', route), 401, 'INVALID_TOKEN');
    });

    it('changed nothing: the reservation is still held, the seat still free, no performance created', async () => {
      const reservation = await app.request('GET', `/api/v1/reservations/${reservationId}`, { token: alice.token });
      expect(reservation.body.status).toBe('PENDING');
      const map = await app.request('GET', `/api/v1/performances/${performanceId}/seats`);
      expect(map.body.seats.find((entry: { id: string }) => entry.id === seats[3]).status).toBe('AVAILABLE');
      const listing = await app.request('GET', '/api/v1/performances?page=1&size=100');
      expect(listing.body.items.map((item: { title: string }) => item.title)).not.toContain('Ghost Night');
    });
  });
});
