import { API } from '../../testkit/api-client';
import type { AuditResult } from '../../testkit/audit';
import { audit } from '../lib/audit';
import { CannonResult, runCannon, Work } from '../lib/cannon';
import { timeSeriesChart } from '../lib/chart';
import { CpuReport, waitForQuiet } from '../lib/cpu';
import type { LatencySummary } from '../lib/latency';
import { Options } from '../lib/options';
import { auditSection, commandLine, cpuTable, latencyTable, machineLine } from '../lib/results';
import type { ScenarioOutcome } from '../lib/scenario';
import type { Seeded } from '../lib/seed-data';
import { startStack, Topology } from '../lib/stack';

export interface HotPathSettings {
  readonly connections: number;
  readonly durationSeconds: number;
  readonly warmupSeconds: number;
  readonly seatsPerPerformance: number;
  readonly performances: number;
  readonly topology: Topology;
  readonly env: Record<string, string>;
  readonly database: string;
}

export interface HotPathRun {
  readonly settings: HotPathSettings;
  readonly result: CannonResult;
  readonly reservationsPerSecond: number;
  readonly latency: LatencySummary;
  readonly cpu: CpuReport;
  readonly audit: AuditResult;
}

/** The rate the seeding plans for: beyond it, requests would run out of free seats (and get 409s). */
const PLANNED_MAX_RATE = 3_000;

export function hotPathSettings(options: Options, overrides: Partial<HotPathSettings> = {}): HotPathSettings {
  const durationSeconds = overrides.durationSeconds ?? options.number('duration', 30);
  const warmupSeconds = overrides.warmupSeconds ?? options.number('warmup', 3);
  const seatsPerPerformance = options.number('seats', 1000);
  return {
    connections: options.number('connections', 100),
    durationSeconds,
    warmupSeconds,
    seatsPerPerformance,
    performances: options.number(
      'performances',
      Math.ceil((PLANNED_MAX_RATE * (durationSeconds + warmupSeconds)) / seatsPerPerformance),
    ),
    topology: options.string('topology', 'service') as Topology,
    env: {},
    database: 'ticketing_perf_hot_path',
    ...overrides,
  };
}

/**
 * Request i holds seat ⌊i / P⌋ of performance i mod P for member i mod M: every request a
 * different seat, consecutive (so concurrent) requests from different members and different
 * performances, like many concurrent sales. With M ≥ seats per performance and M coprime to
 * P, no member gets two seats of one performance (the cap is never the subject). Null once
 * every seat was asked for.
 */
export function distinctSeatRequests(seeded: Seeded): () => Work<null> | null {
  const performances = seeded.performances;
  const seatsPerPerformance = performances[0]?.seats.length ?? 0;
  const members = seeded.members.length;
  if (members < seatsPerPerformance || gcd(members, performances.length) !== 1) {
    throw new Error(
      `${members} members cannot hold ${performances.length} × ${seatsPerPerformance} seats one per performance`,
    );
  }
  let index = 0;
  return () => {
    const i = index++;
    const performance = performances[i % performances.length]!;
    const slot = Math.floor(i / performances.length);
    if (slot >= seatsPerPerformance) return null;
    const member = seeded.members[i % members]!;
    return {
      request: {
        method: 'POST',
        path: `${API}/reservations`,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${member.token}` },
        body: JSON.stringify({ performanceId: performance.id, seatIds: [performance.seats[slot]!.id] }),
      },
      tag: null,
    };
  };
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/** The fewest members (at least one per seat of a performance) that distinctSeatRequests can use. */
export function membersFor(seatsPerPerformance: number, performances: number): number {
  let members = seatsPerPerformance;
  while (gcd(members, performances) !== 1) members++;
  return members;
}

export async function runHotPath(settings: HotPathSettings): Promise<HotPathRun> {
  const stack = await startStack({
    database: settings.database,
    seed: {
      performances: settings.performances,
      seatsPerPerformance: settings.seatsPerPerformance,
      members: membersFor(settings.seatsPerPerformance, settings.performances),
    },
    topology: settings.topology,
    env: settings.env,
  });
  try {
    const next = distinctSeatRequests(stack.seeded);
    const load = {
      url: stack.url,
      connections: settings.connections,
      next,
      label: (status: number) => (status === 201 ? 'created' : 'other'),
    };
    let created = 0;
    if (settings.warmupSeconds > 0) {
      const warmup = await runCannon({ ...load, durationSeconds: settings.warmupSeconds });
      created += warmup.statuses['201'] ?? 0;
    }
    await waitForQuiet();
    stack.meter.start();
    const result = await runCannon({ ...load, durationSeconds: settings.durationSeconds });
    const cpu = stack.meter.stop();
    created += result.statuses['201'] ?? 0;
    const audited = await audit(stack.database, { created, seatsCreated: created });
    return {
      settings,
      result,
      reservationsPerSecond: Math.round(((result.statuses['201'] ?? 0) / result.durationSeconds) * 10) / 10,
      latency: result.recorder.overall(),
      cpu,
      audit: audited,
    };
  } finally {
    await stack.stop();
  }
}

export function describeHotPath(run: HotPathRun): Record<string, unknown> {
  return {
    settings: run.settings,
    reservationsPerSecond: run.reservationsPerSecond,
    requestsPerSecond: run.result.requestsPerSecond,
    latency: run.latency,
    created: run.result.recorder.summary('created'),
    statuses: run.result.statuses,
    unanswered: run.result.unanswered,
    errors: run.result.errors,
    timeouts: run.result.timeouts,
    cpu: run.cpu,
    audit: run.audit,
    perSecond: run.result.recorder.seconds(),
  };
}

export async function hotPath(options: Options): Promise<ScenarioOutcome[]> {
  const run = await runHotPath(hotPathSettings(options));
  const { settings } = run;
  const title = `hot-path: ${run.reservationsPerSecond} reservations/s, p99 ${run.latency.p99Ms} ms at ${settings.connections} connections`;
  const markdown = [
    `# ${title}`,
    '',
    `Pre-authenticated members each hold one distinct seat (POST ${API}/reservations) as fast as ${settings.connections} keep-alive connections allow, for ${settings.durationSeconds} s after a ${settings.warmupSeconds} s warm-up; ${settings.performances} performances × ${settings.seatsPerPerformance} seats.`,
    '',
    `Command: \`${commandLine('perf:hot-path')}\`  `,
    `Machine: ${machineLine()}`,
    '',
    `Target: ≥ 1,500 reservations/s at p99 ≤ 100 ms → **${run.reservationsPerSecond >= 1500 && run.latency.p99Ms <= 100 ? 'met' : 'missed'}**`,
    '',
    latencyTable([
      ['all answers', run.latency],
      ['201 Created', run.result.recorder.summary('created')],
    ]),
    '',
    `Statuses: ${JSON.stringify(run.result.statuses)}; unanswered ${run.result.unanswered}, connection errors ${run.result.errors}, timeouts ${run.result.timeouts}.`,
    '',
    cpuTable(run.cpu),
    '',
    auditSection(run.audit),
  ].join('\n');
  return [
    {
      name: 'hot-path',
      json: describeHotPath(run),
      markdown,
      svg: timeSeriesChart(
        title,
        `${settings.performances} × ${settings.seatsPerPerformance} seats, one seat per request, ${settings.durationSeconds} s`,
        run.result.recorder.seconds(),
      ),
      passed: run.audit.passed,
    },
  ];
}
