import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import type { Knex } from 'knex';
import { createKnex, ensureDatabaseExists } from '../../src/adapters/persistence/knex-client';
import { ApiClient, type RequestOptions } from '../../testkit/api-client';
import { freePort, startWatchdog, waitUntil, type OwnedMariaDb, type OwnedRedis } from './owned-servers';
import { testEnvironment } from './service';

export const REQUEST_TIMEOUT_MS = 3_000;

/** The service's settings for fault tests: the owned servers and a short request timeout. */
export function faultEnvironment(
  mariadb: OwnedMariaDb,
  redis: OwnedRedis,
  extra: Record<string, string> = {},
): Record<string, string> {
  return testEnvironment({
    DATABASE_URL: `${mariadb.serverUrl}/ticketing_faults`,
    REDIS_URL: redis.url(0),
    MIGRATE_ON_START: 'true',
    REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
    ...extra,
  });
}

/** A client that opens a connection per request, as one does against a service that dies and restarts. */
export function faultClient(baseUrl: string): ApiClient {
  return new ApiClient(baseUrl, { freshConnections: true });
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
    const probe = new ApiClient(this.baseUrl, { freshConnections: true, timeoutMs: 1_000 });
    try {
      await waitUntil(
        'the service answering /healthz',
        async () => {
          if (child.exitCode !== null)
            throw new Error(`the service exited with ${child.exitCode}; see ${this.logFile}`);
          return (await probe.request('GET', '/healthz').catch(() => ({ status: 0 }))).status === 200;
        },
        60_000,
      );
    } finally {
      await probe.close();
    }
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
 * Sends one request (on a client with fresh connections, see faultClient) and says what
 * became of it. `faultActive` is asked when it is sent and when it is answered: a request
 * that overlapped a fault counts as sent during one.
 */
export async function attempt(
  client: ApiClient,
  label: string,
  request: { method: string; path: string } & RequestOptions,
  faultActive: () => boolean,
): Promise<Outcome> {
  const started = performance.now();
  const activeAtStart = faultActive();
  const duringFault = () => activeAtStart || faultActive();
  try {
    const response = await client.request(request.method, request.path, request);
    const retryAfter = response.headers.get('retry-after');
    return {
      label,
      status: response.status,
      replayed: response.headers.get('idempotent-replayed') === 'true',
      ...(response.body?.code ? { code: response.body.code } : {}),
      ...(retryAfter !== null ? { retryAfter } : {}),
      body: response.body,
      elapsedMs: performance.now() - started,
      duringFault: duringFault(),
    };
  } catch {
    return { label, status: 'no answer', elapsedMs: performance.now() - started, duringFault: duringFault() };
  }
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
