import { ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import Redis from 'ioredis';
import { createConnection } from 'mysql2/promise';
import { TEST_MYSQL_SERVER_URL, TEST_REDIS_SERVER_URL } from './environment';
import { ApiClient } from '../../testkit/api-client';

/**
 * The service as it runs in production, several processes of `node dist/bootstrap/main.js`
 * behind nginx, on real MariaDB and Redis, for the tests in test/cluster/. Every process
 * started here is tracked and killed by `stopEverything()` (and, as a last resort, when the
 * Jest worker exits), so a failing test leaves nothing running.
 */

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const NGINX_TEMPLATE = path.join(REPO_ROOT, 'scripts', 'local-cluster.nginx.conf');

/** Redis db 13 belongs to the cluster tests; they share it, one file at a time (maxWorkers 1). */
export const CLUSTER_REDIS_URL = `${TEST_REDIS_SERVER_URL}/13`;
export const CLUSTER_ADMIN = { email: 'admin@cluster.test', password: 'cluster-admin-password-123' } as const;

/** What every instance of a test cluster shares, whatever the test adds. */
const SHARED_ENV = {
  NODE_ENV: 'production',
  JWT_SECRET: 'cluster-test-secret-that-is-long-enough-0123456789',
  ADMIN_EMAIL: CLUSTER_ADMIN.email,
  ADMIN_PASSWORD: CLUSTER_ADMIN.password,
  // All traffic comes from 127.0.0.1 through one nginx; the tests are the load.
  RATE_LIMIT_ENABLED: 'false',
  LOG_LEVEL: 'warn',
  // Three instances and the test's own pool stay far below MariaDB's 151 connections.
  DATABASE_POOL_MAX: '8',
  MIGRATE_ON_START: 'false',
  REDIS_URL: CLUSTER_REDIS_URL,
} as const;

const children = new Set<ChildProcess>();
/** Children that lead their own process group (nginx and its workers, a script and what it started). */
const groupLeaders = new WeakSet<ChildProcess>();
process.once('exit', () => {
  for (const child of children) killGroupOrProcess(child, 'SIGKILL');
});

function killGroupOrProcess(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  // A group outlives its leader when the leader dies first; a pid that still names a group is never reused.
  if (!groupLeaders.has(child) && (child.exitCode !== null || child.signalCode !== null)) return;
  try {
    if (groupLeaders.has(child)) process.kill(-child.pid, signal);
    else child.kill(signal);
  } catch {
    // Already gone.
  }
}

export interface ExitInfo {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** Date.now() when this process learned of the exit: the child was dead by then. */
  readonly at: number;
}

export interface Tracked {
  readonly child: ChildProcess;
  readonly exited: Promise<ExitInfo>;
  output(): string;
}

/** Spawns a tracked process whose last 400 output lines are kept for failure messages. */
export function spawnTracked(
  command: string,
  args: string[],
  env: Record<string, string>,
  options: { detached?: boolean } = {},
): Tracked {
  const child = spawn(command, args, {
    cwd: REPO_ROOT,
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: process.env['HOME'] ?? os.tmpdir(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.detached ?? false,
  });
  if (options.detached) groupLeaders.add(child);
  children.add(child);
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    if (lines.length > 400) lines.splice(0, lines.length - 400);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<ExitInfo>((resolve) => {
    child.once('error', (error) => {
      lines.push(`spawn failed: ${error.message}`);
      children.delete(child);
      resolve({ code: null, signal: null, at: Date.now() });
    });
    child.once('exit', (code, signal) => {
      children.delete(child);
      resolve({ code, signal, at: Date.now() });
    });
  });
  return { child, exited, output: () => lines.join('\n') };
}

/** Sends `signal` to a tracked process, or to its whole group when it was spawned detached. */
export function signalTracked(tracked: Tracked, signal: NodeJS.Signals): void {
  killGroupOrProcess(tracked.child, signal);
}

/** Kills every process these helpers started and still running, and waits until they are gone. */
export async function stopEverything(): Promise<void> {
  const waiting = [...children].map(
    (child) =>
      new Promise<void>((resolve) =>
        child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve()),
      ),
  );
  for (const child of children) killGroupOrProcess(child, 'SIGKILL');
  await withTimeout(Promise.all(waiting), 10_000, 'children did not exit after SIGKILL');
  await Promise.all([...clients.values()].map((client) => client.close()));
  clients.clear();
}

/** One `node dist/bootstrap/main.js` on 127.0.0.1:port. */
export class ServiceProcess {
  private constructor(
    readonly port: number,
    private readonly process: Tracked,
  ) {}

  static start(port: number, env: Record<string, string>): ServiceProcess {
    const tracked = spawnTracked(process.execPath, ['dist/bootstrap/main.js'], {
      ...SHARED_ENV,
      ...env,
      HOST: '127.0.0.1',
      PORT: String(port),
    });
    return new ServiceProcess(port, tracked);
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** As nginx names it in $upstream_addr. */
  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  get exited(): Promise<ExitInfo> {
    return this.process.exited;
  }

  get pid(): number {
    return this.process.child.pid!;
  }

  signal(signal: NodeJS.Signals): void {
    this.process.child.kill(signal);
  }

  /**
   * SIGKILL, then the moment its sockets were gone: the port no longer listens (read from
   * /proc/net/tcp; the sockets of a killed process close together when its last thread
   * exits, which took 100–200 ms here while the kernel tore down its memory). Polled
   * between turns of the event loop, so the clients keep sending meanwhile. Falls back to
   * the 'exit' event where there is no /proc.
   */
  async kill(): Promise<{ sentAt: number; deadAt: number; exit: ExitInfo }> {
    const sentAt = Date.now();
    this.process.child.kill('SIGKILL');
    let deadAt: number | undefined;
    const listening = `:${this.port.toString(16).toUpperCase().padStart(4, '0')} 00000000:0000 0A `;
    while (deadAt === undefined && Date.now() - sentAt < 5_000) {
      let table: string;
      try {
        table = readFileSync('/proc/net/tcp', 'utf8');
      } catch {
        break;
      }
      if (!table.includes(listening)) deadAt = Date.now();
      else await new Promise((resolve) => setImmediate(resolve));
    }
    const exit = await this.exited;
    return { sentAt, deadAt: deadAt ?? exit.at, exit };
  }

  output(): string {
    return this.process.output();
  }

  /** Polls /readyz on a fresh connection until 200; fails at once if the process exits. */
  async waitUntilReady(timeoutMs = 30_000): Promise<void> {
    let exit: ExitInfo | undefined;
    void this.exited.then((info) => (exit = info));
    await eventually(
      `${this.address} ready`,
      async () => {
        if (exit)
          throw new Error(
            `${this.address} exited (${exit.code ?? exit.signal}) before it was ready:\n${this.output()}`,
          );
        return (await probe(this.url, '/readyz')).status === 200 ? true : undefined;
      },
      { timeoutMs, intervalMs: 100 },
    );
  }
}

/** nginx rendered from scripts/local-cluster.nginx.conf, as scripts/local-cluster.sh renders it. */
export class NginxProcess {
  private constructor(
    readonly port: number,
    private readonly directory: string,
    private readonly process: Tracked,
  ) {}

  static async start(port: number, upstreamPorts: readonly number[]): Promise<NginxProcess> {
    const directory = await mkdtemp(path.join(os.tmpdir(), 'ticketing-cluster-test-'));
    // nginx workers drop root privileges; they must reach their temp directories.
    await chmod(directory, 0o755);
    const config = path.join(directory, 'nginx.conf');
    await writeFile(config, await renderNginxConfig(port, upstreamPorts));
    const tracked = spawnTracked(
      'nginx',
      ['-p', directory, '-c', config, '-e', 'stderr', '-g', 'daemon off;'],
      {},
      { detached: true },
    );
    const nginx = new NginxProcess(port, directory, tracked);
    let exit: ExitInfo | undefined;
    void tracked.exited.then((info) => (exit = info));
    await eventually(
      'nginx up',
      async () => {
        if (exit) throw new Error(`nginx exited (${exit.code ?? exit.signal}):\n${tracked.output()}`);
        return (await probe(nginx.url, '/nginx-health')).status === 200 ? true : undefined;
      },
      { timeoutMs: 10_000, intervalMs: 50 },
    );
    return nginx;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  output(): string {
    return this.process.output();
  }

  async stop(): Promise<void> {
    killGroupOrProcess(this.process.child, 'SIGTERM');
    await withTimeout(this.process.exited, 5_000, 'nginx did not stop').catch(() =>
      killGroupOrProcess(this.process.child, 'SIGKILL'),
    );
    await rm(this.directory, { recursive: true, force: true });
  }
}

/** The same rendering as scripts/local-cluster.sh: one `server` line per instance. */
export async function renderNginxConfig(listenPort: number, upstreamPorts: readonly number[]): Promise<string> {
  const template = await readFile(NGINX_TEMPLATE, 'utf8');
  const servers = upstreamPorts
    .map((port) => `        server 127.0.0.1:${port} max_fails=1 fail_timeout=5s;`)
    .join('\n');
  return template.replaceAll('@LISTEN@', `127.0.0.1:${listenPort}`).replaceAll('@UPSTREAM_SERVERS@', servers);
}

/** Drops and re-creates a `ticketing_cluster*` database with `node dist/bootstrap/migrate.js latest`. */
export async function prepareDatabase(name: string): Promise<string> {
  if (!/^ticketing_cluster\w*$/.test(name))
    throw new Error(`cluster tests only touch ticketing_cluster* databases, not ${name}`);
  const connection = await createConnection({ uri: TEST_MYSQL_SERVER_URL, connectTimeout: 5_000 });
  try {
    await connection.query(`DROP DATABASE IF EXISTS \`${name}\``);
  } finally {
    await connection.end();
  }
  const databaseUrl = `${TEST_MYSQL_SERVER_URL}/${name}`;
  const migrate = spawnTracked(process.execPath, ['dist/bootstrap/migrate.js', 'latest'], {
    DATABASE_URL: databaseUrl,
  });
  const exit = await withTimeout(migrate.exited, 60_000, 'migrate.js did not finish');
  if (exit.code !== 0) throw new Error(`migrate.js latest failed (${exit.code ?? exit.signal}):\n${migrate.output()}`);
  return databaseUrl;
}

export async function flushClusterRedis(): Promise<void> {
  const redis = new Redis(CLUSTER_REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    await redis.flushdb();
  } finally {
    redis.disconnect();
  }
}

/** Loopback ports nobody listens on (held together while choosing, so they differ). */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<net.Server>((resolve, reject) => {
          const server = net.createServer();
          server.once('error', reject);
          server.listen(0, '127.0.0.1', () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((server) => (server.address() as net.AddressInfo).port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

/** `count` consecutive free loopback ports (the script numbers its instances from a base). */
export async function freeConsecutivePorts(count: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 20_000);
    const taken = await Promise.all(Array.from({ length: count }, (_, i) => isListening(base + i)));
    if (!taken.some(Boolean)) return base;
  }
  throw new Error(`no ${count} consecutive free ports found`);
}

export function isListening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export interface ClusterResponse<T = any> {
  /** 0 when no HTTP answer came at all (connection refused or reset). */
  readonly status: number;
  readonly body: T;
  /** nginx's X-Upstream: every instance it tried, the one that answered last. */
  readonly upstreams: string[];
  readonly error?: string;
}

/** One keep-alive client per address (an instance or nginx); stopEverything() closes them. */
const clients = new Map<string, ApiClient>();

export function apiClient(baseUrl: string): ApiClient {
  let client = clients.get(baseUrl);
  if (!client) clients.set(baseUrl, (client = new ApiClient(baseUrl, { timeoutMs: 20_000 })));
  return client;
}

/** A request that never throws: no answer at all (refused, reset) is status 0 with the error's code. */
export async function request<T = any>(
  baseUrl: string,
  method: string,
  urlPath: string,
  options: { token?: string; body?: unknown } = {},
): Promise<ClusterResponse<T>> {
  try {
    const response = await apiClient(baseUrl).request<T>(method, urlPath, options);
    const upstreams = (response.headers.get('x-upstream') ?? '')
      .split(',')
      .map((address) => address.trim())
      .filter(Boolean);
    return { status: response.status, body: response.body, upstreams };
  } catch (error) {
    const code = (error as { code?: string }).code;
    return { status: 0, body: undefined as T, upstreams: [], error: code ?? String(error) };
  }
}

/** The instance that produced the answer, as nginx reports it. */
export const answeredBy = (response: ClusterResponse): string | undefined => response.upstreams.at(-1);

/** A GET on a new connection (no keep-alive pool): what a load balancer's probe sees. */
export function probe(baseUrl: string, urlPath: string): Promise<{ status: number; error?: string }> {
  return new Promise((resolve) => {
    const req = http.get(`${baseUrl}${urlPath}`, { agent: false, timeout: 2_000 }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0 }));
    });
    req.on('timeout', () => req.destroy(new Error('ETIMEDOUT')));
    req.on('error', (error: NodeJS.ErrnoException) => resolve({ status: 0, error: error.code ?? error.message }));
  });
}

/** Polls an observable condition until it yields a value; fails with `what` after `timeoutMs`. */
export async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined>,
  { timeoutMs, intervalMs = 100 }: { timeoutMs: number; intervalMs?: number },
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

export async function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  try {
    return await Promise.race([promise, expired]);
  } finally {
    clearTimeout(timer);
  }
}
