import type { AuditResult } from '../../testkit/audit';
import { audit } from '../lib/audit';
import { runCannon, Work } from '../lib/cannon';
import { timeSeriesChart } from '../lib/chart';
import { CpuReport, waitForQuiet } from '../lib/cpu';
import { API, ApiClient } from '../../testkit/api-client';
import { LatencyRecorder, LatencySummary } from '../lib/latency';
import { Options } from '../lib/options';
import { auditSection, commandLine, cpuTable, latencyTable, machineLine } from '../lib/results';
import type { ScenarioOutcome } from '../lib/scenario';
import type { SeededMember, SeededPerformance, SeededSeat } from '../lib/seed-data';
import { startStack } from '../lib/stack';
import { distinctSeatRequests } from './hot-path';
import { seededRandom } from '../../testkit/random';

export interface OnSaleSettings {
  readonly members: number;
  readonly seats: number;
  readonly connections: number;
  readonly maxSeconds: number;
  /** Every n-th winner confirms at once (its confirmation must then be CONFIRMED in MySQL). */
  readonly confirmEvery: number;
  readonly warmupSeconds: number;
  /**
   * After the sell-out, this many seconds of the crowd still asking for seats (all taken):
   * every answer a loser, so the service CPU of that phase over its answers is a loser's cost.
   */
  readonly loserSeconds: number;
  /** Service environment on top of the defaults (e.g. OTEL_* to trace the sale). */
  readonly env: Record<string, string>;
  readonly database: string;
}

export interface OnSaleRun {
  readonly settings: OnSaleSettings;
  readonly soldOut: boolean;
  readonly soldOutMs: number | null;
  readonly seatsSold: number;
  readonly requests: number;
  readonly requestsPerSecond: number;
  readonly winners: LatencySummary;
  readonly losers: LatencySummary;
  readonly confirms: LatencySummary;
  readonly statuses: Record<string, number>;
  readonly unanswered: number;
  readonly recorder: LatencyRecorder;
  readonly cpu: CpuReport;
  readonly audit: AuditResult;
  /** The losers-only phase after the sell-out (loserSeconds > 0). */
  readonly afterSellOut: LosersOnly | null;
}

export interface LosersOnly {
  readonly seconds: number;
  readonly answers: number;
  readonly perSecond: number;
  readonly losers: LatencySummary;
  readonly statuses: Record<string, number>;
  readonly serviceCpuMsPerAnswer: number;
  readonly cpu: CpuReport;
}

export function onSaleSettings(options: Options, overrides: Partial<OnSaleSettings> = {}): OnSaleSettings {
  return {
    members: options.number('members', 2000),
    seats: options.number('seats', 500),
    connections: options.number('connections', 100),
    maxSeconds: options.number('duration', 30),
    confirmEvery: options.number('confirm-every', 2),
    warmupSeconds: options.number('warmup', 2),
    loserSeconds: options.number('loser-seconds', 0),
    env: {},
    database: 'ticketing_perf_on_sale',
    ...overrides,
  };
}

/** Front rows and the middle of a row are wanted most: weight ∝ centrality / (row rank + 1). */
function popularity(performance: SeededPerformance): number[] {
  const rows = [...new Set(performance.seats.map((seat) => `${seat.grade}/${seat.row}`))];
  const widest = Math.max(...performance.seats.map((seat) => seat.number));
  return performance.seats.map((seat) => {
    const rank = rows.indexOf(`${seat.grade}/${seat.row}`);
    const centrality = 1.5 - Math.abs(seat.number / widest - 0.5);
    return centrality / (rank + 1);
  });
}

interface Attempt {
  readonly member: SeededMember;
  readonly seats: readonly SeededSeat[];
}

/**
 * What the crowd does: each member still without tickets picks 1–4 adjacent seats around a
 * popular one it believes free (the seat map: seats seen sold or refused are off it), and
 * tries again with the next member as soon as it has an answer. Winners leave the crowd.
 */
class Crowd {
  readonly #weights: number[];
  readonly #unavailable = new Set<string>();
  readonly #waiting: SeededMember[];
  #turn = 0;

  constructor(
    private readonly performance: SeededPerformance,
    members: readonly SeededMember[],
    private readonly random: () => number,
  ) {
    this.#weights = popularity(performance);
    this.#waiting = [...members];
  }

