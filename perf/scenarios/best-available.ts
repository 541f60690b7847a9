import { API } from '../../testkit/api-client';
import type { AuditResult } from '../../testkit/audit';
import { audit } from '../lib/audit';
import { CannonResult, runCannon, Work } from '../lib/cannon';
import { timeSeriesChart } from '../lib/chart';
import { CpuReport, waitForQuiet } from '../lib/cpu';
import { connect } from '../lib/database';
import type { LatencySummary } from '../lib/latency';
import { Options } from '../lib/options';
import { auditSection, commandLine, cpuTable, latencyTable, machineLine } from '../lib/results';
import type { ScenarioOutcome } from '../lib/scenario';
import type { SeededMember, SeededPerformance, SeededSeat } from '../lib/seed-data';
import { startStack } from '../lib/stack';
import { seededRandom } from '../../testkit/random';

export interface BestAvailableSettings {
  readonly members: number;
  readonly seats: number;
  readonly connections: number;
  readonly maxSeconds: number;
  readonly warmupSeconds: number;
  readonly port: number;
  readonly database: string;
}

export function bestAvailableSettings(options: Options): BestAvailableSettings {
  return {
    members: options.number('members', 2000),
    seats: options.number('seats', 2000),
    connections: options.number('connections', 32),
    maxSeconds: options.number('duration', 60),
    warmupSeconds: options.number('warmup', 2),
    port: options.number('port', 3931),
    database: options.string('database', 'ticketing_perf_best_available'),
  };
}

/** How many seats each member asks for: 1–4 with weights 20/45/15/20 %. */
const QUANTITY_WEIGHTS = [0.2, 0.45, 0.15, 0.2] as const;
/** Both phases are timed until this share of the hall is held: the same work for each. */
const TIMED_SHARE = 0.95;

function quantities(members: number): number[] {
  const random = seededRandom(13);
  return Array.from({ length: members }, () => {
    let pick = random();
    const index = QUANTITY_WEIGHTS.findIndex((weight) => (pick -= weight) < 0);
    return (index < 0 ? QUANTITY_WEIGHTS.length - 1 : index) + 1;
  });
}

/** Seats of the seeded layout by row: one section per grade, so grade + row names a row. */
function rowsOf(performance: SeededPerformance): SeededSeat[][] {
  const rows = new Map<string, SeededSeat[]>();
  for (const seat of performance.seats) {
    const key = `${seat.grade}/${seat.row}`;
    if (!rows.has(key)) rows.set(key, []);
    rows.get(key)!.push(seat);
  }
  return [...rows.values()].map((row) => row.sort((a, b) => a.number - b.number));
}

interface Ask {
  readonly member: SeededMember;
  readonly quantity: number;
  /** For holds by id: the seats; for best available: none. */
  readonly seats?: readonly SeededSeat[];
}

interface PhaseRun {
  readonly result: CannonResult;
  readonly created: number;
  readonly seatsHeld: number;
  /** From the first request to the answer that took the hall past TIMED_SHARE. */
  readonly timedMs: number | null;
  /** Holds (201) per second over that time. */
  readonly holdsPerSecond: number | null;
  readonly reservations: { id: string; seatIds: string[] }[];
  readonly cpu: CpuReport;
}

async function runPhase(
  url: string,
  connections: number,
  maxSeconds: number,
  hall: SeededPerformance,
  asks: readonly Ask[],
  meter: { start(): void; stop(): CpuReport },
  quiet = true,
): Promise<PhaseRun> {
  let index = 0;
  let created = 0;
  let seatsHeld = 0;
  let started = 0;
  let timedAt: number | null = null;
  let createdWhenTimed = 0;
  const reservations: { id: string; seatIds: string[] }[] = [];
  if (quiet) await waitForQuiet();
  meter.start();
  const result = await runCannon<Ask>({
    url,
    connections,
    durationSeconds: maxSeconds,
    onStart: () => (started = performance.now()),
    next: (): Work<Ask> | null => {
      const ask = asks[index++];
      if (!ask) return null;
      const body = ask.seats
        ? { performanceId: hall.id, seatIds: ask.seats.map((seat) => seat.id) }
        : { performanceId: hall.id, quantity: ask.quantity };
      return {
        request: {
          method: 'POST',
          path: `${API}/reservations`,
          headers: { 'content-type': 'application/json', authorization: `Bearer ${ask.member.token}` },
          body: JSON.stringify(body),
        },
        tag: ask,
      };
    },
    label: (status) => (status === 201 ? 'created' : status === 409 ? 'refused' : 'other'),
    bucketMs: 250,
    onAnswer: (status, body) => {
      if (status !== 201) return;
      const reservation = JSON.parse(body) as { id: string; seats: { id: string }[] };
      created++;
      seatsHeld += reservation.seats.length;
      reservations.push({ id: reservation.id, seatIds: reservation.seats.map((seat) => seat.id) });
      if (timedAt === null && seatsHeld >= TIMED_SHARE * hall.seats.length) {
        timedAt = performance.now();
        createdWhenTimed = created;
      }
    },
  });
  const cpu = meter.stop();
  const timedMs = timedAt === null ? null : Math.round(timedAt - started);
  return {
    result,
    created,
    seatsHeld,
    timedMs,
    holdsPerSecond: timedMs === null ? null : Math.round((createdWhenTimed / timedMs) * 10_000) / 10,
    reservations,
    cpu,
  };
}

