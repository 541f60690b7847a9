/**
 * `npm run api:check`: the API document checked by third-party tools against the real service.
 *
 * 1. Starts the service on MySQL and Redis (its own database and Redis db, migrated on start,
 *    rate limits off), fetches /openapi.json into reports/api-check/openapi.json.
 * 2. Spectral: Spectral's own OpenAPI rules (all of them) and the OWASP API Security ruleset
 *    (.spectral.yaml). Fails on any error or warning of Spectral's rules and any OWASP error.
 * 3. Contract: the README's journey and its 4xx cases through Prism validating proxies
 *    (contract-client.ts), plus the rate-limit cases against a second instance with rate
 *    limits on. Fails on any answer that differs from the document or from the case.
 *
 * Everything listens on 127.0.0.1 only, the whole run is bounded in time, and every process it
 * started is stopped at the end. Reports stay in reports/api-check/.
 *
 * Settings (environment): API_CHECK_MYSQL_URL (server, default mysql://root@127.0.0.1:3306),
 * API_CHECK_DATABASE (default ticketing_api_check; dropped and recreated), API_CHECK_REDIS_URL
 * (server, default redis://127.0.0.1:6379), API_CHECK_REDIS_DB (default 15; flushed),
 * API_CHECK_PORT (default 3900; the proxies use the next three ports).
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Redis from 'ioredis';
import mysql from 'mysql2/promise';
import { ContractClient, type CaseResult } from './contract-client';
import { exercised, runJourney, runRateLimitCases, type JourneySettings } from './contract-journey';
import { OwnedProcesses, waitUntilAnswering } from './processes';

const ROOT = resolve(__dirname, '..', '..');
const REPORTS = join(ROOT, 'reports', 'api-check');
const TIME_LIMIT_MS = 150_000;
const STARTUP_TIMEOUT_MS = 60_000;

const env = process.env;
const mysqlServer = env['API_CHECK_MYSQL_URL'] ?? 'mysql://root@127.0.0.1:3306';
const database = env['API_CHECK_DATABASE'] ?? 'ticketing_api_check';
const redisServer = env['API_CHECK_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const redisDb = Number(env['API_CHECK_REDIS_DB'] ?? '15');
const port = Number(env['API_CHECK_PORT'] ?? '3900');

const ports = { service: port, strict: port + 1, lenient: port + 2, limitedService: port + 3, limited: port + 4 };
const HOST = '127.0.0.1';
const url = (p: number) => `http://${HOST}:${p}`;

const settings: JourneySettings = {
  admin: { email: 'admin@api-check.example.com', password: randomBytes(18).toString('base64url') },
  maxSeatsPerReservation: 4,
  maxSeatsPerMember: 4,
  holdSeconds: 3,
  loginsPerMinute: 3,
  holdsPerMemberPerMinute: 2,
};

function serviceEnv(servicePort: number, extra: Record<string, string>): NodeJS.ProcessEnv {
  return {
    PATH: env['PATH'],
    HOME: env['HOME'],
    NODE_ENV: 'production',
    HOST,
    PORT: String(servicePort),
    DATABASE_URL: `${mysqlServer}/${database}`,
    REDIS_URL: `${redisServer}/${redisDb}`,
    JWT_SECRET: randomBytes(48).toString('base64'),
    ADMIN_EMAIL: settings.admin.email,
    ADMIN_PASSWORD: settings.admin.password,
    MAX_SEATS_PER_RESERVATION: String(settings.maxSeatsPerReservation),
    MAX_SEATS_PER_MEMBER: String(settings.maxSeatsPerMember),
    HOLD_TTL_SECONDS: String(settings.holdSeconds),
    // The sweeper would turn the expired hold into EXPIRED before the case confirms it.
    HOLD_SWEEP_INTERVAL_MS: '600000',
    LOG_LEVEL: 'warn',
    ...extra,
  };
}

async function resetStores(): Promise<void> {
  if (!/^ticketing_[a-z0-9_]*check$/.test(database)) throw new Error(`refusing to reset database ${database}`);
  const connection = await mysql.createConnection(mysqlServer);
  try {
    await connection.query(`DROP DATABASE IF EXISTS \`${database}\``);
  } finally {
    await connection.end();
  }
  const redis = new Redis(`${redisServer}/${redisDb}`, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    await redis.flushdb();
  } finally {
    redis.disconnect();
  }
}

interface LintSummary {
  readonly spectralErrors: number;
  readonly spectralWarnings: number;
  readonly owaspErrors: number;
  readonly owaspWarnings: number;
  readonly failures: readonly string[];
}

async function lint(processes: OwnedProcesses, documentPath: string): Promise<LintSummary> {
  const spectral = join(ROOT, 'node_modules', '@stoplight', 'spectral-cli', 'dist', 'index.js');
  const ruleset = join(ROOT, '.spectral.yaml');
  const jsonReport = join(REPORTS, 'spectral.json');
  const args = (format: string, output: string) => [
    spectral,
    'lint',
    documentPath,
    '-r',
    ruleset,
    '-f',
    format,
    '-o',
    output,
    '-q',
  ];
  // Exit codes say "errors found"; the JSON report says which, and the summary decides.
  await processes.run(process.execPath, args('json', jsonReport), join(REPORTS, 'spectral-run.log'), 60_000);
  await processes.run(
    process.execPath,
    args('stylish', join(REPORTS, 'spectral.txt')),
    join(REPORTS, 'spectral-run.log'),
    60_000,
  );
  const results = JSON.parse(readFileSync(jsonReport, 'utf8')) as {
    code: string;
    severity: number;
    path: string[];
    message: string;
  }[];
  let spectralErrors = 0;
  let spectralWarnings = 0;
  let owaspErrors = 0;
  let owaspWarnings = 0;
  const failures: string[] = [];
  for (const result of results) {
    const owasp = result.code.startsWith('owasp:');
    const where = `${result.code} at ${result.path.join('.')}: ${result.message}`;
    if (result.severity === 0) {
      if (owasp) owaspErrors++;
      else spectralErrors++;
      failures.push(`error ${where}`);
    } else if (result.severity === 1) {
      if (owasp) owaspWarnings++;
      else {
        spectralWarnings++;
        failures.push(`warning ${where}`);
      }
    }
  }
  return { spectralErrors, spectralWarnings, owaspErrors, owaspWarnings, failures };
}

function startPrism(
  processes: OwnedProcesses,
  name: string,
  documentPath: string,
  upstream: string,
  listen: number,
  errors: boolean,
) {
  const prism = join(ROOT, 'node_modules', '@stoplight', 'prism-cli', 'dist', 'index.js');
  const args = [
    prism,
    'proxy',
    documentPath,
    upstream,
    '-h',
    HOST,
    '-p',
    String(listen),
    ...(errors ? ['--errors'] : []),
  ];
  return processes.start(
    name,
    process.execPath,
    args,
    { PATH: env['PATH'], HOME: env['HOME'] },
    join(REPORTS, `${name}.log`),
  );
}

async function main(): Promise<number> {
  mkdirSync(REPORTS, { recursive: true });
  const processes = new OwnedProcesses();
  const started = Date.now();
  const deadline = setTimeout(() => {
    console.error(`api:check: over ${TIME_LIMIT_MS / 1000} s, stopping`);
    void processes.stopAll().then(() => process.exit(1));
  }, TIME_LIMIT_MS);
  const stopOnSignal = () => void processes.stopAll().then(() => process.exit(130));
  process.once('SIGINT', stopOnSignal);
  process.once('SIGTERM', stopOnSignal);
  try {
    await resetStores();
    const serviceArgs = ['--import', 'tsx', join(ROOT, 'src', 'bootstrap', 'main.ts')];
    const service = processes.start(
      'service',
      process.execPath,
      serviceArgs,
      serviceEnv(ports.service, { MIGRATE_ON_START: 'true', RATE_LIMIT_ENABLED: 'false' }),
      join(REPORTS, 'service.log'),
    );
    await waitUntilAnswering(`${url(ports.service)}/readyz`, service, STARTUP_TIMEOUT_MS);
    // Migrated by now: the second instance, rate limits on and a small login quota, needs no migration.
    const limitedService = processes.start(
      'service-rate-limited',
      process.execPath,
      serviceArgs,
      serviceEnv(ports.limitedService, {
        RATE_LIMIT_ENABLED: 'true',
        RATE_LIMIT_LOGIN_PER_IP_PER_MINUTE: String(settings.loginsPerMinute),
        RATE_LIMIT_HOLDS_PER_MEMBER_PER_MINUTE: String(settings.holdsPerMemberPerMinute),
        RATE_LIMIT_PER_IP_PER_MINUTE: '12',
      }),
      join(REPORTS, 'service-rate-limited.log'),
    );
    const response = await fetch(`${url(ports.service)}/openapi.json`);
    if (!response.ok) throw new Error(`/openapi.json answered ${response.status}`);
    const documentPath = join(REPORTS, 'openapi.json');
    writeFileSync(documentPath, JSON.stringify(await response.json(), null, 2));

    const proxies = [
      startPrism(processes, 'prism-strict', documentPath, url(ports.service), ports.strict, true),
      startPrism(processes, 'prism-lenient', documentPath, url(ports.service), ports.lenient, false),
      startPrism(processes, 'prism-rate-limited', documentPath, url(ports.limitedService), ports.limited, true),
    ];
    const linted = await lint(processes, documentPath);
    await waitUntilAnswering(`${url(ports.limitedService)}/readyz`, limitedService, STARTUP_TIMEOUT_MS);
    await Promise.all(
      [ports.strict, ports.lenient, ports.limited].map((p, index) =>
        waitUntilAnswering(`${url(p)}/healthz`, proxies[index]!, STARTUP_TIMEOUT_MS),
      ),
    );

    const client = new ContractClient({
      strict: url(ports.strict),
      lenient: url(ports.lenient),
      limited: url(ports.limited),
    });
    await runJourney(client, settings);
    await runRateLimitCases(client, settings);
    writeFileSync(join(REPORTS, 'contract.json'), JSON.stringify(client.results, null, 2));
    const coverage = errorCoverage(JSON.parse(readFileSync(documentPath, 'utf8')), exercised(client));
    return report(linted, client.results, coverage, Date.now() - started);
  } finally {
    clearTimeout(deadline);
    await processes.stopAll();
    if (env['API_CHECK_KEEP'] !== 'true') await dropDatabase().catch(() => {});
  }
}

async function dropDatabase(): Promise<void> {
  const connection = await mysql.createConnection(mysqlServer);
  try {
    await connection.query(`DROP DATABASE IF EXISTS \`${database}\``);
  } finally {
    await connection.end();
  }
}

interface Coverage {
  readonly documented: number;
  readonly missed: readonly string[];
}

/** Which documented 4xx codes of each operation some case provoked (a few need races or outages). */
function errorCoverage(document: any, seen: Map<string, Set<string>>): Coverage {
  let documented = 0;
  const missed: string[] = [];
  for (const [path, item] of Object.entries<any>(document.paths)) {
    for (const [method, operation] of Object.entries<any>(item)) {
      const key = `${method.toUpperCase()} ${path}`;
      for (const [status, response] of Object.entries<any>(operation.responses)) {
        if (!status.startsWith('4')) continue;
        const codes = /code: (.+)$/.exec(String(response.description))?.[1]?.split(' | ') ?? [];
        for (const code of codes) {
          documented++;
          if (!seen.get(key)?.has(`${status} ${code}`)) missed.push(`${key} ${status} ${code}`);
        }
      }
    }
  }
  return { documented, missed };
}

