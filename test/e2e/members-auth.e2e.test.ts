import { randomUUID } from 'node:crypto';
import { generateKeyPair, SignJWT } from 'jose';
import { startTestApp, TEST_JWT_SECRET, type TestApp } from '../support/service';
import { expectProblem } from '../support/problem-assertions';

const newEmail = () => `jane-${randomUUID()}@example.com`;
const PASSWORD = 'a-long-enough-passphrase';

let app: TestApp;
/** Seconds since the epoch on the service's clock, which tokens are issued and checked on. */
const nowSeconds = () => Math.floor(app.clock.now().getTime() / 1000);

/** A token like ours but with chosen claims, key or algorithm. */
async function forge(
  claims: { sub: string; role?: string; exp?: number },
  options: { secret?: string; issuer?: string; alg?: 'HS256' | 'HS512' | 'RS256' } = {},
) {
  const alg = options.alg ?? 'HS256';
  const jwt = new SignJWT({ role: claims.role ?? 'USER' })
    .setProtectedHeader({ alg, typ: 'JWT' })
    .setSubject(claims.sub)
    .setIssuer(options.issuer ?? 'ticketing-service')
    .setAudience('ticketing-api')
    .setIssuedAt(nowSeconds() - 7200)
    .setExpirationTime(claims.exp ?? nowSeconds() + 3600);
  if (alg === 'RS256') return jwt.sign((await generateKeyPair('RS256')).privateKey);
  return jwt.sign(new TextEncoder().encode(options.secret ?? TEST_JWT_SECRET));
}

/** The token with its payload swapped for `claims` and its signature kept. */
function tampered(token: string, claims: (payload: Record<string, unknown>) => Record<string, unknown>): string {
  const [header, payload, signature] = token.split('.') as [string, string, string];
  const decoded = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
  return `${header}.${Buffer.from(JSON.stringify(claims(decoded))).toString('base64url')}.${signature}`;
}

