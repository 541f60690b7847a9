import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, closeSync, openSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Knex } from 'knex';
import pino from 'pino';
import { createKnex, ensureDatabaseExists } from '../../src/adapters/persistence/knex-client';
import { Application, createApplication } from '../../src/bootstrap/application';
import { loadConfig } from '../../src/bootstrap/config';
import { fastHasher, TEST_ADMIN } from './full-stack';
import { freePort, startWatchdog, waitUntil, type OwnedMariaDb, type OwnedRedis } from './owned-servers';
import { rawRequest } from './raw-http';

export const FAULT_JWT_SECRET = 'a-fault-test-secret-that-is-long-enough-0123';
export const REQUEST_TIMEOUT_MS = 3_000;
const API = '/api/v1';

/** The service's settings for fault tests: the owned servers, no rate limits, a short request timeout. */
export function faultEnvironment(
  mariadb: OwnedMariaDb,
  redis: OwnedRedis,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: '0',
    DATABASE_URL: `${mariadb.serverUrl}/ticketing_faults`,
    REDIS_URL: redis.url(0),
    MIGRATE_ON_START: 'true',
    JWT_SECRET: FAULT_JWT_SECRET,
    ADMIN_EMAIL: TEST_ADMIN.email,
    ADMIN_PASSWORD: TEST_ADMIN.password,
    RATE_LIMIT_ENABLED: 'false',
    REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
    LOG_LEVEL: 'silent',
    ...extra,
  };
}

export interface InProcessService {
  readonly application: Application;
  readonly baseUrl: string;
  stop(): Promise<void>;
}

/** The whole service, as main.ts builds it, in this process, on the owned servers. */
export async function startServiceInProcess(env: Record<string, string>): Promise<InProcessService> {
  const application = await createApplication(loadConfig(env), pino({ level: 'silent' }), {
    passwordHasher: fastHasher,
  });
  const server = await application.listen();
  const { port } = server.address() as AddressInfo;
  return { application, baseUrl: `http://127.0.0.1:${port}`, stop: () => application.stop() };
}

/** The service as a child process (main.ts through tsx), for tests that SIGKILL it. */
export class ServiceProcess {
  #child: ChildProcess | undefined;

  private constructor(
    readonly port: number,
    private readonly env: Record<string, string>,
    private readonly logFile: string,
  ) {}

  static async start(env: Record<string, string>, logDirectory: string): Promise<ServiceProcess> {
    const service = new ServiceProcess(await freePort(), env, join(logDirectory, 'service.log'));
    await service.start();
    return service;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const log = openSync(this.logFile, 'a');
    appendFileSync(this.logFile, `--- start ${new Date().toISOString()}\n`);
    // `node --import tsx`, not the tsx CLI: the CLI runs the script in a grandchild process,
    // which a SIGKILL of the CLI would leave running.
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/bootstrap/main.ts'], {
      cwd: join(__dirname, '..', '..'),
      env: { PATH: process.env['PATH'] ?? '', ...this.env, PORT: String(this.port) },
      stdio: ['ignore', log, log],
    });
    closeSync(log);
    this.#child = child;
    // Killed with this process, even when that dies without running its exit hooks.
    process.once('exit', () => child.kill('SIGKILL'));
    const watchdog = startWatchdog(child.pid!);
    child.once('exit', () => watchdog.kill('SIGKILL'));
    await waitUntil(
      'the service answering /healthz',
      async () => {
        if (child.exitCode !== null) throw new Error(`the service exited with ${child.exitCode}; see ${this.logFile}`);
        return (
          (await rawRequest(this.baseUrl, { method: 'GET', path: '/healthz', freshConnection: true }, 1_000)).status ===
          200
        );
      },
      60_000,
    );
  }

  /** SIGKILL: no shutdown hook runs, in-flight requests die with their sockets. */
  async kill(): Promise<void> {
    const child = this.#child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }
}

