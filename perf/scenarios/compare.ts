import { join } from 'node:path';
import { barChart } from '../lib/chart';
import { TMP_DIR } from '../lib/environment';
import { Options } from '../lib/options';
import { commandLine, machineLine } from '../lib/results';
import { ratio, ScenarioOutcome } from '../lib/scenario';
import type { Topology } from '../lib/stack';
import { hotPathSettings, runHotPath } from './hot-path';
import { runSeatMap, seatMapSettings } from './seat-map';

interface Variant {
  readonly group: string;
  readonly label: string;
  readonly scenario: 'hot-path' | 'seat-map';
  readonly topology?: Topology;
  readonly env?: Record<string, string>;
  /** Another build of the service (PERF_BASELINE_ENTRY): the code before a change, under the same load. */
  readonly baseline?: boolean;
}

interface Measured {
  readonly variant: Variant;
  readonly perSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Service (or lean reference) CPU per answer: less noisy than throughput on a shared machine. */
  readonly serviceCpuMs: number;
  readonly cores: Record<string, number>;
  readonly audit: boolean;
}

const tracing = (ratioArg: string, name: string): Record<string, string> => ({
  OTEL_TRACES_EXPORTER: 'file',
  OTEL_TRACES_FILE: join(TMP_DIR, `spans-compare-${name}.jsonl`),
  OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
  OTEL_TRACES_SAMPLER_ARG: ratioArg,
});

/** Each group's first variant is its baseline; ratios are against it. */
const VARIANTS: readonly Variant[] = [
  { group: 'cache', label: 'seat-map, cache on', scenario: 'seat-map' },
  { group: 'cache', label: 'seat-map, CACHE_ENABLED=false', scenario: 'seat-map', env: { CACHE_ENABLED: 'false' } },
  { group: 'cache-hot', label: 'hot-path, cache on', scenario: 'hot-path' },
  { group: 'cache-hot', label: 'hot-path, CACHE_ENABLED=false', scenario: 'hot-path', env: { CACHE_ENABLED: 'false' } },
  { group: 'tracing', label: 'hot-path, tracing off', scenario: 'hot-path' },
  { group: 'tracing', label: 'hot-path, tracing 10 %', scenario: 'hot-path', env: tracing('0.1', '10') },
  { group: 'tracing', label: 'hot-path, tracing 1 %', scenario: 'hot-path', env: tracing('0.01', '1') },
  { group: 'tracing', label: 'hot-path, tracing 100 %', scenario: 'hot-path', env: tracing('1', '100') },
  { group: 'instances', label: 'hot-path, 1 instance', scenario: 'hot-path' },
  { group: 'instances', label: 'hot-path, nginx → 1 instance', scenario: 'hot-path', topology: 'nginx-1' },
  { group: 'instances', label: 'hot-path, nginx → 2 instances', scenario: 'hot-path', topology: 'nginx-2' },
  { group: 'instances-map', label: 'seat-map, 1 instance', scenario: 'seat-map' },
  { group: 'instances-map', label: 'seat-map, nginx → 2 instances', scenario: 'seat-map', topology: 'nginx-2' },
  { group: 'code', label: 'hot-path, this build', scenario: 'hot-path' },
  { group: 'code', label: 'hot-path, baseline build (PERF_BASELINE_ENTRY)', scenario: 'hot-path', baseline: true },
  { group: 'lean', label: 'hot-path, service', scenario: 'hot-path' },
  { group: 'lean', label: 'hot-path, lean reference', scenario: 'hot-path', topology: 'lean' },
  {
    group: 'lean',
    label: 'hot-path, lean, 1 round trip',
    scenario: 'hot-path',
    topology: 'lean',
    env: { LEAN_BATCH: 'true' },
  },
];

async function measure(variant: Variant, options: Options, durationSeconds: number): Promise<Measured> {
  if (!variant.baseline) return measureBuild(variant, options, durationSeconds);
  const baseline = process.env['PERF_BASELINE_ENTRY'];
  if (!baseline) throw new Error('The code group needs PERF_BASELINE_ENTRY=<scratch copy>/dist/bootstrap/main.js');
  const previous = process.env['PERF_SERVICE_ENTRY'];
  process.env['PERF_SERVICE_ENTRY'] = baseline;
  try {
    return await measureBuild(variant, options, durationSeconds);
  } finally {
    if (previous === undefined) delete process.env['PERF_SERVICE_ENTRY'];
    else process.env['PERF_SERVICE_ENTRY'] = previous;
  }
}

