import type { AddressInfo } from 'node:net';
import pino, { type Logger } from 'pino';
import type { ReadinessReport, UseCases } from '../../src/adapters/http/http-dependencies';
import type { LimitSettings, RateLimitSettings } from '../../src/adapters/http/rate-limits';
import { ManualClock } from '../../src/adapters/memory/manual-clock';
import { Argon2PasswordHasher } from '../../src/adapters/security/argon2-password.hasher';
import type { ReservationPolicy } from '../../src/application/sales/reservation-policy';
import type { Clock } from '../../src/application/shared/ports/clock';
import { type Application, createApplication } from '../../src/bootstrap/application';
import { type Config, loadConfig } from '../../src/bootstrap/config';
import { openEmbeddedStores } from '../../src/bootstrap/stores';
import { TOKENS } from '../../src/bootstrap/tokens';
import {
  ApiClient,
  type ApiMember,
  type ApiResponse,
  type Hall,
  type Json,
  type RequestOptions,
} from '../../testkit/api-client';
import { performanceBody, type HallOptions, type PerformanceBody } from '../../testkit/performance-body';
import { HOUR } from '../../testkit/time';
import { T0 } from './builders';
import { testDatabaseUrl, testRedisUrl } from './environment';

/** Shared with tests that forge tokens (expired, wrongly signed) for a service of theirs. */
export const TEST_JWT_SECRET = 'a-test-secret-that-is-long-enough-0123456789';
export const TEST_TOKEN_TTL_SECONDS = 3600;
export const TEST_ADMIN = { email: 'admin@test.local', password: 'admin-password-for-tests' } as const;

/** Cheap hashing for tests that register hundreds of members; production uses OWASP's parameters. */
export const fastHasher = new Argon2PasswordHasher({ memoryCost: 1024, timeCost: 1, parallelism: 1 });

/**
 * The service's settings in every test, as environment variables (what `npm start` reads):
 * loopback on an ephemeral port, the test admin, no rate limits, no demo data, silent.
 */
export function testEnvironment(env: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: '0',
    JWT_SECRET: TEST_JWT_SECRET,
    TOKEN_TTL_SECONDS: String(TEST_TOKEN_TTL_SECONDS),
    ADMIN_EMAIL: TEST_ADMIN.email,
    ADMIN_PASSWORD: TEST_ADMIN.password,
    RATE_LIMIT_ENABLED: 'false',
    DEMO_DATA: 'false',
    LOG_LEVEL: 'silent',
    ...env,
  };
}

/** The same on this Jest worker's MariaDB database (migrated on start) and Redis db. */
export function fullStackEnvironment(env: Record<string, string> = {}): Record<string, string> {
  return testEnvironment({
    DATABASE_URL: testDatabaseUrl,
    REDIS_URL: testRedisUrl,
    MIGRATE_ON_START: 'true',
    ...env,
  });
}

/** The whole service as `npm start` builds it, in this process, with an API client on it. */
export interface TestService {
  readonly application: Application;
  readonly baseUrl: string;
  readonly api: ApiClient;
  /** The service's own clock. */
  readonly clock: Clock;
  request<T = Json>(method: string, path: string, options?: RequestOptions): Promise<ApiResponse<T>>;
  /** A token of the test admin, ensured by the service at start-up. */
  adminToken(): Promise<string>;
  /** A member registered just now, over HTTP, and logged in. */
  newMember(): Promise<ApiMember>;
  memberToken(): Promise<string>;
  /** A valid performance body, on sale by the service's clock (performanceBody); override any field. */
  performanceInput(overrides?: Partial<PerformanceBody>): PerformanceBody;
  /** Creates a performance over HTTP as the admin; returns the 201 body. */
  createPerformance(overrides?: Partial<PerformanceBody>): Promise<Json>;
  /** A one-section hall on sale by the service's clock, with its seat ids. */
  createHall(options: HallOptions): Promise<Hall>;
  seatIds(performanceId: string): Promise<string[]>;
  /** The client's connections, then the service (in-flight requests finish, stores close). */
  close(): Promise<void>;
}

/** Starts `createApplication(config, ...)` on its port and wraps it with a client. */
export async function startService(
  config: Config,
  options: Parameters<typeof createApplication>[2] & { logger?: Logger } = {},
): Promise<TestService> {
  const application = await createApplication(config, options.logger ?? pino({ level: 'silent' }), {
    passwordHasher: fastHasher,
    ...options,
  });
  const server = await application.listen();
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const api = new ApiClient(baseUrl);
  const clock = application.container.get<Clock>(TOKENS.Clock);
  let admin: Promise<string> | undefined;
  const adminToken = () => (admin ??= api.logIn(TEST_ADMIN.email, TEST_ADMIN.password));
  const performanceInput = (overrides: Partial<PerformanceBody> = {}) => performanceBody(clock.now(), overrides);
  return {
    application,
    baseUrl,
    api,
    clock,
    request: (method, path, requestOptions) => api.request(method, path, requestOptions),
    adminToken,
    newMember: () => api.newMember(),
    memberToken: async () => (await api.newMember()).token,
    performanceInput,
    createPerformance: async (overrides = {}) => api.createPerformance(await adminToken(), performanceInput(overrides)),
    createHall: async (hall) => api.createHall(await adminToken(), hall, clock.now()),
    seatIds: (performanceId) => api.seatIds(performanceId),
    async close() {
      await api.close();
      await application.stop();
    },
  };
}