/** Sends members through sign-up and login, a few at a time (hashing is CPU-bound). */
export async function signUpMembers(baseUrl: string, count: number, prefix: string): Promise<string[]> {
  const tokens: string[] = [];
  for (let start = 0; start < count; start += 10) {
    const batch = Array.from({ length: Math.min(10, count - start) }, async (_, offset) => {
      const email = `${prefix}-${start + offset}-${Date.now().toString(36)}@example.com`;
      const password = 'a-decent-password-123';
      const body = (value: unknown) => ({
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(value),
      });
      const signUp = await rawRequest(baseUrl, {
        method: 'POST',
        path: `${API}/members`,
        ...body({ email, password, name: 'Racer' }),
      });
      if (signUp.status !== 201) throw new Error(`sign-up failed: ${signUp.status} ${signUp.text}`);
      const login = await rawRequest(baseUrl, {
        method: 'POST',
        path: `${API}/auth/login`,
        ...body({ email, password }),
      });
      if (login.status !== 200) throw new Error(`login failed: ${login.status} ${login.text}`);
      return login.json.accessToken as string;
    });
    tokens.push(...(await Promise.all(batch)));
  }
  return tokens;
}

export async function adminLogIn(baseUrl: string): Promise<string> {
  const login = await rawRequest(baseUrl, {
    method: 'POST',
    path: `${API}/auth/login`,
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(TEST_ADMIN),
  });
  if (login.status !== 200) throw new Error(`admin login failed: ${login.status} ${login.text}`);
  return login.json.accessToken;
}

