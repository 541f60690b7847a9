import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT, TMP_DIR } from '../lib/environment';
import type { EndpointReport } from '../lib/trace-report';
import { Options } from '../lib/options';
import { auditSection, commandLine, latencyTable, machineLine } from '../lib/results';
import type { ScenarioOutcome } from '../lib/scenario';
import { hotPathSettings, HotPathRun, runHotPath } from './hot-path';

const HOLD_ENDPOINT = 'POST /api/v1/reservations';

interface Traced {
  readonly poolMax: number;
  readonly run: HotPathRun;
  readonly report: string;
  readonly hold: EndpointReport | undefined;
}

/** `npm run traces:report <file>`, as a person would run it, in text and as JSON. */
function tracesReport(file: string): { text: string; reports: EndpointReport[] } {
  const run = (...args: string[]) => {
    const result = spawnSync('npm', ['run', '--silent', 'traces:report', '--', file, ...args], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      maxBuffer: 64 * 2 ** 20,
    });
    if (result.status !== 0) throw new Error(`traces:report failed: ${result.stderr}`);
    return result.stdout;
  };
  return { text: run(), reports: JSON.parse(run('--json')) as EndpointReport[] };
}

async function traced(options: Options, poolMax: number, durationSeconds: number): Promise<Traced> {
  const file = join(TMP_DIR, `spans-pool-${poolMax}.jsonl`);
  const run = await runHotPath(
    hotPathSettings(options, {
      durationSeconds,
      database: 'ticketing_perf_pool_wait',
      env: {
        DATABASE_POOL_MAX: String(poolMax),
        OTEL_TRACES_EXPORTER: 'file',
        OTEL_TRACES_FILE: file,
        OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
        OTEL_TRACES_SAMPLER_ARG: '1',
      },
    }),
  );
  const { text, reports } = tracesReport(file);
  return { poolMax, run, report: text, hold: reports.find((report) => report.endpoint === HOLD_ENDPOINT) };
}

/**
 * The tracing issue's demonstration: the original needed Pinpoint to see requests queueing
 * in getConnection(). Here a hot path starved of connections (DATABASE_POOL_MAX=2), traced at
 * 100 %, must name db.pool.acquire as where the time goes; the default pool, for contrast.
 */
export async function poolWait(options: Options): Promise<ScenarioOutcome[]> {
  const durationSeconds = options.number('duration', 10);
  const starved = await traced(options, 2, durationSeconds);
  const normal = await traced(options, options.number('pool', 20), durationSeconds);
  const top = (traced: Traced) => traced.hold?.hotspots[0];
  const named = top(starved)?.name === 'db.pool.acquire';
  const line = (traced: Traced) =>
    `- DATABASE_POOL_MAX=${traced.poolMax}: ${traced.run.reservationsPerSecond} reservations/s, p99 ${traced.run.latency.p99Ms} ms; ` +
    `most time in **${top(traced)?.name ?? '(no trace)'}** (${((top(traced)?.selfShare ?? 0) * 100).toFixed(1)} % of the endpoint's time)`;
  const markdown = [
    `# pool-wait: with 2 connections the traces ${named ? 'name' : 'do NOT name'} db.pool.acquire as where the time goes`,
    '',
    `Hot path, 100 connections, ${durationSeconds} s, tracing at 100 % to a file, then \`npm run traces:report <file>\` (full reports in the .txt beside this file).`,
    '',
    `Command: \`${commandLine('perf:pool-wait')}\`  `,
    `Machine: ${machineLine()}`,
    '',
    line(starved),
    line(normal),
    '',
    latencyTable([
      [`pool ${starved.poolMax}`, starved.run.latency],
      [`pool ${normal.poolMax}`, normal.run.latency],
    ]),
    '',
    auditSection(starved.run.audit),
    '',
    auditSection(normal.run.audit),
  ].join('\n');
  const text = [
    `== DATABASE_POOL_MAX=${starved.poolMax}`,
    starved.report,
    `== DATABASE_POOL_MAX=${normal.poolMax}`,
    normal.report,
  ].join('\n');
  const summary = (traced: Traced) => ({
    poolMax: traced.poolMax,
    reservationsPerSecond: traced.run.reservationsPerSecond,
    latency: traced.run.latency,
    hotspots: traced.hold?.hotspots ?? [],
    cpu: traced.run.cpu,
    audit: traced.run.audit,
  });
  return [
    {
      name: 'pool-wait',
      json: { namesPoolAcquire: named, starved: summary(starved), normal: summary(normal) },
      markdown,
      text,
      passed: starved.run.audit.passed && normal.run.audit.passed && named,
    },
  ];
}
