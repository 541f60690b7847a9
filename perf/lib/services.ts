import { ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ADMIN, databaseUrl, JWT_SECRET, REDIS_URL, REPO_ROOT, TMP_DIR } from './environment';

/** A process serving HTTP on 127.0.0.1: its pids (for CPU accounting) and how to stop it. */
export interface Target {
  readonly name: string;
  readonly url: string;
  pids(): number[];
  stop(): Promise<void>;
}

let built = false;

/** `npm run build` once per invocation (PERF_SKIP_BUILD=1 reuses dist/ as it is). */
export function buildService(): void {
  if (built || process.env['PERF_SKIP_BUILD'] === '1' || process.env['PERF_SERVICE_ENTRY']) return;
  console.log('building the service (npm run build)…');
  const build = spawnSync('npm', ['run', 'build', '--silent'], { cwd: REPO_ROOT, stdio: 'inherit' });
  // tsc still emits on type errors; others may be mid-edit, so a failed check is a warning.
  if (build.status !== 0) console.warn(`npm run build exited with ${build.status}; measuring what it emitted`);
  built = true;
}

export interface ServiceOptions {
  readonly port: number;
  readonly database: string;
  /** Extra environment: CACHE_ENABLED, DATABASE_POOL_MAX, OTEL_*… */
  readonly env?: Record<string, string>;
  readonly name?: string;
}

/** The service as production runs it: `node dist/bootstrap/main.js`, against MariaDB and Redis db 14. */
export async function startService(options: ServiceOptions): Promise<Target> {
  buildService();
  // The file exporter appends: a run's span file must hold that run's spans only.
  const spans = options.env?.['OTEL_TRACES_FILE'];
  if (spans) rmSync(spans, { force: true });
  const env = {
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: String(options.port),
    DATABASE_URL: databaseUrl(options.database),
    REDIS_URL,
    MIGRATE_ON_START: 'true',
    RATE_LIMIT_ENABLED: 'false',
    LOG_LEVEL: 'warn',
    JWT_SECRET,
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    ...options.env,
  };
  // PERF_SERVICE_ENTRY points at another build (a prototype in a scratch copy) for A/B runs.
  const entry = process.env['PERF_SERVICE_ENTRY'] ?? 'dist/bootstrap/main.js';
  return launch(options.name ?? `service-${options.port}`, [entry], env, options.port);
}

/** perf/lean-reference/server.ts, run by node with tsx's loader (one process, no wrapper). */
export async function startLeanReference(options: ServiceOptions): Promise<Target> {
  const env = {
    PORT: String(options.port),
    DATABASE_URL: databaseUrl(options.database),
    REDIS_URL,
    JWT_SECRET,
    ...options.env,
  };
  return launch(
    options.name ?? `lean-${options.port}`,
    ['--import', 'tsx', 'perf/lean-reference/server.ts'],
    env,
    options.port,
    '/healthz',
  );
}

async function launch(
  name: string,
  args: string[],
  env: Record<string, string>,
  port: number,
  readyPath = '/readyz',
): Promise<Target> {
  mkdirSync(TMP_DIR, { recursive: true });
  const log = openSync(join(TMP_DIR, `${name}.log`), 'w');
  // PERF_SERVICE_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the target under load.
  const nodeArgs = (process.env['PERF_SERVICE_NODE_ARGS'] ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, ...args], {
    cwd: REPO_ROOT,
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '/tmp', ...env },
    stdio: ['ignore', log, log],
  });
  const url = `http://127.0.0.1:${port}`;
  await waitUntilReady(child, `${url}${readyPath}`, name);
  return { name, url, pids: () => (child.pid ? [child.pid] : []), stop: () => stopChild(child) };
}

async function waitUntilReady(child: ChildProcess, url: string, name: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`${name} exited with ${child.exitCode}; see perf/results/tmp/${name}.log`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1_000) });
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await stopChild(child);
  throw new Error(`${name} was not ready within ${timeoutMs} ms; see perf/results/tmp/${name}.log`);
}

/** SIGTERM (graceful shutdown), then SIGKILL after 15 s: only ever our own child, by pid. */
function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.once('exit', () => {
      clearTimeout(killer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/**
 * nginx on loopback in front of `upstreams`, as the deployment puts it in front of the
 * instances: one worker, keep-alive to the upstreams, no access log.
 */
export async function startNginx(port: number, upstreams: readonly Target[]): Promise<Target> {
  const prefix = join(TMP_DIR, `nginx-${port}`);
  mkdirSync(join(prefix, 'logs'), { recursive: true });
  const config = `
worker_processes 1;
daemon off;
pid ${prefix}/nginx.pid;
error_log ${prefix}/logs/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${prefix}/body;
  proxy_temp_path ${prefix}/proxy;
  fastcgi_temp_path ${prefix}/fastcgi;
  uwsgi_temp_path ${prefix}/uwsgi;
  scgi_temp_path ${prefix}/scgi;
  upstream ticketing {
    least_conn;
${upstreams.map((upstream) => `    server ${new URL(upstream.url).host};`).join('\n')}
    keepalive 256;
  }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://ticketing;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_buffering off;
    }
  }
}
`;
  const configFile = join(prefix, 'nginx.conf');
  writeFileSync(configFile, config);
  const log = openSync(join(prefix, 'logs', 'stdout.log'), 'w');
  const master = spawn('nginx', ['-p', prefix, '-c', configFile], { stdio: ['ignore', log, log] });
  const url = `http://127.0.0.1:${port}`;
  await waitUntilReady(master, `${url}/readyz`, `nginx-${port}`);
  const workers = () => {
    try {
      return execFileSync('pgrep', ['-P', String(master.pid)])
        .toString()
        .trim()
        .split('\n')
        .filter(Boolean)
        .map(Number);
    } catch {
      return [];
    }
  };
  return {
    name: `nginx-${port}`,
    url,
    pids: () => (master.pid ? [master.pid, ...workers()] : []),
    // nginx treats SIGQUIT as a graceful shutdown; SIGTERM is a fast one, fine here.
    stop: () => stopChild(master),
  };
}
