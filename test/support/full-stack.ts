import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import pino from 'pino';
import { Argon2PasswordHasher } from '../../src/adapters/security/argon2-password.hasher';
import { Application, createApplication } from '../../src/bootstrap/application';
import { loadConfig } from '../../src/bootstrap/config';
import { testDatabaseUrl, testRedisUrl } from './environment';

/** Cheap hashing for tests that register hundreds of members; production uses OWASP's parameters. */
export const fastHasher = new Argon2PasswordHasher({ memoryCost: 1024, timeCost: 1, parallelism: 1 });

export const TEST_ADMIN = { email: 'admin@test.local', password: 'admin-password-for-tests' };

export interface RunningService {
  readonly application: Application;
  readonly baseUrl: string;
  stop(): Promise<void>;
}

/** The environment of a service on this worker's MariaDB database and Redis db, on an ephemeral loopback port. */
export function fullStackEnvironment(env: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: '0',
    DATABASE_URL: testDatabaseUrl,
    REDIS_URL: testRedisUrl,
    MIGRATE_ON_START: 'true',
    JWT_SECRET: 'a-test-secret-that-is-long-enough-0123456789',
    ADMIN_EMAIL: TEST_ADMIN.email,
    ADMIN_PASSWORD: TEST_ADMIN.password,
    RATE_LIMIT_ENABLED: 'false',
    LOG_LEVEL: 'silent',
    ...env,
  };
}

/** The whole service, as `npm start` builds it, in this process (see fullStackEnvironment). */
export async function startFullStack(env: Record<string, string> = {}): Promise<RunningService> {
  const config = loadConfig(fullStackEnvironment(env));
  const application = await createApplication(config, pino({ level: 'silent' }), { passwordHasher: fastHasher });
  const server: Server = await application.listen();
  const { port } = server.address() as AddressInfo;
  return { application, baseUrl: `http://127.0.0.1:${port}`, stop: () => application.stop() };
}

export interface JsonResponse<T = any> {
  readonly status: number;
  readonly body: T;
  readonly headers: Headers;
}

/** fetch + JSON, for terse tests. */
export async function call<T = any>(
  baseUrl: string,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<JsonResponse<T>> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...options.headers,
    },
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}

export async function signUpAndLogIn(
  baseUrl: string,
  email: string,
  password = 'a-decent-password-123',
): Promise<string> {
  const signUp = await call(baseUrl, 'POST', '/api/v1/members', {
    body: { email, password, name: email.split('@')[0] },
  });
  if (signUp.status !== 201) throw new Error(`sign-up failed: ${signUp.status} ${JSON.stringify(signUp.body)}`);
  return logIn(baseUrl, email, password);
}

export async function logIn(baseUrl: string, email: string, password: string): Promise<string> {
  const login = await call(baseUrl, 'POST', '/api/v1/auth/login', { body: { email, password } });
  if (login.status !== 200) throw new Error(`login failed: ${login.status} ${JSON.stringify(login.body)}`);
  return login.body.accessToken;
}

/** A hall of `rows × seatsPerRow` seats in one section, on sale now. */
export async function createOnSalePerformance(
  baseUrl: string,
  adminToken: string,
  rows = 5,
  seatsPerRow = 10,
  title = 'Race Night',
) {
  const now = Date.now();
  const created = await call(baseUrl, 'POST', '/api/v1/performances', {
    token: adminToken,
    body: {
      title,
      venue: 'Test Arena',
      startsAt: new Date(now + 7 * 86_400_000).toISOString(),
      salesOpenAt: new Date(now - 60_000).toISOString(),
      salesCloseAt: new Date(now + 6 * 86_400_000).toISOString(),
      grades: [{ name: 'R', price: 120_000 }],
      sections: [{ name: 'A', grade: 'R', rows, seatsPerRow }],
    },
  });
  if (created.status !== 201)
    throw new Error(`create performance failed: ${created.status} ${JSON.stringify(created.body)}`);
  const seats = await call(baseUrl, 'GET', `/api/v1/performances/${created.body.id}/seats`);
  return { id: created.body.id as string, seatIds: (seats.body.seats as { id: string }[]).map((seat) => seat.id) };
}
