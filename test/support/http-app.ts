import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino, { type Logger } from 'pino';
import { createHttpApp } from '../../src/adapters/http/app';
import type { HttpOptions, ReadinessReport, UseCases } from '../../src/adapters/http/http-dependencies';
import {
  FlexibleRateLimits,
  type HttpRateLimits,
  type LimitSettings,
  type RateLimitSettings,
} from '../../src/adapters/http/rate-limits';
import { InMemoryIdempotencyStore } from '../../src/adapters/memory/in-memory-idempotency.store';
import { memoryRateLimiterFactory } from '../../src/adapters/memory/memory-rate-limiter';
import type { IdempotencyStore } from '../../src/application/idempotency/ports/idempotency-store';
import { InMemoryEventPublisher } from '../../src/adapters/memory/in-memory-event.publisher';
import { InMemoryMemberRepository } from '../../src/adapters/memory/in-memory-member.repository';
import { InMemoryPerformanceRepository } from '../../src/adapters/memory/in-memory-performance.repository';
import { InMemoryReservationRepository } from '../../src/adapters/memory/in-memory-reservation.repository';
import { InMemorySeatHoldStore } from '../../src/adapters/memory/in-memory-seat-hold.store';
import { ManualClock } from '../../src/adapters/memory/manual-clock';
import { Argon2PasswordHasher } from '../../src/adapters/security/argon2-password.hasher';
import { JoseTokenService } from '../../src/adapters/security/jose-token.service';
import { UuidV7IdGenerator } from '../../src/adapters/system/uuid-v7.id-generator';
import { CancelReservation } from '../../src/application/sales/cancel-reservation/cancel-reservation.use-case';
import { ConfirmReservation } from '../../src/application/sales/confirm-reservation/confirm-reservation.use-case';
import { CreatePerformance } from '../../src/application/catalog/create-performance/create-performance.use-case';
import { GetMember } from '../../src/application/identity/get-member/get-member.use-case';
import { GetPerformance } from '../../src/application/catalog/get-performance/get-performance.use-case';
import { GetReservation } from '../../src/application/sales/get-reservation/get-reservation.use-case';
import { MemberRegistration } from '../../src/application/identity/member-registration';
import { SeatMapReader } from '../../src/application/catalog/seat-map';
import { GetSeatMap } from '../../src/application/catalog/get-seat-map/get-seat-map.use-case';
import { HoldSeats } from '../../src/application/sales/hold-seats/hold-seats.use-case';
import { ListMemberReservations } from '../../src/application/sales/list-member-reservations/list-member-reservations.use-case';
import { ListPerformances } from '../../src/application/catalog/list-performances/list-performances.use-case';
import { LogIn } from '../../src/application/identity/log-in/log-in.use-case';
import { RegisterMember } from '../../src/application/identity/register-member/register-member.use-case';
import type { ReservationPolicy } from '../../src/application/sales/reservation-policy';

