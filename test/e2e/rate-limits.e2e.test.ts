import { randomUUID } from 'node:crypto';
import type { RateLimitSettings } from '../../src/adapters/http/rate-limits';
import { startTestApp, type TestApp } from '../support/service';
import type { ApiMember } from '../../testkit/api-client';
import { expectProblem } from '../support/problem-assertions';

const LOGIN = '/api/v1/auth/login';

/** An app whose limits are the loose defaults but for `settings`; the client address comes from X-Forwarded-For. */
async function appWith(settings: Partial<RateLimitSettings>, trustProxy: boolean | number = 1): Promise<TestApp> {
  return startTestApp({ rateLimits: settings, http: { trustProxy } });
}

const from = (ip: string) => ({ 'X-Forwarded-For': ip });

function expectRateLimited(response: Awaited<ReturnType<TestApp['request']>>) {
  const problem = expectProblem(response, 429, 'RATE_LIMITED');
  const retryAfter = Number(response.headers.get('retry-after'));
  expect(Number.isInteger(retryAfter) && retryAfter >= 1).toBe(true);
  expect(problem.retryAfterSeconds).toBe(retryAfter);
  return { problem, retryAfter };
}

describe('rate limits', () => {
  let app: TestApp;
  afterEach(() => app?.close());

  describe('POST /auth/login', () => {
    let member: ApiMember;
    const logIn = (password: string, ip = '203.0.113.1', email = member.email) =>
      app.request('POST', LOGIN, { body: { email, password }, headers: from(ip) });

    it('limits attempts per client address, successful or not, and names no account', async () => {
      app = await appWith({ loginPerIp: { points: 3, durationSeconds: 60 } });
      member = await app.newMember();
      expect((await logIn(member.password)).status).toBe(200);
      expect((await logIn('wrong-password-1')).status).toBe(401);
      expect((await logIn(member.password)).status).toBe(200);

      const { problem, retryAfter } = expectRateLimited(await logIn(member.password));
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect(JSON.stringify(problem)).not.toContain(member.email);
      expect((await logIn(member.password, '203.0.113.2')).status).toBe(200);
    });

    it('blocks an account from an address after N attempts without a success, even with the right password', async () => {
      app = await appWith({ loginFailuresPerEmailAndIp: { points: 3, durationSeconds: 3600, blockSeconds: 900 } });
      member = await app.newMember();
      const other = await app.newMember();
      for (let i = 0; i < 3; i++) expectProblem(await logIn(`wrong-${i}`), 401, 'INVALID_CREDENTIALS');

      const { retryAfter } = expectRateLimited(await logIn(member.password));
      expect(retryAfter).toBeGreaterThan(800);
      expect(retryAfter).toBeLessThanOrEqual(900);
      // The account from another address, and another account from this one, are not blocked.
      expect((await logIn(member.password, '203.0.113.9')).status).toBe(200);
      expect((await logIn(other.password, '203.0.113.1', other.email)).status).toBe(200);
    });

    it('counts the email case-insensitively', async () => {
      app = await appWith({ loginFailuresPerEmailAndIp: { points: 2, durationSeconds: 3600, blockSeconds: 900 } });
      member = await app.newMember();
      await logIn('wrong-1', undefined, member.email.toUpperCase());
      await logIn('wrong-2', undefined, ` ${member.email}`);
      expectRateLimited(await logIn(member.password));
    });

    it('resets the count on a success', async () => {
      app = await appWith({
        loginFailuresPerEmailAndIp: { points: 3, durationSeconds: 3600, blockSeconds: 900 },
        loginFailuresPerEmail: { points: 3, durationSeconds: 3600, blockSeconds: 900 },
      });
      member = await app.newMember();
      for (let round = 0; round < 3; round++) {
        expect((await logIn('wrong-a')).status).toBe(401);
        expect((await logIn('wrong-b')).status).toBe(401);
        expect((await logIn(member.password)).status).toBe(200);
      }
    });

    it('blocks an account after N failures from anywhere, whatever the address', async () => {
      app = await appWith({ loginFailuresPerEmail: { points: 4, durationSeconds: 3600, blockSeconds: 600 } });
      member = await app.newMember();
      for (let i = 0; i < 4; i++) expect((await logIn(`wrong-${i}`, `198.51.100.${i}`)).status).toBe(401);

      expectRateLimited(await logIn(member.password, '198.51.100.200'));
    });

    it('counts a burst of parallel guesses before any of them is judged', async () => {
      app = await appWith({ loginFailuresPerEmailAndIp: { points: 3, durationSeconds: 3600, blockSeconds: 900 } });
      member = await app.newMember();
      const statuses = (await Promise.all(Array.from({ length: 10 }, (_, i) => logIn(`guess-${i}`)))).map(
        (response) => response.status,
      );
      expect(statuses.filter((status) => status === 401)).toHaveLength(3);
      expect(statuses.filter((status) => status === 429)).toHaveLength(7);
    });

    it('does not count a login that failed for another reason than the password', async () => {
      app = await startTestApp({
        rateLimits: { loginFailuresPerEmailAndIp: { points: 1, durationSeconds: 3600, blockSeconds: 900 } },
        useCases: {
          logIn: {
            execute: async () => {
              throw new Error('the password hasher crashed');
            },
          },
        },
      });
      const body = { email: 'jane@example.com', password: 'whatever-it-is' };
      for (let i = 0; i < 3; i++) expect((await app.request('POST', LOGIN, { body })).status).toBe(500);
    });
  });

  describe('POST /reservations', () => {
    const hold = (member: ApiMember, performanceId: string, seatId: string, ip = '203.0.113.1') =>
      app.request('POST', '/api/v1/reservations', {
        token: member.token,
        body: { performanceId, seatIds: [seatId] },
        headers: from(ip),
      });

    it('limits holds per member and per address, before the body is even read', async () => {
      app = await appWith({
        holdsPerMember: { points: 2, durationSeconds: 60 },
        holdsPerIp: { points: 5, durationSeconds: 60 },
      });
      const performance = await app.createPerformance();
      const seats = await app.seatIds(performance.id);
      const [alice, bob, carol] = [await app.newMember(), await app.newMember(), await app.newMember()];

      expect((await hold(alice, performance.id, seats[0]!)).status).toBe(201);
      expect((await hold(alice, performance.id, seats[1]!)).status).toBe(201);
      expectRateLimited(await hold(alice, performance.id, seats[2]!));
      expectRateLimited(
        await app.request('POST', '/api/v1/reservations', {
          token: alice.token,
          body: '{not json',
          headers: from('203.0.113.1'),
        }),
      );
      // Refused requests count too (both counters are taken in one go): the address has used 4 of 5.
      expect((await hold(bob, performance.id, seats[2]!)).status).toBe(201);
      expect((await hold(bob, performance.id, seats[3]!, '203.0.113.50')).status).toBe(201);
      expectRateLimited(await hold(carol, performance.id, seats[4]!));
      expect((await hold(carol, performance.id, seats[4]!, '203.0.113.51')).status).toBe(201);
    });

    it('answers 401 before 429: an anonymous flood is not counted against members', async () => {
      app = await appWith({ holdsPerIp: { points: 1, durationSeconds: 60 } });
      for (let i = 0; i < 3; i++) {
        expectProblem(
          await app.request('POST', '/api/v1/reservations', { body: {}, headers: from('203.0.113.1') }),
          401,
          'UNAUTHENTICATED',
        );
      }
      const member = await app.newMember();
      const performance = await app.createPerformance();
      const [seat] = await app.seatIds(performance.id);
      expect((await hold(member, performance.id, seat!)).status).toBe(201);
    });
  });

  describe('every other route', () => {
    it('has a per-address limit, but probes are never limited', async () => {
      app = await appWith({ perIp: { points: 3, durationSeconds: 60 } });
      for (let i = 0; i < 3; i++)
        expect((await app.request('GET', '/api/v1/performances', { headers: from('203.0.113.7') })).status).toBe(200);
      expectRateLimited(await app.request('GET', '/api/v1/performances', { headers: from('203.0.113.7') }));
      expectRateLimited(
        await app.request('GET', `/api/v1/performances/${randomUUID()}`, { headers: from('203.0.113.7') }),
      );
      expect((await app.request('GET', '/api/v1/performances', { headers: from('203.0.113.8') })).status).toBe(200);
      for (let i = 0; i < 5; i++) {
        expect((await app.request('GET', '/healthz', { headers: from('203.0.113.7') })).status).toBe(200);
        expect((await app.request('GET', '/readyz', { headers: from('203.0.113.7') })).status).toBe(200);
      }
    });

    it('documents 429 RATE_LIMITED on limited routes and not on probes', async () => {
      app = await appWith({});
      const doc = (await app.request('GET', '/openapi.json')).body;
      expect(doc.paths['/api/v1/reservations'].post.responses['429'].description).toContain('RATE_LIMITED');
      expect(doc.paths['/api/v1/auth/login'].post.responses['429'].description).toContain('RATE_LIMITED');
      expect(doc.paths['/api/v1/performances'].get.responses['429']).toBeDefined();
      expect(doc.paths['/healthz'].get.responses['429']).toBeUndefined();
    });
  });

  describe('RateLimit-Policy and RateLimit headers', () => {
    const limitOf = (response: Awaited<ReturnType<TestApp['request']>>) => ({
      policy: response.headers.get('ratelimit-policy'),
      remaining: response.headers.get('ratelimit'),
    });

    it("report each quota and what is left of it, from the limiter's own count", async () => {
      app = await appWith({ perIp: { points: 3, durationSeconds: 60 } });
      const answers = [];
      for (let i = 0; i < 4; i++)
        answers.push(await app.request('GET', '/api/v1/performances', { headers: from('203.0.113.7') }));

      expect(answers.map(limitOf)).toEqual([
        { policy: '"per-ip";q=3;w=60', remaining: expect.stringMatching(/^"per-ip";r=2;t=(5\d|60)$/) },
        { policy: '"per-ip";q=3;w=60', remaining: expect.stringMatching(/^"per-ip";r=1;t=(5\d|60)$/) },
        { policy: '"per-ip";q=3;w=60', remaining: expect.stringMatching(/^"per-ip";r=0;t=(5\d|60)$/) },
        { policy: '"per-ip";q=3;w=60', remaining: expect.stringMatching(/^"per-ip";r=0;t=(5\d|60)$/) },
      ]);
      const { retryAfter } = expectRateLimited(answers[3]!);
      expect(answers[3]!.headers.get('ratelimit')).toBe(`"per-ip";r=0;t=${retryAfter}`);
      // Another address has its own count.
      expect(
        limitOf(await app.request('GET', '/api/v1/performances', { headers: from('203.0.113.8') })).remaining,
      ).toMatch(/^"per-ip";r=2;/);
    });

    it('name both hold quotas, per address and per member, on a hold', async () => {
      app = await appWith({
        holdsPerMember: { points: 2, durationSeconds: 60 },
        holdsPerIp: { points: 5, durationSeconds: 60 },
      });
      const performance = await app.createPerformance();
      const [seat] = await app.seatIds(performance.id);
      const member = await app.newMember();
      const held = await app.request('POST', '/api/v1/reservations', {
        token: member.token,
        body: { performanceId: performance.id, seatIds: [seat] },
        headers: from('203.0.113.9'),
      });
      expect(held.status).toBe(201);
      expect(limitOf(held)).toEqual({
        policy: '"holds-per-ip";q=5;w=60, "holds-per-member";q=2;w=60',
        remaining: expect.stringMatching(/^"holds-per-ip";r=4;t=\d+, "holds-per-member";r=1;t=\d+$/),
      });
    });

    it('count logins on their own quota, and are not sent where nothing was counted', async () => {
      app = await appWith({ loginPerIp: { points: 5, durationSeconds: 60 } });
      const member = await app.newMember();
      const login = await app.request('POST', LOGIN, { body: { email: member.email, password: member.password } });
      expect(limitOf(login)).toEqual({
        policy: '"login-per-ip";q=5;w=60',
        remaining: expect.stringMatching(/^"login-per-ip";r=\d;t=\d+$/),
      });
      // Probes are never limited; a request refused before it is counted (401) says nothing of a quota.
      expect(limitOf(await app.request('GET', '/healthz'))).toEqual({ policy: null, remaining: null });
      expect(limitOf(await app.request('GET', '/api/v1/members/me'))).toEqual({ policy: null, remaining: null });
    });

    it('are not sent when rate limits are off', async () => {
      app = await startTestApp();
      expect(limitOf(await app.request('GET', '/api/v1/performances'))).toEqual({ policy: null, remaining: null });
    });

    it('are documented on every answer of a limited route, and on none of a probe', async () => {
      app = await appWith({});
      const doc = (await app.request('GET', '/openapi.json')).body;
      for (const [path, item] of Object.entries<any>(doc.paths)) {
        for (const operation of Object.values<any>(item)) {
          const probe = ['/healthz', '/readyz', '/metrics'].includes(path);
          for (const response of Object.values<any>(operation.responses)) {
            expect(Boolean(response.headers?.['RateLimit'])).toBe(!probe);
            expect(Boolean(response.headers?.['RateLimit-Policy'])).toBe(!probe);
          }
          if (!probe) expect(operation.responses['429'].headers['Retry-After']).toBeDefined();
        }
      }
      expect(doc.components.headers['RateLimit-Policy'].schema.pattern).toBeDefined();
    });
  });

  describe('the client address', () => {
    it('ignores X-Forwarded-For unless TRUST_PROXY says a proxy sets it', async () => {
      app = await appWith({ perIp: { points: 2, durationSeconds: 60 } }, false);
      for (const ip of ['203.0.113.1', '203.0.113.2']) {
        expect((await app.request('GET', '/api/v1/performances', { headers: from(ip) })).status).toBe(200);
      }
      expectRateLimited(await app.request('GET', '/api/v1/performances', { headers: from('203.0.113.3') }));
    });

    it('trusts only the hops it is told to: a client cannot pick its address by sending its own header', async () => {
      app = await appWith({ perIp: { points: 2, durationSeconds: 60 } }, 1);
      // The proxy appends the address it saw; whatever the client put before it is ignored.
      for (const spoofed of ['10.0.0.1', '10.0.0.2']) {
        expect(
          (await app.request('GET', '/api/v1/performances', { headers: from(`${spoofed}, 203.0.113.1`) })).status,
        ).toBe(200);
      }
      expectRateLimited(await app.request('GET', '/api/v1/performances', { headers: from('10.0.0.3, 203.0.113.1') }));
    });
  });

  it('has no limits at all when turned off (RATE_LIMIT_ENABLED=false)', async () => {
    app = await startTestApp();
    const member = await app.newMember();
    for (let i = 0; i < 40; i++) {
      const wrong = await app.request('POST', LOGIN, { body: { email: member.email, password: `wrong-${i}` } });
      expect(wrong.status).toBe(401);
    }
    expect(
      (await app.request('POST', LOGIN, { body: { email: member.email, password: member.password } })).status,
    ).toBe(200);
  });
});