  next(): Attempt | null {
    if (this.#waiting.length === 0) return null;
    const free = this.performance.seats.map((seat, index) =>
      this.#unavailable.has(seat.id) ? 0 : this.#weights[index]!,
    );
    const total = free.reduce((sum, weight) => sum + weight, 0);
    if (total === 0) return null;
    let pick = this.random() * total;
    let index = free.findIndex((weight) => (pick -= weight) < 0);
    if (index < 0) index = free.length - 1;
    const wanted = 1 + Math.floor(this.random() * 4);
    const start = this.performance.seats[index]!;
    const seats = this.performance.seats
      .slice(index, index + wanted)
      .filter((seat) => seat.grade === start.grade && seat.row === start.row && !this.#unavailable.has(seat.id));
    const member = this.#waiting[this.#turn++ % this.#waiting.length]!;
    return { member, seats };
  }

  won(attempt: Attempt): void {
    for (const seat of attempt.seats) this.#unavailable.add(seat.id);
    const index = this.#waiting.indexOf(attempt.member);
    if (index >= 0) this.#waiting.splice(index, 1);
  }

  refused(seatIds: readonly string[]): void {
    for (const seatId of seatIds) this.#unavailable.add(seatId);
  }
}

export async function runOnSale(settings: OnSaleSettings): Promise<OnSaleRun> {
  // Performance 0 is the sale; performance 1 only warms the service up (JIT, pools) before it.
  const stack = await startStack({
    database: settings.database,
    seed: { performances: 2, seatsPerPerformance: settings.seats, members: settings.members },
    env: settings.env,
  });
  // Each confirming member has a connection of its own: no queue in the load generator.
  const confirmer = new ApiClient(stack.url, { connections: settings.connections });
  try {
    const [sale, warm] = stack.seeded.performances as [SeededPerformance, SeededPerformance];
    let created = 0;
    let seatsCreated = 0;
    if (settings.warmupSeconds > 0) {
      const warmup = await runCannon({
        url: stack.url,
        connections: settings.connections,
        durationSeconds: settings.warmupSeconds,
        next: distinctSeatRequests({ ...stack.seeded, performances: [warm] }),
      });
      created += warmup.statuses['201'] ?? 0;
      seatsCreated += warmup.statuses['201'] ?? 0;
    }

    const crowd = new Crowd(sale, stack.seeded.members, seededRandom(42));
    const confirmedIds: string[] = [];
    const confirmations: Promise<void>[] = [];
    const recorder = new LatencyRecorder();
    let seatsSold = 0;
    let soldOutAt: number | null = null;
    let end = () => {};
    await waitForQuiet();
    const started = performance.now();
    stack.meter.start();
    const result = await runCannon<Attempt>({
      url: stack.url,
      connections: settings.connections,
      durationSeconds: settings.maxSeconds,
      onStart: (stop) => (end = stop),
      next: (): Work<Attempt> | null => {
        const attempt = crowd.next();
        if (!attempt) return null;
        return {
          request: {
            method: 'POST',
            path: `${API}/reservations`,
            headers: { 'content-type': 'application/json', authorization: `Bearer ${attempt.member.token}` },
            body: JSON.stringify({ performanceId: sale.id, seatIds: attempt.seats.map((seat) => seat.id) }),
          },
          tag: attempt,
        };
      },
      label: (status) => (status === 201 ? 'winner' : status === 409 ? 'loser' : 'other'),
      // A sale sells out in a second or two: a second per bucket would show two bars.
      bucketMs: 100,
      onAnswer: (status, body, attempt) => {
        if (status === 201) {
          created++;
          seatsCreated += attempt.seats.length;
          seatsSold += attempt.seats.length;
          crowd.won(attempt);
          if (created % settings.confirmEvery === 0) {
            const { id } = JSON.parse(body) as { id: string };
            confirmations.push(
              confirmer.request('POST', `${API}/reservations/${id}/confirm`, { token: attempt.member.token }).then(
                (reply) => {
                  recorder.record('confirm', reply.ms, reply.status, reply.status === 200);
                  if (reply.status === 200) confirmedIds.push(id);
                },
                () => recorder.record('confirm', 0, 'error', false),
              ),
            );
          }
          if (seatsSold >= sale.seats.length && soldOutAt === null) {
            soldOutAt = performance.now() - started;
            end();
          }
        } else if (status === 409) {
          const problem = JSON.parse(body) as { seatIds?: string[] };
          crowd.refused(problem.seatIds ?? attempt.seats.map((seat) => seat.id));
        }
      },
    });
    await Promise.all(confirmations);
    const cpu = stack.meter.stop();
    const afterSellOut =
      soldOutAt !== null && settings.loserSeconds > 0 ? await losersOnly(stack, sale, settings, seededRandom(7)) : null;
    const audited = await audit(stack.database, {
      created,
      seatsCreated,
      confirmedIds,
      ...(soldOutAt !== null ? { soldOut: { performanceId: sale.id, seats: sale.seats.length } } : {}),
    });
    return {
      settings,
      soldOut: soldOutAt !== null,
      soldOutMs: soldOutAt === null ? null : Math.round(soldOutAt),
      seatsSold,
      requests: result.requests,
      requestsPerSecond: result.requestsPerSecond,
      winners: result.recorder.summary('winner'),
      losers: result.recorder.summary('loser'),
      confirms: recorder.summary('confirm'),
      statuses: {
        ...result.statuses,
        ...Object.fromEntries(Object.entries(recorder.statuses).map(([status, count]) => [`confirm ${status}`, count])),
      },
      unanswered: result.unanswered,
      recorder: result.recorder,
      cpu,
      audit: audited,
      afterSellOut,
    };
  } finally {
    await confirmer.close();
    await stack.stop();
  }
}

/** The crowd keeps asking for 1–4 adjacent seats of a sold-out hall: every answer is a 409. */
async function losersOnly(
  stack: Awaited<ReturnType<typeof startStack>>,
  sale: SeededPerformance,
  settings: OnSaleSettings,
  random: () => number,
): Promise<LosersOnly> {
  const members = stack.seeded.members;
  stack.meter.start();
  const result = await runCannon<null>({
    url: stack.url,
    connections: settings.connections,
    durationSeconds: settings.loserSeconds,
    next: () => {
      const index = Math.floor(random() * sale.seats.length);
      const seats = sale.seats.slice(index, index + 1 + Math.floor(random() * 4));
      const member = members[Math.floor(random() * members.length)]!;
      return {
        request: {
          method: 'POST',
          path: `${API}/reservations`,
          headers: { 'content-type': 'application/json', authorization: `Bearer ${member.token}` },
          body: JSON.stringify({ performanceId: sale.id, seatIds: seats.map((seat) => seat.id) }),
        },
        tag: null,
      };
    },
    label: (status) => (status === 409 ? 'loser' : 'other'),
  });
  const cpu = stack.meter.stop();
  return {
    seconds: result.durationSeconds,
    answers: result.requests,
    perSecond: result.requestsPerSecond,
    losers: result.recorder.summary('loser'),
    statuses: result.statuses,
    serviceCpuMsPerAnswer:
      Math.round((((cpu.seconds['service'] ?? 0) * 1000) / Math.max(1, result.requests)) * 1000) / 1000,
    cpu,
  };
}

export function describeOnSale(run: OnSaleRun): Record<string, unknown> {
  const { recorder, ...rest } = run;
  return { ...rest, bucketMs: recorder.bucketMs, perBucket: recorder.seconds() };
}

export function onSaleMarkdown(run: OnSaleRun, command: string): { title: string; markdown: string } {
  const { settings } = run;
  const title = `on-sale: ${run.seatsSold}/${settings.seats} seats ${run.soldOut ? `sold out in ${run.soldOutMs} ms` : 'NOT sold out'}, loser p99 ${run.losers.p99Ms} ms`;
  const markdown = [
    `# ${title}`,
    '',
    `A sale opens: ${settings.members} members race for ${settings.seats} seats over ${settings.connections} connections, each asking for 1–4 adjacent seats around a popular one it believes free (seats seen sold or refused are off its map); winners leave, every ${settings.confirmEvery}nd winner confirms at once. Ends at sell-out (or after ${settings.maxSeconds} s).`,
    '',
    `Command: \`${command}\`  `,
    `Machine: ${machineLine()}`,
    '',
    `- Sold out: **${run.soldOut ? `yes, in ${run.soldOutMs} ms` : 'no'}** (${run.seatsSold} seats); ${run.requests} hold requests, ${run.requestsPerSecond} req/s.`,
    `- Loser p99: **${run.losers.p99Ms} ms** (target ≤ 50 ms) → ${run.losers.p99Ms <= 50 ? 'met' : 'missed'}.`,
    '',
    latencyTable([
      ['winners (201)', run.winners],
      ['losers (409)', run.losers],
      ['confirm (200)', run.confirms],
    ]),
    '',
    `Statuses: ${JSON.stringify(run.statuses)}; unanswered ${run.unanswered}; service CPU ${serviceMsPerAnswer(run.cpu, run.requests)} ms per hold answer (winners and losers together).`,
    '',
    cpuTable(run.cpu),
    '',
    ...(run.afterSellOut ? losersOnlySection(run.afterSellOut) : []),
    auditSection(run.audit),
  ].join('\n');
  return { title, markdown };
}

function serviceMsPerAnswer(cpu: CpuReport, answers: number): number {
  return Math.round((((cpu.seconds['service'] ?? 0) * 1000) / Math.max(1, answers)) * 1000) / 1000;
}

function losersOnlySection(phase: LosersOnly): string[] {
  return [
    `## After the sell-out: ${phase.seconds} s of losers only`,
    '',
    `${phase.answers} answers (${phase.perSecond}/s), statuses ${JSON.stringify(phase.statuses)}; **service CPU ${phase.serviceCpuMsPerAnswer} ms per loser**.`,
    '',
    latencyTable([['losers (409)', phase.losers]]),
    '',
    cpuTable(phase.cpu),
    '',
  ];
}

export async function onSale(options: Options): Promise<ScenarioOutcome[]> {
  const run = await runOnSale(onSaleSettings(options));
  const { title, markdown } = onSaleMarkdown(run, commandLine('perf:on-sale'));
  return [
    {
      name: 'on-sale',
      json: describeOnSale(run),
      markdown,
      svg: timeSeriesChart(
        title,
        `${run.settings.members} members, ${run.settings.seats} seats, ${run.settings.connections} connections; green = 201 winners, red = 409 losers`,
        run.recorder.seconds(),
        run.recorder.bucketMs / 1000,
      ),
      passed: run.audit.passed,
    },
  ];
}