interface HallReport {
  readonly sold: number;
  readonly nonAdjacent: number;
  /** Free seats with a taken seat or a row end on both sides. */
  readonly orphans: number;
  readonly largestFreeBlock: number;
}

/** What MySQL says of the hall after the sale: taken seats, orphans, and any reservation that is not one block. */
async function hallReport(
  database: string,
  hall: SeededPerformance,
  reservations: readonly { id: string; seatIds: readonly string[] }[],
): Promise<HallReport> {
  const connection = await connect(database);
  try {
    const [rows] = await connection.query(
      `SELECT rs.seat_id FROM reservation_seats rs JOIN reservations r ON r.id = rs.reservation_id
       WHERE r.performance_id = ? AND r.status IN ('PENDING', 'CONFIRMED')`,
      [hall.id],
    );
    const taken = new Set((rows as { seat_id: string }[]).map((row) => row.seat_id));
    const seatById = new Map(hall.seats.map((seat) => [seat.id, seat]));
    let nonAdjacent = 0;
    for (const reservation of reservations) {
      const seats = reservation.seatIds.map((id) => seatById.get(id)!);
      const numbers = seats.map((seat) => seat.number).sort((a, b) => a - b);
      const oneRow = new Set(seats.map((seat) => `${seat.grade}/${seat.row}`)).size === 1;
      if (!oneRow || numbers.some((number, i) => number !== numbers[0]! + i)) nonAdjacent++;
    }
    let orphans = 0;
    let largestFreeBlock = 0;
    for (const row of rowsOf(hall)) {
      let run = 0;
      const runs: number[] = [];
      for (const seat of row) {
        if (taken.has(seat.id)) {
          if (run > 0) runs.push(run);
          run = 0;
        } else run++;
      }
      if (run > 0) runs.push(run);
      orphans += runs.filter((length) => length === 1).length;
      largestFreeBlock = Math.max(largestFreeBlock, ...runs, 0);
    }
    return { sold: taken.size, nonAdjacent, orphans, largestFreeBlock };
  } finally {
    await connection.end();
  }
}

export interface BestAvailableRun {
  readonly settings: BestAvailableSettings;
  readonly byId: PhaseRun;
  readonly best: PhaseRun;
  readonly hall: HallReport;
  readonly seats: number;
  readonly ratio: number | null;
  readonly requestLatency: LatencySummary;
  readonly audit: AuditResult;
}

/**
 * Two sales of the same hall (2,000 seats by default) to the same 2,000 members asking for the
 * same 1–4 seats each, at 32 connections: first by seat id (each member's seats planned in
 * advance, packed row by row, so no request loses: the hot path of a seat-id hold), then by
 * quantity (best available). Each is timed until 95 % of its hall is held; the ratio of their
 * holds per second is the cost of choosing in Redis.
 */
export async function runBestAvailable(settings: BestAvailableSettings): Promise<BestAvailableRun> {
  const stack = await startStack({
    database: settings.database,
    port: settings.port,
    seed: { performances: 4, seatsPerPerformance: settings.seats, members: settings.members },
  });
  try {
    const [bestHall, idHall, warmId, warmBest] = stack.seeded.performances as SeededPerformance[];
    const members = stack.seeded.members;
    const wanted = quantities(members.length);

    // Seat ids planned row by row, in the members' order, as long as they fit.
    const planned: Ask[] = [];
    const plan = (hall: SeededPerformance) => {
      const asks: Ask[] = [];
      const rows = rowsOf(hall);
      let row = 0;
      let next = 0;
      for (const [index, member] of members.entries()) {
        const quantity = wanted[index]!;
        while (row < rows.length && next + quantity > rows[row]!.length) {
          row++;
          next = 0;
        }
        if (row >= rows.length) break;
        asks.push({ member, quantity, seats: rows[row]!.slice(next, next + quantity) });
        next += quantity;
      }
      return asks;
    };
    planned.push(...plan(idHall!));
    const bestAsks: Ask[] = members.map((member, index) => ({ member, quantity: wanted[index]! }));

    // Warm-up (JIT, pools, the layout in Redis): a little of each kind on halls of their own.
    let created = 0;
    let seatsCreated = 0;
    if (settings.warmupSeconds > 0) {
      for (const [hall, asks] of [
        [warmId!, plan(warmId!)],
        [warmBest!, bestAsks],
      ] as const) {
        const warm = await runPhase(
          stack.url,
          settings.connections,
          settings.warmupSeconds,
          hall,
          asks,
          {
            start: () => {},
            stop: () => ({ wallSeconds: 0, seconds: {}, cores: {} }),
          },
          false,
        );
        created += warm.created;
        seatsCreated += warm.seatsHeld;
      }
    }

    const byId = await runPhase(stack.url, settings.connections, settings.maxSeconds, idHall!, planned, stack.meter);
    const best = await runPhase(stack.url, settings.connections, settings.maxSeconds, bestHall!, bestAsks, stack.meter);
    created += byId.created + best.created;
    seatsCreated += byId.seatsHeld + best.seatsHeld;
    const audited = await audit(stack.database, { created, seatsCreated });
    const hall = await hallReport(stack.database, bestHall!, best.reservations);
    return {
      settings,
      byId,
      best,
      hall,
      seats: bestHall!.seats.length,
      ratio:
        best.holdsPerSecond !== null && byId.holdsPerSecond !== null
          ? Math.round((best.holdsPerSecond / byId.holdsPerSecond) * 100) / 100
          : null,
      requestLatency: best.result.recorder.overall(),
      audit: audited,
    };
  } finally {
    await stack.stop();
  }
}

