import type { AuditResult } from '../../testkit/audit';
import { audit } from '../lib/audit';
import { CannonResult, runCannon } from '../lib/cannon';
import { timeSeriesChart } from '../lib/chart';
import { CpuReport, waitForQuiet } from '../lib/cpu';
import { API, ApiClient } from '../../testkit/api-client';
import { runRawGets } from '../lib/raw-get';
import { LatencyRecorder, LatencySummary } from '../lib/latency';
import { Options } from '../lib/options';
import { auditSection, commandLine, cpuTable, latencyTable, machineLine } from '../lib/results';
import type { ScenarioOutcome } from '../lib/scenario';
import { startStack, Topology } from '../lib/stack';

export interface SeatMapSettings {
  readonly connections: number;
  readonly durationSeconds: number;
  readonly seats: number;
  /** Background holds per second, each watched until the map shows it. */
  readonly holdsPerSecond: number;
  readonly pollMs: number;
  /** The documented staleness bound: the service's SEAT_MAP_CACHE_MS. */
  readonly boundMs: number;
  /** autocannon, or `raw`: a client that counts body bytes instead of decoding them. */
  readonly client: 'autocannon' | 'raw';
  readonly topology: Topology;
  readonly env: Record<string, string>;
  readonly database: string;
  /**
   * Pollers send If-None-Match with the newest ETag they saw (autocannon client only): most
   * answers are then 304s, as for a browser revalidating its seat map.
   */
  readonly ifNoneMatch: boolean;
}

export interface SeatMapRun {
  readonly settings: SeatMapSettings;
  readonly result: CannonResult;
  readonly requestsPerSecond: number;
  readonly latency: LatencySummary;
  readonly holds: LatencySummary;
  /** From a hold's 201 to the first map answer that shows it HELD. */
  readonly visibleAfter: LatencySummary;
  /** Map answers to requests sent more than boundMs after a 201 that still showed the seat AVAILABLE. */
  readonly staleAnswers: number;
  /** 304 Not Modified answers per second (with ifNoneMatch). */
  readonly notModifiedPerSecond: number;
  readonly watched: number;
  readonly cpu: CpuReport;
  readonly audit: AuditResult;
}

/** Timer granularity: the service's clock counts whole milliseconds. */
const SLACK_MS = 5;

export function seatMapSettings(options: Options, overrides: Partial<SeatMapSettings> = {}): SeatMapSettings {
  return {
    connections: options.number('connections', 100),
    durationSeconds: options.number('duration', 30),
    seats: options.number('seats', 1000),
    holdsPerSecond: options.number('holds-per-second', 10),
    pollMs: options.number('poll-ms', 20),
    boundMs: options.number('bound-ms', 250),
    client: options.string('client', 'autocannon') === 'raw' ? 'raw' : 'autocannon',
    topology: options.string('topology', 'service') as Topology,
    ifNoneMatch: options.bool('if-none-match', false),
    env: {},
    database: 'ticketing_perf_seat_map',
    ...overrides,
  };
}

/** The status of one seat in a seat-map body, found without parsing 150 KB of JSON. */
function statusIn(body: string, seatId: string): string | undefined {
  const at = body.indexOf(`"id":"${seatId}"`);
  if (at < 0) return undefined;
  const status = body.indexOf('"status":"', at);
  return body.slice(status + 10, body.indexOf('"', status + 10));
}