const base64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('members and authentication', () => {
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  describe('POST /api/v1/members', () => {
    it('registers a USER and answers 201 with Location and the member, never the hash', async () => {
      const email = newEmail();
      const response = await app.request('POST', '/api/v1/members', {
        body: { email: `  ${email.toUpperCase()} `, password: PASSWORD, name: 'Jane Doe' },
      });
      expect(response.status).toBe(201);
      expect(response.headers.get('location')).toBe('/api/v1/members/me');
      expect(response.body).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        email,
        name: 'Jane Doe',
        role: 'USER',
        createdAt: '2030-01-01T00:00:00.000Z',
      });
    });

    it('answers 409 EMAIL_TAKEN for an email registered already, whatever its case', async () => {
      const email = newEmail();
      expect(
        (await app.request('POST', '/api/v1/members', { body: { email, password: PASSWORD, name: 'A' } })).status,
      ).toBe(201);
      const again = await app.request('POST', '/api/v1/members', {
        body: { email: email.toUpperCase(), password: PASSWORD, name: 'B' },
      });
      const problem = expectProblem(again, 409, 'EMAIL_TAKEN');
      expect(JSON.stringify(problem)).not.toContain(email);
    });

    it('answers 422 WEAK_PASSWORD for a short or common password', async () => {
      expectProblem(
        await app.request('POST', '/api/v1/members', { body: { email: newEmail(), password: 'short', name: 'A' } }),
        422,
        'WEAK_PASSWORD',
      );
      expectProblem(
        await app.request('POST', '/api/v1/members', {
          body: { email: newEmail(), password: 'password123', name: 'A' },
        }),
        422,
        'WEAK_PASSWORD',
      );
    });

    it('answers 422 INVALID_EMAIL for an address without a domain', async () => {
      expectProblem(
        await app.request('POST', '/api/v1/members', { body: { email: 'jane@', password: PASSWORD, name: 'A' } }),
        422,
        'INVALID_EMAIL',
      );
    });

    it('answers 422 VALIDATION_FAILED for a blank name (a business rule, not a shape)', async () => {
      expectProblem(
        await app.request('POST', '/api/v1/members', { body: { email: newEmail(), password: PASSWORD, name: '   ' } }),
        422,
        'VALIDATION_FAILED',
      );
    });

    it('refuses a client-chosen role as an unknown field', async () => {
      const response = await app.request('POST', '/api/v1/members', {
        body: { email: newEmail(), password: PASSWORD, name: 'Mallory', role: 'ADMIN' },
      });
      const problem = expectProblem(response, 400, 'VALIDATION_FAILED');
      expect(problem.errors).toEqual([{ path: '', message: expect.stringContaining('role') }]);
    });
  });

  describe('POST /api/v1/auth/login', () => {
    let email: string;
    beforeAll(async () => {
      email = newEmail();
      await app.request('POST', '/api/v1/members', { body: { email, password: PASSWORD, name: 'Jane' } });
    });

    it('answers 200 with a bearer token that authenticates the member', async () => {
      const response = await app.request('POST', '/api/v1/auth/login', { body: { email, password: PASSWORD } });
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ accessToken: expect.any(String), tokenType: 'Bearer', expiresIn: 3600 });
      expect(response.headers.get('cache-control')).toBe('no-store');
      const me = await app.request('GET', '/api/v1/members/me', { token: response.body.accessToken });
      expect(me.body.email).toBe(email);
    });

    it('answers 401 INVALID_CREDENTIALS for a wrong password and for an unknown email alike', async () => {
      const wrong = expectProblem(
        await app.request('POST', '/api/v1/auth/login', { body: { email, password: 'not-the-password' } }),
        401,
        'INVALID_CREDENTIALS',
      );
      const unknown = expectProblem(
        await app.request('POST', '/api/v1/auth/login', { body: { email: newEmail(), password: PASSWORD } }),
        401,
        'INVALID_CREDENTIALS',
      );
      expect(unknown.detail).toBe(wrong.detail);
    });

    it('answers 400 VALIDATION_FAILED when the password is missing', async () => {
      const problem = expectProblem(
        await app.request('POST', '/api/v1/auth/login', { body: { email } }),
        400,
        'VALIDATION_FAILED',
      );
      expect(problem.errors).toEqual([{ path: 'password', message: expect.any(String) }]);
    });
  });

  describe('GET /api/v1/members/me and bearer tokens', () => {
    let member: { id: string; email: string; token: string };
    beforeAll(async () => {
      member = await app.newMember();
    });

    it('answers the member behind the token, without any password field', async () => {
      const response = await app.request('GET', '/api/v1/members/me', { token: member.token });
      expect(response.status).toBe(200);
      expect(response.body).toEqual({
        id: member.id,
        email: member.email,
        name: 'Test Member',
        role: 'USER',
        createdAt: expect.any(String),
      });
      expect(JSON.stringify(response.body)).not.toMatch(/password|hash|argon2/i);
    });

    it('answers 401 UNAUTHENTICATED with WWW-Authenticate when no token is sent', async () => {
      const response = await app.request('GET', '/api/v1/members/me');
      expectProblem(response, 401, 'UNAUTHENTICATED');
      expect(response.headers.get('www-authenticate')).toBe('Bearer realm="ticketing"');
    });

    it('answers 401 UNAUTHENTICATED for another authorization scheme', async () => {
      const response = await app.request('GET', '/api/v1/members/me', {
        headers: { Authorization: 'Basic amFuZTpwYXNz' },
      });
      expectProblem(response, 401, 'UNAUTHENTICATED');
    });

    const invalid: [string, () => Promise<string>][] = [
      ['garbage', async () => 'not-a-jwt'],
      ['expired', () => forge({ sub: randomUUID(), exp: nowSeconds() - 60 })],
      [
        'signed with another key',
        () => forge({ sub: randomUUID() }, { secret: 'another-secret-that-is-also-long-enough-0123' }),
      ],
      ['issued by another service', () => forge({ sub: randomUUID() }, { issuer: 'someone-else' })],
      [
        'alg none',
        async () =>
          `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url({ sub: member.id, role: 'ADMIN', iss: 'ticketing-service', aud: 'ticketing-api', exp: nowSeconds() + 3600 })}.`,
      ],
      ['with its signature cut off', async () => member.token.slice(0, member.token.lastIndexOf('.') + 1)],
      [
        'whose payload was changed to an admin',
        async () => tampered(member.token, (claims) => ({ ...claims, role: 'ADMIN' })),
      ],
      [
        'whose payload was changed to another member',
        async () => tampered(member.token, (claims) => ({ ...claims, sub: randomUUID() })),
      ],
      [
        'whose expiry was pushed back',
        async () => tampered(member.token, (claims) => ({ ...claims, exp: 4102444800 })),
      ],
      ['signed with our secret but HS512', () => forge({ sub: member.id }, { alg: 'HS512' })],
      ['signed RS256 with a key of its own', () => forge({ sub: member.id }, { alg: 'RS256' })],
      ['of an unknown role', () => forge({ sub: randomUUID(), role: 'ROOT' })],
      ['far too long', async () => 'a'.repeat(5000)],
    ];
    it.each(invalid)('answers 401 INVALID_TOKEN for a token %s', async (_name, token) => {
      const response = await app.request('GET', '/api/v1/members/me', { token: await token() });
      expectProblem(response, 401, 'INVALID_TOKEN');
      expect(response.headers.get('www-authenticate')).toBe('Bearer realm="ticketing", error="invalid_token"');
    });

    it('accepts a correctly forged token of ours, so the cases above fail for the reason named', async () => {
      const response = await app.request('GET', '/api/v1/members/me', { token: await forge({ sub: member.id }) });
      expect(response.status).toBe(200);
      expect(response.body.id).toBe(member.id);
    });

    it('answers 401 INVALID_TOKEN for a well-signed token of a member that does not exist', async () => {
      expectProblem(
        await app.request('GET', '/api/v1/members/me', { token: await forge({ sub: randomUUID() }) }),
        401,
        'INVALID_TOKEN',
      );
    });
  });
});