/** The service on this worker's MariaDB and Redis (fullStackEnvironment), on the system clock. */
export function startFullStack(env: Record<string, string> = {}): Promise<TestService> {
  return startService(loadConfig(fullStackEnvironment(env)));
}

/** No practical per-member cap, so tests may hold many seats as one member; tests of the cap set one. */
export const DEFAULT_TEST_POLICY: ReservationPolicy = {
  holdSeconds: 300,
  maxSeatsPerReservation: 4,
  maxSeatsPerMember: 1000,
};

/** Limits far above what any test sends, so a test can tighten just the one it is about. */
const LOOSE: LimitSettings = { points: 10_000, durationSeconds: 60 };
export const LOOSE_RATE_LIMITS: RateLimitSettings = {
  perIp: LOOSE,
  loginPerIp: LOOSE,
  loginFailuresPerEmailAndIp: { ...LOOSE, blockSeconds: 60 },
  loginFailuresPerEmail: { ...LOOSE, blockSeconds: 60 },
  holdsPerMember: LOOSE,
  holdsPerIp: LOOSE,
};

type UseCaseWrappers = { readonly [K in keyof UseCases]?: (wired: UseCases[K]) => UseCases[K] };

export interface TestAppOverrides {
  readonly clock?: ManualClock;
  /** Settings as environment variables, over the test defaults. */
  readonly env?: Record<string, string>;
  readonly policy?: Partial<ReservationPolicy>;
  readonly http?: Partial<Config['http']>;
  /** Turns rate limits on (memory-backed, as in the embedded mode): these over loose defaults. */
  readonly rateLimits?: Partial<RateLimitSettings>;
  readonly idempotencyTtlSeconds?: number;
  readonly readiness?: () => Promise<ReadinessReport>;
  /** Replace single use cases (a slow or failing one); the rest stay as the container wires them. */
  readonly useCases?: Partial<UseCases>;
  /** Wrap use cases as wired (a gate, a counter): each gets the real one and returns its replacement. */
  readonly wrap?: UseCaseWrappers;
  /** Silent by default. */
  readonly logger?: Logger;
}

export interface TestApp extends TestService {
  readonly clock: ManualClock;
}

/**
 * The service as the embedded default builds it (the container's wiring, caches, rate
 * limits and idempotency included) on a clock the test moves, starting at T0. Sweeps of
 * overdue holds run only when a test asks (the clock jumps; a timer would race it), and the
 * seat map is read through without its staleness window, so a test sees its own writes.
 */
export async function startTestApp(overrides: TestAppOverrides = {}): Promise<TestApp> {
  const clock = overrides.clock ?? new ManualClock(T0);
  const base = loadConfig(
    testEnvironment({
      BODY_LIMIT_BYTES: String(16 * 1024),
      REQUEST_TIMEOUT_MS: '5000',
      SHUTDOWN_TIMEOUT_MS: '1000',
      SEAT_MAP_CACHE_MS: '0',
      HOLD_SWEEP_INTERVAL_MS: String(HOUR),
      ...overrides.env,
    }),
  );
  const config: Config = {
    ...base,
    reservation: { ...base.reservation, ...DEFAULT_TEST_POLICY, ...overrides.policy },
    http: { ...base.http, ...overrides.http },
    rateLimitEnabled: overrides.rateLimits !== undefined,
    rateLimits: { ...LOOSE_RATE_LIMITS, ...overrides.rateLimits },
    idempotencyTtlSeconds: overrides.idempotencyTtlSeconds ?? base.idempotencyTtlSeconds,
  };
  const stores = openEmbeddedStores(clock);
  const service = await startService(config, {
    clock,
    stores: overrides.readiness ? { ...stores, readiness: overrides.readiness } : stores,
    decorateUseCase: (name, useCase) => {
      // The container names use cases by class (HoldSeats); the HTTP adapter by field (holdSeats).
      const field = `${name.charAt(0).toLowerCase()}${name.slice(1)}` as keyof UseCases;
      const wrap = overrides.wrap?.[field] as ((wired: unknown) => unknown) | undefined;
      return (overrides.useCases?.[field] ?? wrap?.(useCase) ?? useCase) as typeof useCase;
    },
    ...(overrides.logger && { logger: overrides.logger }),
  });
  return { ...service, clock };
}