/** A one-section hall of `seats` seats, on sale now; returns its id and seat ids. */
export async function createHall(baseUrl: string, adminToken: string, seats: number, title: string) {
  const now = Date.now();
  const created = await rawRequest(baseUrl, {
    method: 'POST',
    path: `${API}/performances`,
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${adminToken}` },
    body: JSON.stringify({
      title,
      venue: 'Fault Arena',
      startsAt: new Date(now + 7 * 86_400_000).toISOString(),
      salesOpenAt: new Date(now - 60_000).toISOString(),
      salesCloseAt: new Date(now + 6 * 86_400_000).toISOString(),
      grades: [{ name: 'R', price: 120_000 }],
      sections: [{ name: 'A', grade: 'R', rows: 1, seatsPerRow: seats }],
    }),
  });
  if (created.status !== 201) throw new Error(`create performance failed: ${created.status} ${created.text}`);
  const map = await rawRequest(baseUrl, { method: 'GET', path: `${API}/performances/${created.json.id}/seats` });
  return { id: created.json.id as string, seatIds: (map.json.seats as { id: string }[]).map((seat) => seat.id) };
}

/** What one request got: a status, or no answer at all (the connection died), and how long it took. */
export interface Outcome {
  readonly label: string;
  readonly status: number | 'no answer';
  readonly code?: string;
  readonly retryAfter?: string;
  /** Idempotent-Replayed: true (the recorded answer to an earlier request with the same key). */
  readonly replayed?: boolean;
  readonly body?: any;
  readonly elapsedMs: number;
  /** Whether the fault was in force when the request was sent. */
  readonly duringFault: boolean;
}

/**
 * Sends one request on a connection of its own and says what became of it. `faultActive` is
 * asked when it is sent and when it is answered: a request that overlapped a fault counts
 * as sent during one.
 */
export async function attempt(
  baseUrl: string,
  label: string,
  request: { method: string; path: string; token?: string; body?: unknown; headers?: Record<string, string> },
  faultActive: () => boolean,
  timeoutMs = 30_000,
): Promise<Outcome> {
  const started = performance.now();
  const activeAtStart = faultActive();
  const duringFault = () => activeAtStart || faultActive();
  try {
    const response = await rawRequest(
      baseUrl,
      {
        method: request.method,
        path: request.path,
        headers: {
          ...(request.body !== undefined ? { 'Content-Type': 'application/json' } : {}),
          ...(request.token ? { Authorization: `Bearer ${request.token}` } : {}),
          ...request.headers,
        },
        ...(request.body !== undefined ? { body: JSON.stringify(request.body) } : {}),
        freshConnection: true,
      },
      timeoutMs,
    );
    const retryAfter = response.headers['retry-after'];
    return {
      label,
      status: response.status,
      replayed: response.headers['idempotent-replayed'] === 'true',
      ...(response.json?.code ? { code: response.json.code } : {}),
      ...(typeof retryAfter === 'string' ? { retryAfter } : {}),
      body: response.json,
      elapsedMs: performance.now() - started,
      duringFault: duringFault(),
    };
  } catch {
    return { label, status: 'no answer', elapsedMs: performance.now() - started, duringFault: duringFault() };
  }
}

/** Seats held or sold twice, judged by reservation statuses (not by the constraint column). */
export async function doubleSales(knex: Knex, performanceId: string): Promise<string[]> {
  const rows = await knex('reservation_seats as rs')
    .join('reservations as r', 'r.id', 'rs.reservation_id')
    .where('r.performance_id', performanceId)
    .whereIn('r.status', ['PENDING', 'CONFIRMED'])
    .groupBy('rs.seat_id')
    .havingRaw('count(*) > 1')
    .select('rs.seat_id');
  return rows.map((row: { seat_id: string }) => row.seat_id);
}

export async function statusesById(knex: Knex, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await knex('reservations')
    .whereIn('id', [...ids])
    .select('id', 'status');
  return new Map(rows.map((row: { id: string; status: string }) => [row.id, row.status]));
}

/** A pool on the owned MariaDB's service database, for audits. */
export async function auditConnection(mariadb: OwnedMariaDb): Promise<Knex> {
  const url = `${mariadb.serverUrl}/ticketing_faults`;
  await ensureDatabaseExists(url);
  return createKnex(url, { poolMax: 2 });
}

/**
 * The numbers a fault test reports: faults injected, requests sent while a fault was in force,
 * double sales, confirmations lost, and 5xx answers other than 503. One line per file, and
 * appended to FAULT_LEDGER (set by the global setup) for the run's total.
 */
export class FaultLedger {
  faultsInjected = 0;
  doubleSales = 0;
  lostConfirmations = 0;
  readonly #outcomes: Outcome[] = [];

  record(...outcomes: Outcome[]): void {
    this.#outcomes.push(...outcomes);
  }

  get requestsDuringFaults(): number {
    return this.#outcomes.filter((outcome) => outcome.duringFault).length;
  }

  /** 5xx answers other than 503 (a 503 is the documented "try again" answer). */
  get unexpected5xx(): Outcome[] {
    return this.#outcomes.filter(
      (outcome) => typeof outcome.status === 'number' && outcome.status >= 500 && outcome.status !== 503,
    );
  }

  summary(name: string): string {
    const statuses = new Map<string, number>();
    for (const outcome of this.#outcomes)
      statuses.set(String(outcome.status), (statuses.get(String(outcome.status)) ?? 0) + 1);
    const counts = [...statuses.entries()]
      .sort()
      .map(([status, count]) => `${status}×${count}`)
      .join(' ');
    return (
      `faults[${name}]: ${this.faultsInjected} faults injected, ${this.#outcomes.length} requests (${this.requestsDuringFaults} during faults: ${counts}), ` +
      `double sales ${this.doubleSales}, lost confirmations ${this.lostConfirmations}, 5xx other than 503: ${this.unexpected5xx.length}`
    );
  }

  /** Prints the line and adds the numbers to the run's ledger file. */
  report(name: string): void {
    console.log(this.summary(name));
    const ledger = process.env['FAULT_LEDGER'];
    if (ledger) {
      appendFileSync(
        ledger,
        `${JSON.stringify({
          name,
          faultsInjected: this.faultsInjected,
          requests: this.#outcomes.length,
          requestsDuringFaults: this.requestsDuringFaults,
          doubleSales: this.doubleSales,
          lostConfirmations: this.lostConfirmations,
          unexpected5xx: this.unexpected5xx.length,
        })}\n`,
      );
    }
  }
}