function report(linted: LintSummary, results: readonly CaseResult[], coverage: Coverage, elapsedMs: number): number {
  const failed = results.filter((result) => result.failures.length > 0);
  const lines = [
    '',
    'API document checks',
    `  Spectral (spectral:oas all): ${linted.spectralErrors} errors, ${linted.spectralWarnings} warnings`,
    `  OWASP API Security:          ${linted.owaspErrors} errors, ${linted.owaspWarnings} warnings (warnings reported, not failing)`,
    ...linted.failures.map((failure) => `    ${failure}`),
    `  Contract through Prism:      ${results.length - failed.length} of ${results.length} cases as documented ` +
      `(${results.filter((result) => result.via === 'lenient').length} outside the document's bounds)`,
    ...failed.flatMap((result) => [
      `    FAILED ${result.name} (${result.via}, ${result.operation}): expected ${result.expected}, got ${result.actual}`,
      ...result.failures.map((failure) => `      - ${failure}`),
    ]),
    `  Documented 4xx answers provoked: ${coverage.documented - coverage.missed.length} of ${coverage.documented} ` +
      "(the rest need a race, or a body that is not JSON, which Prism's server refuses itself; see coverage.txt)",
    `  Reports in reports/api-check/ (${Math.round(elapsedMs / 1000)} s)`,
  ];
  const passed = linted.failures.length === 0 ? 1 : 0;
  const checks = { passed: passed + (failed.length === 0 ? 1 : 0), failed: 1 - passed + (failed.length === 0 ? 0 : 1) };
  lines.push(`api:check: ${checks.passed} passed, ${checks.failed} failed`);
  writeFileSync(join(REPORTS, 'summary.txt'), `${lines.join('\n')}\n`);
  writeFileSync(
    join(REPORTS, 'coverage.txt'),
    `Documented 4xx answers no case provoked:\n${coverage.missed.join('\n')}\n`,
  );
  console.log(lines.join('\n'));
  return checks.failed === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error('api:check could not run:', error);
    process.exit(1);
  },
);