async function measureBuild(variant: Variant, options: Options, durationSeconds: number): Promise<Measured> {
  const topology = variant.topology ?? 'service';
  const env = variant.env ?? {};
  if (variant.scenario === 'hot-path') {
    const run = await runHotPath(hotPathSettings(options, { durationSeconds, topology, env }));
    return {
      variant,
      perSecond: run.reservationsPerSecond,
      p50Ms: run.latency.p50Ms,
      p99Ms: run.latency.p99Ms,
      serviceCpuMs: round((run.cpu.seconds['service']! * 1000) / Math.max(1, run.result.requests)),
      cores: run.cpu.cores,
      audit: run.audit.passed,
    };
  }
  // The raw client: autocannon's decoding of 150 KB bodies would cap the run, not the service.
  const run = await runSeatMap(seatMapSettings(options, { durationSeconds, topology, env, client: 'raw' }));
  return {
    variant,
    perSecond: run.requestsPerSecond,
    p50Ms: run.latency.p50Ms,
    p99Ms: run.latency.p99Ms,
    serviceCpuMs: round((run.cpu.seconds['service']! * 1000) / Math.max(1, run.result.requests)),
    cores: run.cpu.cores,
    audit: run.audit.passed && run.staleAnswers === 0,
  };
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/**
 * Comparisons, each in one invocation so they share the machine's mood: every group's
 * variants run back to back (with --rounds=N, N times alternately; medians reported), and
 * each is given as a ratio to its group's first variant.
 */
export async function compare(options: Options): Promise<ScenarioOutcome[]> {
  const groups = options.string('only', 'cache,cache-hot,tracing,instances,instances-map,lean').split(',');
  const rounds = options.number('rounds', 1);
  const durationSeconds = options.number('duration', 15);
  const variants = VARIANTS.filter((variant) => groups.includes(variant.group));
  const results = new Map<Variant, Measured[]>();
  for (const group of groups) {
    for (let round = 0; round < rounds; round++) {
      for (const variant of variants.filter((item) => item.group === group)) {
        console.log(`\n== ${variant.label} (round ${round + 1}/${rounds})`);
        const measured = await measure(variant, options, durationSeconds);
        console.log(
          `   ${measured.perSecond}/s, p99 ${measured.p99Ms} ms, ${measured.serviceCpuMs} ms service CPU per answer`,
        );
        results.set(variant, [...(results.get(variant) ?? []), measured]);
      }
    }
  }

  const rows = variants.map((variant) => {
    const runs = results.get(variant)!;
    const baseline = results.get(variants.find((item) => item.group === variant.group)!)!;
    const perSecond = median(runs.map((run) => run.perSecond));
    const serviceCpuMs = median(runs.map((run) => run.serviceCpuMs));
    return {
      group: variant.group,
      label: variant.label,
      perSecond,
      ratio: ratio(perSecond, median(baseline.map((run) => run.perSecond))),
      p50Ms: median(runs.map((run) => run.p50Ms)),
      p99Ms: median(runs.map((run) => run.p99Ms)),
      serviceCpuMs,
      cpuRatio: ratio(serviceCpuMs, median(baseline.map((run) => run.serviceCpuMs))),
      cores: runs[runs.length - 1]!.cores,
      audit: runs.every((run) => run.audit),
      runs: runs.map((run) => run.perSecond),
    };
  });
  const passed = rows.every((row) => row.audit);
  const markdown = [
    '# Comparisons',
    '',
    `Command: \`${commandLine('perf:compare')}\`; ${durationSeconds} s per run, ${rounds} round(s) (medians), 100 connections. Seat-map runs use the raw client (autocannon would cap them).  `,
    `Machine: ${machineLine()}`,
    '',
    '| group | variant | per s | × baseline | p50 ms | p99 ms | service CPU ms / answer | × baseline | cores: generator / service / nginx / mariadbd / other | audit |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |',
    ...rows.map(
      (row) =>
        `| ${row.group} | ${row.label} | ${row.perSecond} | ${row.ratio} | ${row.p50Ms} | ${row.p99Ms} | ${row.serviceCpuMs} | ${row.cpuRatio} | ` +
        `${[row.cores['generator'], row.cores['service'], row.cores['nginx'] ?? '-', row.cores['mariadbd'], row.cores['other']].join(' / ')} | ${row.audit ? 'pass' : 'FAIL'} |`,
    ),
  ].join('\n');
  return [
    {
      name: 'compare',
      json: { durationSeconds, rounds, rows },
      markdown,
      svg: barChart(
        'Comparisons: answers per second (ratio to the group baseline, p99)',
        `${durationSeconds} s per run, 100 connections, ${rounds} round(s)`,
        rows.map((row) => ({
          label: row.label,
          value: row.perSecond,
          note: `×${row.ratio}  p99 ${row.p99Ms.toFixed(1)} ms`,
        })),
        '/s',
      ),
      passed,
    },
  ];
}
