import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';

/**
 * Real Redis and MariaDB servers that a test owns: started on free loopback ports with data
 * in a temporary directory, and stopped, killed and restarted at will, so fault tests never
 * touch the servers the rest of the machine shares.
 *
 * Cleanup holds even when the test process dies: every server gets a small detached
 * watchdog shell that kills it and removes its directory once the test process is gone, and
 * an 'exit' hook kills whatever is left on a normal exit.
 */

/** Every process these helpers started and have not yet seen exit, for the exit hook. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** A TCP port nobody listens on right now (the OS picks it). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Polls `probe` every 50 ms until it answers true, failing after `timeoutMs` with `what`. */
export async function waitUntil(what: string, probe: () => Promise<boolean>, timeoutMs: number): Promise<number> {
  const started = Date.now();
  for (;;) {
    if (await probe().catch(() => false)) return Date.now() - started;
    if (Date.now() - started > timeoutMs) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Sends `signal`, then SIGKILL if the process is still there after `graceMs`; resolves once it exited. */
async function terminate(child: ChildProcess, signal: NodeJS.Signals, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited(child);
  clearTimeout(timer);
}

/**
 * Kills `pid` (if any) and removes `directory` (if any) once this test process is gone: what makes cleanup
 * survive a crashed or SIGKILLed Jest. Returns the watchdog, to be stopped on a normal cleanup.
 */
export function startWatchdog(pid: number | undefined, directory?: string): ChildProcess {
  const kill = pid ? `; kill -9 ${pid} 2>/dev/null` : '';
  const removal = directory ? `; sleep 1; rm -rf '${directory}'` : '';
  const script = `while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done${kill}${removal}`;
  const watchdog = spawn('sh', ['-c', script], { detached: true, stdio: 'ignore' });
  watchdog.unref();
  return watchdog;
}

export abstract class OwnedServer {
  #child: ChildProcess | undefined;
  #watchdog: ChildProcess | undefined;
  /** How many times it was stopped or killed: the faults a test injected. */
  stops = 0;

  protected constructor(
    readonly name: string,
    readonly port: number,
    readonly directory: string,
  ) {}

  protected abstract command(): { file: string; args: string[] };
  protected abstract ready(): Promise<boolean>;

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  get isRunning(): boolean {
    const child = this.#child;
    return child !== undefined && child.exitCode === null && child.signalCode === null;
  }

  /** Starts the server (again, on the same port and data) and waits until it answers. */
  async start(timeoutMs = 30_000): Promise<void> {
    if (this.isRunning) return;
    const { file, args } = this.command();
    const log = openSync(join(this.directory, `${this.name}.log`), 'a');
    const child = spawn(file, args, { stdio: ['ignore', log, log] });
    closeSync(log);
    running.add(child);
    child.once('exit', () => running.delete(child));
    this.#child = child;
    this.#watchdog?.kill('SIGKILL');
    this.#watchdog = startWatchdog(child.pid!, this.directory);
    await waitUntil(
      `${this.name} on port ${this.port} ready`,
      async () => {
        if (!this.isRunning) throw new Error(`${this.name} exited at start-up; see ${this.directory}/${this.name}.log`);
        return this.ready();
      },
      timeoutMs,
    );
  }

  /** A clean stop (SIGTERM), waiting until the process has exited. */
  async stop(): Promise<void> {
    if (!this.#child || !this.isRunning) return;
    this.stops++;
    await terminate(this.#child, 'SIGTERM', 20_000);
  }

  /** A crash: SIGKILL, waiting until the process has exited. */
  async kill(): Promise<void> {
    if (!this.#child || !this.isRunning) return;
    this.stops++;
    await terminate(this.#child, 'SIGKILL', 5_000);
  }

  /** Stops the server for good and removes its data. Safe to call twice, and after a failed start. */
  async dispose(): Promise<void> {
    if (this.#child) await terminate(this.#child, 'SIGTERM', 10_000);
    this.#watchdog?.kill('SIGKILL');
    rmSync(this.directory, { recursive: true, force: true });
  }
}

/** redis-server on a free port, nothing persisted: a restarted one is empty. */
export class OwnedRedis extends OwnedServer {
  static async start(): Promise<OwnedRedis> {
    const server = new OwnedRedis('redis', await freePort(), mkdtempSync(join(tmpdir(), 'ticketing-fault-redis-')));
    try {
      await server.start();
    } catch (error) {
      await server.dispose();
      throw error;
    }
    return server;
  }

  url(db = 0): string {
    return `redis://127.0.0.1:${this.port}/${db}`;
  }

  protected command() {
    return {
      file: 'redis-server',
      args: [
        '--port',
        String(this.port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--daemonize',
        'no',
        '--dir',
        this.directory,
      ],
    };
  }

  protected ready(): Promise<boolean> {
    return new Promise((resolve) => {
      const socket = net.connect(this.port, '127.0.0.1');
      let reply = '';
      socket.setTimeout(500, () => socket.destroy());
      socket.on('connect', () => socket.write('PING\r\n'));
      socket.on('data', (data: Buffer) => {
        reply += data.toString();
        if (reply.includes('\r\n')) socket.end();
      });
      socket.on('error', () => resolve(false));
      socket.on('close', () => resolve(reply.startsWith('+PONG')));
    });
  }
}

/**
 * A private MariaDB: a data directory initialised by mariadb-install-db (root without a
 * password), served by mariadbd on a free port. Stopping and starting keeps the data.
 */
export class OwnedMariaDb extends OwnedServer {
  static async start(): Promise<OwnedMariaDb> {
    const directory = mkdtempSync(join(tmpdir(), 'ticketing-fault-mariadb-'));
    const server = new OwnedMariaDb('mariadb', await freePort(), directory);
    try {
      const install = spawnSync(
        'mariadb-install-db',
        [
          '--no-defaults',
          `--datadir=${join(directory, 'data')}`,
          '--auth-root-authentication-method=normal',
          '--skip-test-db',
          ...server.asRoot(),
        ],
        { encoding: 'utf8', timeout: 60_000 },
      );
      if (install.status !== 0)
        throw new Error(`mariadb-install-db failed (${install.status}): ${install.stderr || install.stdout}`);
      await server.start(60_000);
    } catch (error) {
      await server.dispose();
      throw error;
    }
    return server;
  }

  /** Without a database name: mysql://root@127.0.0.1:PORT */
  get serverUrl(): string {
    return `mysql://root@127.0.0.1:${this.port}`;
  }

  /** mariadbd refuses to run as root unless told to; CI and these machines run tests as root. */
  private asRoot(): string[] {
    return process.getuid?.() === 0 ? ['--user=root'] : [];
  }

  protected command() {
    return {
      file: '/usr/sbin/mariadbd',
      args: [
        '--no-defaults',
        `--datadir=${join(this.directory, 'data')}`,
        `--port=${this.port}`,
        `--socket=${join(this.directory, 'mariadb.sock')}`,
        `--pid-file=${join(this.directory, 'mariadb.pid')}`,
        '--bind-address=127.0.0.1',
        '--skip-log-bin',
        '--innodb-buffer-pool-size=64M',
        '--innodb-log-file-size=16M',
        '--max-connections=200',
        ...this.asRoot(),
      ],
    };
  }

  protected async ready(): Promise<boolean> {
    const connection = await createConnection({
      host: '127.0.0.1',
      port: this.port,
      user: 'root',
      connectTimeout: 1_000,
    });
    try {
      await connection.query('SELECT 1');
      return true;
    } finally {
      await connection.end();
    }
  }
}