/** Shared with tests that forge tokens (expired, wrongly signed) against the test app. */
export const TEST_JWT_SECRET = 'http-e2e-secret-that-is-long-enough-0123456789';
export const TEST_TOKEN_TTL_SECONDS = 3600;
export const HTTP_T0 = new Date('2030-01-01T00:00:00.000Z');
export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;
/** No practical per-member cap, so tests may hold many seats as one member; tests of the cap set one. */
export const DEFAULT_TEST_POLICY: ReservationPolicy = {
  holdSeconds: 300,
  maxSeatsPerReservation: 4,
  maxSeatsPerMember: 1000,
};
export const DEFAULT_TEST_HTTP_OPTIONS: HttpOptions = {
  bodyLimitBytes: 16 * 1024,
  requestTimeoutMs: 5_000,
  corsOrigins: [],
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

/** Memory-backed rate limits (the embedded mode's) with `settings` over the loose defaults. */
export function memoryRateLimits(settings: Partial<RateLimitSettings> = {}): HttpRateLimits {
  return new FlexibleRateLimits({ ...LOOSE_RATE_LIMITS, ...settings }, memoryRateLimiterFactory);
}

export interface TestAppOverrides {
  readonly clock?: ManualClock;
  /** Tokens are issued and checked on the test clock (advance it to expire them); the system's by default. */
  readonly tokensOnTestClock?: boolean;
  /** None by default (as with RATE_LIMIT_ENABLED=false). */
  readonly rateLimits?: HttpRateLimits;
  /** An in-memory store by default. */
  readonly idempotencyStore?: IdempotencyStore;
  readonly idempotencyTtlSeconds?: number;
  readonly http?: Partial<HttpOptions>;
  readonly policy?: Partial<ReservationPolicy>;
  readonly readiness?: () => Promise<ReadinessReport>;
  /** Replace single use cases (a slow or failing one), the rest stay wired. */
  readonly useCases?: Partial<UseCases>;
  /** Wrap use cases as wired (a cache, a fault injector): gets the real ones, returns replacements. */
  readonly decorate?: (wired: UseCases) => Partial<UseCases>;
  /** Silent by default. */
  readonly logger?: Logger;
}

/**
 * A parsed JSON body. Tests assert on bodies rather than type them, so this is the one
 * deliberate `any` of the HTTP tests.
 */

export type Json = any;

export interface ApiResponse<T = Json> {
  readonly status: number;
  readonly headers: Headers;
  /** Parsed JSON when the response is JSON (application/json or +json), else the text. */
  readonly body: T;
}

export interface RequestOptions {
  readonly token?: string;
  /** Sent as JSON (with Content-Type: application/json) unless it is already a string. */
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
}

export interface TestMember {
  readonly id: string;
  readonly email: string;
  readonly password: string;
  readonly token: string;
}

export interface PerformanceInput {
  title: string;
  venue: string;
  startsAt: string;
  salesOpenAt: string;
  salesCloseAt: string;
  currency?: string;
  grades: { name: string; price: number }[];
  sections: { name: string; grade: string; rows: number; seatsPerRow: number }[];
}

export interface TestApp {
  readonly baseUrl: string;
  readonly clock: ManualClock;
  readonly tokens: JoseTokenService;
  /** The use cases the app drives (overrides included). */
  readonly useCases: UseCases;
  request<T = Json>(method: string, path: string, options?: RequestOptions): Promise<ApiResponse<T>>;
  /** A token of the one admin account (created on first use). */
  adminToken(): Promise<string>;
  /** A token of a member registered just now, over HTTP. */
  memberToken(): Promise<string>;
  /** Registers a fresh member over HTTP and logs it in. */
  newMember(): Promise<TestMember>;
  /** A valid performance body, on sale now by the test clock; override any field. */
  performanceInput(overrides?: Partial<PerformanceInput>): PerformanceInput;
  /** Creates a performance over HTTP as the admin; returns the 201 body. */
  createPerformance(overrides?: Partial<PerformanceInput>): Promise<Json>;
  /** The seat ids of a performance, in layout order. */
  seatIds(performanceId: string): Promise<string[]>;
  close(): Promise<void>;
}

/**
 * The HTTP adapter over the in-memory adapters, listening on an ephemeral loopback port.
 * Use cases are wired by hand here (bootstrap's container is not under test): the default
 * layout is section A (VIP, 2×5) and B (R, 2×5), sales open one hour before the clock's now.
 */
export async function startTestApp(overrides: TestAppOverrides = {}): Promise<TestApp> {
  const clock = overrides.clock ?? new ManualClock(HTTP_T0);
  const ids = new UuidV7IdGenerator();
  const events = new InMemoryEventPublisher();
  const members = new InMemoryMemberRepository();
  const performances = new InMemoryPerformanceRepository();
  const reservations = new InMemoryReservationRepository(members);
  const holds = new InMemorySeatHoldStore(clock);
  const hasher = new Argon2PasswordHasher({ memoryCost: 1024, timeCost: 1, parallelism: 1 });
  const tokens = new JoseTokenService(
    TEST_JWT_SECRET,
    TEST_TOKEN_TTL_SECONDS,
    overrides.tokensOnTestClock ? clock : undefined,
  );
  const policy = { ...DEFAULT_TEST_POLICY, ...overrides.policy };
  const registration = new MemberRegistration(members, hasher, ids, clock, events);
  const registerMember = new RegisterMember(registration);
  const seatMaps = new SeatMapReader(performances, reservations, clock);
  const getSeatMap = new GetSeatMap(seatMaps);
  const useCases: { -readonly [K in keyof UseCases]: UseCases[K] } = {
    registerMember,
    logIn: new LogIn(members, hasher, tokens),
    getMember: new GetMember(members),
    createPerformance: new CreatePerformance(performances, members, ids, clock, events),
    listPerformances: new ListPerformances(performances, clock),
    getPerformance: new GetPerformance(seatMaps),
    getSeatMap,
    holdSeats: new HoldSeats(performances, reservations, holds, ids, clock, events, policy),
    confirmReservation: new ConfirmReservation(reservations, members, holds, clock, events),
    cancelReservation: new CancelReservation(reservations, members, holds, clock, events),
    getReservation: new GetReservation(reservations, members, clock),
    listMemberReservations: new ListMemberReservations(reservations, members, clock),
    ...overrides.useCases,
  };
  Object.assign(useCases, overrides.decorate?.(useCases));
  const app = createHttpApp({
    useCases,
    tokens,
    readiness: overrides.readiness ?? (async () => ({ ready: true, checks: { memory: 'up' } })),
    logger: overrides.logger ?? pino({ level: 'silent' }),
    options: { ...DEFAULT_TEST_HTTP_OPTIONS, ...overrides.http },
    ...(overrides.rateLimits && { rateLimits: overrides.rateLimits }),
    idempotency: {
      store: overrides.idempotencyStore ?? new InMemoryIdempotencyStore(),
      clock,
      ttlSeconds: overrides.idempotencyTtlSeconds ?? 86_400,
    },
  });

  const server: Server = await new Promise((resolve, reject) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
    listening.once('error', reject);
  });
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const request = async <T = Json>(
    method: string,
    path: string,
    options: RequestOptions = {},
  ): Promise<ApiResponse<T>> => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token !== undefined) headers['Authorization'] ??= `Bearer ${options.token}`;
    let body: string | undefined;
    if (options.body !== undefined) {
      body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
      if (!Object.keys(headers).some((name) => name.toLowerCase() === 'content-type'))
        headers['Content-Type'] = 'application/json';
    }
    const response = await fetch(`${baseUrl}${path}`, { method, headers, body });
    const text = await response.text();
    const isJson = /[/+]json\b/.test(response.headers.get('content-type') ?? '');
    return {
      status: response.status,
      headers: response.headers,
      body: (isJson && text ? JSON.parse(text) : text) as T,
    };
  };

  const newMember = async (): Promise<TestMember> => {
    const email = `member-${randomUUID()}@example.com`;
    const password = `pass-${randomUUID()}`;
    const registered = await request('POST', '/api/v1/members', { body: { email, password, name: 'Test Member' } });
    if (registered.status !== 201) throw new Error(`registering a member failed: ${registered.status}`);
    const login = await request('POST', '/api/v1/auth/login', { body: { email, password } });
    if (login.status !== 200) throw new Error(`logging in failed: ${login.status}`);
    return { id: registered.body.id, email, password, token: login.body.accessToken };
  };

  let admin: Promise<string> | undefined;
  const adminToken = (): Promise<string> =>
    (admin ??= (async () => {
      const credentials = { email: 'admin@example.com', password: 'admin-password-for-tests' };
      await registration.register({ ...credentials, name: 'Administrator' }, 'ADMIN');
      const login = await request('POST', '/api/v1/auth/login', { body: credentials });
      if (login.status !== 200) throw new Error(`admin login failed: ${login.status}`);
      return login.body.accessToken as string;
    })());

  const performanceInput = (input: Partial<PerformanceInput> = {}): PerformanceInput => {
    const now = clock.now().getTime();
    return {
      title: 'Spring Symphony',
      venue: 'Test Hall',
      startsAt: new Date(now + 30 * DAY_MS).toISOString(),
      salesOpenAt: new Date(now - HOUR_MS).toISOString(),
      salesCloseAt: new Date(now + 29 * DAY_MS).toISOString(),
      grades: [
        { name: 'VIP', price: 150_000 },
        { name: 'R', price: 120_000 },
      ],
      sections: [
        { name: 'A', grade: 'VIP', rows: 2, seatsPerRow: 5 },
        { name: 'B', grade: 'R', rows: 2, seatsPerRow: 5 },
      ],
      ...input,
    };
  };

  return {
    baseUrl,
    clock,
    tokens,
    useCases,
    request,
    adminToken,
    memberToken: async () => (await newMember()).token,
    newMember,
    performanceInput,
    async createPerformance(input = {}) {
      const response = await request('POST', '/api/v1/performances', {
        token: await adminToken(),
        body: performanceInput(input),
      });
      if (response.status !== 201) throw new Error(`creating a performance failed: ${JSON.stringify(response.body)}`);
      return response.body;
    },
    async seatIds(performanceId) {
      const response = await request('GET', `/api/v1/performances/${performanceId}/seats`);
      if (response.status !== 200) throw new Error(`reading seats failed: ${response.status}`);
      return response.body.seats.map((seat: { id: string }) => seat.id);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // fetch keeps connections alive; without this close() waits for them to time out.
        server.closeAllConnections();
      }),
  };
}
