import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { createLogger } from '../../src/adapters/telemetry/logger';
import { startTestApp, type TestApp } from '../support/service';
import { expectProblem } from '../support/problem-assertions';

/** The service's own logger (its redaction and error scrubbing), writing to memory at the chattiest level. */
function capturedLogs() {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return { logger: createLogger('trace', stream), text: () => chunks.join('') };
}

describe('logs never carry a password, a token or an email address', () => {
  let app: TestApp;
  let logs: ReturnType<typeof capturedLogs>;
  /** What the failing route's error echoes, as a database driver echoes the values of a statement. */
  let echoed = '';

  beforeAll(async () => {
    logs = capturedLogs();
    app = await startTestApp({
      logger: logs.logger,
      rateLimits: { loginFailuresPerEmailAndIp: { points: 2, durationSeconds: 3600, blockSeconds: 60 } },
      useCases: {
        getMember: {
          execute: async () => {
            throw new Error(`Duplicate entry '${echoed}' for key 'members_email_unique'`);
          },
        },
      },
    });
  });
  afterAll(() => app.close());

  it('through sign-up, failed and rate-limited logins, a reservation and an unexpected error', async () => {
    const email = `Jane.Doe+${randomUUID().slice(0, 8)}@example.com`;
    const password = `correct horse ${randomUUID()}`;
    const wrongPassword = `wrong horse ${randomUUID()}`;

    const signUp = await app.request('POST', '/api/v1/members', { body: { email, password, name: 'Jane' } });
    expect(signUp.status).toBe(201);
    const login = await app.request('POST', '/api/v1/auth/login', { body: { email, password } });
    expect(login.status).toBe(200);
    const token: string = login.body.accessToken;

    expectProblem(
      await app.request('POST', '/api/v1/auth/login', { body: { email, password: wrongPassword } }),
      401,
      'INVALID_CREDENTIALS',
    );
    await app.request('POST', '/api/v1/auth/login', { body: { email, password: wrongPassword } });
    expectProblem(await app.request('POST', '/api/v1/auth/login', { body: { email, password } }), 429, 'RATE_LIMITED');

    const performance = await app.createPerformance();
    const [seat] = await app.seatIds(performance.id);
    const held = await app.request('POST', '/api/v1/reservations', {
      token,
      body: { performanceId: performance.id, seatIds: [seat] },
      headers: { 'Idempotency-Key': `retry-${email}` },
    });
    expect(held.status).toBe(201);
    expectProblem(await app.request('GET', '/api/v1/members/me', { token: `${token}x` }), 401, 'INVALID_TOKEN');

    echoed = email;
    expectProblem(await app.request('GET', '/api/v1/members/me', { token }), 500, 'INTERNAL_ERROR');

    const text = logs.text();
    // The run was logged (one line per request, the unexpected error with its stack)...
    expect(text).toContain('"route":"/api/v1/auth/login"');
    expect(text).toContain('"status":429');
    expect(text).toContain('Duplicate entry');
    // ...and nothing in it identifies or authenticates Jane.
    for (const secret of [password, wrongPassword, token, token.split('.')[2]!, email, email.toLowerCase()]) {
      expect(text).not.toContain(secret);
    }
    expect(text).not.toMatch(/jane\.doe/i);
    expect(text).not.toMatch(/eyJ[\w-]+\.[\w-]+/);
  });
});