export async function bestAvailable(options: Options): Promise<ScenarioOutcome[]> {
  const run = await runBestAvailable(bestAvailableSettings(options));
  const { settings, best, byId, hall } = run;
  const soldShare = hall.sold / run.seats;
  const targets = [
    [`sold ≥ 98 % of the seats`, soldShare >= 0.98, `${hall.sold}/${run.seats} (${(soldShare * 100).toFixed(1)} %)`],
    ['0 double', run.audit.passed, run.audit.passed ? 'audit passed' : 'audit FAILED'],
    ['0 non-adjacent', hall.nonAdjacent === 0, `${hall.nonAdjacent} reservations not one block`],
    ['request p99 ≤ 100 ms', run.requestLatency.p99Ms <= 100, `${run.requestLatency.p99Ms} ms`],
    [
      'holds/s by quantity ≥ 0.8 × by seat id',
      run.ratio !== null && run.ratio >= 0.8,
      `${best.holdsPerSecond}/s vs ${byId.holdsPerSecond}/s = ${run.ratio}×`,
    ],
  ] as const;
  const title = `best-available: ${hall.sold}/${run.seats} seats sold, ${hall.orphans} orphans left, p99 ${run.requestLatency.p99Ms} ms, ${run.ratio}× the seat-id hot path`;
  const markdown = [
    `# ${title}`,
    '',
    `${settings.members} members ask for 1–4 seats each (weights 20/45/15/20 %) on a ${run.seats}-seat hall over ${settings.connections} connections, twice: by seat id (each member's seats planned in advance, packed row by row: nobody loses) and by quantity (best available). Each phase is timed until ${TIMED_SHARE * 100} % of its hall is held.`,
    '',
    `Command: \`${commandLine('perf:best-available')}\`  `,
    `Machine: ${machineLine()}`,
    '',
    '| target | met | measured |',
    '| --- | --- | --- |',
    ...targets.map(([name, met, measured]) => `| ${name} | ${met ? 'yes' : '**no**'} | ${measured} |`),
    '',
    `- Orphan single seats left at the end: **${hall.orphans}**; largest free block ${hall.largestFreeBlock}.`,
    `- By quantity: ${best.created} holds (${best.seatsHeld} seats) of ${best.result.requests} requests; ${TIMED_SHARE * 100} % held after ${best.timedMs} ms.`,
    `- By seat id: ${byId.created} holds (${byId.seatsHeld} seats) of ${byId.result.requests} requests; ${TIMED_SHARE * 100} % held after ${byId.timedMs} ms.`,
    '',
    latencyTable([
      ['by quantity, all answers', run.requestLatency],
      ['by quantity, 201', best.result.recorder.summary('created')],
      ['by quantity, 409', best.result.recorder.summary('refused')],
      ['by seat id, 201', byId.result.recorder.summary('created')],
    ]),
    '',
    `Statuses by quantity: ${JSON.stringify(best.result.statuses)}; by seat id: ${JSON.stringify(byId.result.statuses)}.`,
    '',
    'By quantity:',
    '',
    cpuTable(best.cpu),
    '',
    'By seat id:',
    '',
    cpuTable(byId.cpu),
    '',
    auditSection(run.audit),
  ].join('\n');
  const { reservations: _best, ...bestJson } = best;
  const { reservations: _byId, ...byIdJson } = byId;
  return [
    {
      name: 'best-available',
      json: {
        settings,
        hall,
        ratio: run.ratio,
        requestLatency: run.requestLatency,
        best: {
          ...bestJson,
          result: { ...best.result, recorder: undefined, perBucket: best.result.recorder.seconds() },
        },
        byId: { ...byIdJson, result: { ...byId.result, recorder: undefined } },
        audit: run.audit,
      },
      markdown,
      svg: timeSeriesChart(
        title,
        `${settings.members} members, ${run.seats} seats, ${settings.connections} connections, best available`,
        best.result.recorder.seconds(),
        best.result.recorder.bucketMs / 1000,
      ),
      passed: run.audit.passed && hall.nonAdjacent === 0,
    },
  ];
}