export async function runSeatMap(settings: SeatMapSettings): Promise<SeatMapRun> {
  const holdsNeeded = Math.ceil(settings.holdsPerSecond * settings.durationSeconds * 1.2) + 10;
  const stack = await startStack({
    database: settings.database,
    seed: { performances: 1, seatsPerPerformance: settings.seats, members: Math.min(settings.seats, holdsNeeded) },
    topology: settings.topology,
    env: settings.env,
  });
  const holder = new ApiClient(stack.url, { connections: 4 });
  const poller = new ApiClient(stack.url, { connections: 16 });
  try {
    const hall = stack.seeded.performances[0]!;
    const mapPath = `${API}/performances/${hall.id}/seats`;
    const background = new LatencyRecorder();
    let created = 0;
    let staleAnswers = 0;
    let watched = 0;
    const watches: Promise<void>[] = [];

    const watch = async (seatId: string, createdAt: number) => {
      watched++;
      for (;;) {
        const sentAt = performance.now();
        const reply = await poller.request('GET', mapPath).catch(() => null);
        const status = reply ? statusIn(reply.text, seatId) : undefined;
        if (status === 'HELD' || status === 'RESERVED') {
          background.record('visible after', performance.now() - createdAt, 'visible', true);
          return;
        }
        if (sentAt - createdAt > settings.boundMs + SLACK_MS) staleAnswers++;
        if (sentAt - createdAt > 5_000) return;
        await new Promise((resolve) => setTimeout(resolve, settings.pollMs));
      }
    };

    await runCannon({
      url: stack.url,
      connections: settings.connections,
      durationSeconds: 2,
      next: () => ({ request: { method: 'GET', path: mapPath }, tag: null }),
    });
    await waitForQuiet();
    stack.meter.start();
    let holding = true;
    const holds = (async () => {
      for (let index = 0; holding && index < Math.min(hall.seats.length, stack.seeded.members.length); index++) {
        const next = performance.now() + 1000 / settings.holdsPerSecond;
        // Spread over the hall, so holds are not all in the first row.
        const seat = hall.seats[(index * 7919) % hall.seats.length]!;
        const reply = await holder.request('POST', `${API}/reservations`, {
          token: stack.seeded.members[index]!.token,
          body: { performanceId: hall.id, seatIds: [seat.id] },
        });
        background.record('hold', reply.ms, reply.status, reply.status === 201);
        if (reply.status === 201) {
          created++;
          watches.push(watch(seat.id, performance.now()));
        }
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, next - performance.now())));
      }
    })();
    const load = { url: stack.url, connections: settings.connections, durationSeconds: settings.durationSeconds };
    // The ETag is the version, which every 200 body carries: pollers revalidate with the newest seen.
    let etag = '';
    const revalidate = (status: number, body: string) => {
      const version = status === 200 ? /"version":(\d+)/.exec(body) : null;
      if (version) etag = `"${version[1]}"`;
    };
    const result =
      settings.client === 'raw'
        ? await runRawGets({ ...load, path: mapPath })
        : await runCannon({
            ...load,
            next: () => ({
              request: {
                method: 'GET',
                path: mapPath,
                ...(settings.ifNoneMatch && etag ? { headers: { 'if-none-match': etag } } : {}),
              },
              tag: null,
            }),
            ...(settings.ifNoneMatch ? { onAnswer: revalidate } : {}),
          });
    holding = false;
    await holds;
    await Promise.all(watches);
    const cpu = stack.meter.stop();
    const audited = await audit(stack.database, { created, seatsCreated: created });
    return {
      settings,
      result,
      requestsPerSecond: result.requestsPerSecond,
      latency: result.recorder.overall(),
      holds: background.summary('hold'),
      visibleAfter: background.summary('visible after'),
      staleAnswers,
      notModifiedPerSecond: Math.round((result.statuses['304'] ?? 0) / Math.max(result.durationSeconds, 1e-9)),
      watched,
      cpu,
      audit: audited,
    };
  } finally {
    await Promise.all([holder.close(), poller.close()]);
    await stack.stop();
  }
}

export function describeSeatMap(run: SeatMapRun): Record<string, unknown> {
  const { result, ...rest } = run;
  return { ...rest, statuses: result.statuses, unanswered: result.unanswered, perSecond: result.recorder.seconds() };
}

export async function seatMap(options: Options): Promise<ScenarioOutcome[]> {
  const run = await runSeatMap(seatMapSettings(options));
  const { settings } = run;
  const fresh = run.staleAnswers === 0 && run.visibleAfter.count === run.watched;
  const title = `seat-map: ${run.requestsPerSecond} req/s, p99 ${run.latency.p99Ms} ms; holds visible within ${run.visibleAfter.maxMs} ms`;
  const markdown = [
    `# ${title}`,
    '',
    `GET ${API}/performances/:id/seats on a ${settings.seats}-seat hall over ${settings.connections} connections (${settings.client}) for ${settings.durationSeconds} s, while ${settings.holdsPerSecond} holds/s happen in the background. After each hold's 201 the map is polled every ${settings.pollMs} ms until the seat shows HELD.`,
    '',
    `Command: \`${commandLine('perf:seat-map')}\`  `,
    `Machine: ${machineLine()}`,
    '',
    `- Throughput: **${run.requestsPerSecond} req/s** (target ≥ 4,000) → ${run.requestsPerSecond >= 4000 ? 'met' : 'missed'}.`,
    ...(settings.ifNoneMatch
      ? [
          `- Revalidation (If-None-Match with the newest ETag): **${run.notModifiedPerSecond} 304s/s** (target ≥ 8,000) → ${run.notModifiedPerSecond >= 8000 ? 'met' : 'missed'}.`,
        ]
      : []),
    `- Staleness: ${run.watched} holds watched; visible after p50 ${run.visibleAfter.p50Ms} ms, p99 ${run.visibleAfter.p99Ms} ms, max ${run.visibleAfter.maxMs} ms; **${run.staleAnswers}** map answers to requests sent more than ${settings.boundMs} ms after a 201 still showed the seat AVAILABLE → bound ${fresh ? 'held' : 'VIOLATED'}.`,
    '',
    latencyTable([
      ['seat map', run.latency],
      ['background holds', run.holds],
      ['hold → visible', run.visibleAfter],
    ]),
    '',
    `Statuses: ${JSON.stringify(run.result.statuses)}; unanswered ${run.result.unanswered}.`,
    '',
    cpuTable(run.cpu),
    '',
    auditSection(run.audit),
  ].join('\n');
  return [
    {
      name: settings.client === 'raw' ? 'seat-map-raw' : settings.ifNoneMatch ? 'seat-map-if-none-match' : 'seat-map',
      json: describeSeatMap(run),
      markdown,
      svg: timeSeriesChart(
        title,
        `${settings.seats}-seat map, ${settings.connections} connections, ${settings.holdsPerSecond} holds/s in the background`,
        run.result.recorder.seconds(),
      ),
      // A map staler than its documented bound is a failed run, like a failed audit.
      passed: run.audit.passed && fresh,
    },
  ];
}
