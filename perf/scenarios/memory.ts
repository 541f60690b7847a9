import { WebSocket } from 'undici';
import { connect } from '../lib/database';
import { audit } from '../lib/audit';
import { runCannon } from '../lib/cannon';
import { waitForQuiet } from '../lib/cpu';
import { Options } from '../lib/options';
import { auditSection, commandLine, machineLine } from '../lib/results';
import type { ScenarioOutcome } from '../lib/scenario';
import { startStack } from '../lib/stack';
import { API } from '../../testkit/api-client';
import type { Work } from '../lib/cannon';
import type { Seeded } from '../lib/seed-data';
import { membersFor } from './hot-path';

interface Reading {
  readonly after: string;
  /** Holds created so far (201s), every one of them expired by the sweeper before the reading. */
  readonly holds: number;
  /** This round's holds per second and the cores other people's processes used meanwhile. */
  readonly holdsPerSecond?: number;
  readonly otherCores?: number;
  readonly pendingInMysql: number;
  readonly rssMiB: number;
  readonly heapUsedMiB: number;
}

/** The service's own figures from GET /metrics (prom-client's default process metrics). */
async function memoryOf(url: string): Promise<{ rssMiB: number; heapUsedMiB: number }> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const metric = (name: string) => {
    const match = new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+]+)$`, 'm').exec(text);
    return match ? Math.round((Number(match[1]) / 2 ** 20) * 10) / 10 : NaN;
  };
  return { rssMiB: metric('process_resident_memory_bytes'), heapUsedMiB: metric('nodejs_heap_size_used_bytes') };
}

/** A full garbage collection in the service, through the inspector protocol: heap readings then compare live objects only. */
async function collectGarbage(inspectorPort: number): Promise<void> {
  const targets = (await (await fetch(`http://127.0.0.1:${inspectorPort}/json/list`)).json()) as {
    webSocketDebuggerUrl: string;
  }[];
  const socket = new WebSocket(targets[0]!.webSocketDebuggerUrl);
  await new Promise<void>((resolve, reject) => {
    socket.addEventListener('open', () =>
      socket.send(JSON.stringify({ id: 1, method: 'HeapProfiler.collectGarbage' })),
    );
    socket.addEventListener('message', (event) => {
      if ((JSON.parse(String(event.data)) as { id?: number }).id === 1) resolve();
    });
    socket.addEventListener('error', () => reject(new Error('inspector connection failed')));
  });
  socket.close();
}

/**
 * One pass over every seeded seat, a different member each time: within a pass no seat is
 * asked twice, so every request can be a 201. Passes start after the sweeper has expired the
 * previous one's holds, so the same seats serve again and the data stays small. Null once this
 * pass has handed out `limit` requests or run out of seats.
 */
function seatPass(seeded: Seeded, limit: number, memberOffset: number): () => Work<null> | null {
  const performances = seeded.performances;
  const seats = performances.length * (performances[0]?.seats.length ?? 0);
  let index = 0;
  return () => {
    if (index >= Math.min(limit, seats)) return null;
    const i = index++;
    const performance = performances[i % performances.length]!;
    const seat = performance.seats[Math.floor(i / performances.length)]!;
    const member = seeded.members[(memberOffset + i) % seeded.members.length]!;
    return {
      request: {
        method: 'POST',
        path: `${API}/reservations`,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${member.token}` },
        body: JSON.stringify({ performanceId: performance.id, seatIds: [seat.id] }),
      },
      tag: null,
    };
  };
}

/**
 * A leak check on ONE service: a timed round of hot-path holds (--duration, 60 s), then rounds
 * of --holds-per-round holds each until --holds have been made in all; after every round a wait
 * until the sweeper has expired every hold (HOLD_TTL_SECONDS is short here), a full GC, and RSS
 * and heap. A steady state reads the same after one round as after the next.
 */
export async function memory(options: Options): Promise<ScenarioOutcome[]> {
  const durationSeconds = options.number('duration', 60);
  const targetHolds = options.number('holds', 100_000);
  const holdsPerRound = options.number('holds-per-round', 25_000);
  const holdSeconds = options.number('hold-seconds', 5);
  const maxSeconds = options.number('max-seconds', 1_200);
  const port = options.number('port', 3971);
  const inspectorPort = options.number('inspector-port', 9371);
  const database = options.string('database', 'ticketing_perf_memory');
  // 100 halls of 1,000 seats: one pass (≥ one round) never asks for a seat twice; 5,003
  // members keep each member's active holds well under MAX_SEATS_PER_MEMBER at 2,000 holds/s.
  const seatsPerPerformance = 1000;
  const performances = Math.max(100, Math.ceil(holdsPerRound / seatsPerPerformance));
  const previousArgs = process.env['PERF_SERVICE_NODE_ARGS'];
  process.env['PERF_SERVICE_NODE_ARGS'] = `${previousArgs ?? ''} --inspect=127.0.0.1:${inspectorPort}`.trim();
  const stack = await startStack({
    database,
    port,
    seed: { performances, seatsPerPerformance, members: membersFor(5_000, performances) },
    env: { HOLD_TTL_SECONDS: String(holdSeconds), HOLD_SWEEP_INTERVAL_MS: '1000' },
  }).finally(() => {
    if (previousArgs === undefined) delete process.env['PERF_SERVICE_NODE_ARGS'];
    else process.env['PERF_SERVICE_NODE_ARGS'] = previousArgs;
  });
  const seats = performances * seatsPerPerformance;
  const reading = async () => {
    await collectGarbage(inspectorPort);
    return memoryOf(stack.url);
  };
  const readings: Reading[] = [];
  let created = 0;
  let requests = 0;
  const started = Date.now();
  try {
    const mysql = await connect(stack.database);
    const pending = async () => {
      const [rows] = await mysql.query("SELECT COUNT(*) AS n FROM reservations WHERE status = 'PENDING'");
      return Number((rows as { n: number }[])[0]!.n);
    };
    const round = async (label: string, seconds: number, limit: number) => {
      stack.meter.start();
      const result = await runCannon({
        url: stack.url,
        connections: 100,
        durationSeconds: seconds,
        next: seatPass(stack.seeded, limit, requests),
      });
      const cpu = stack.meter.stop();
      requests += result.requests;
      created += result.statuses['201'] ?? 0;
      // Every hold expired by the sweeper (not by a buyer): then the service should be back where it was.
      const deadline = Date.now() + (holdSeconds + 120) * 1000;
      while ((await pending()) > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 1_000));
      await new Promise((resolve) => setTimeout(resolve, 5_000));
      const read: Reading = {
        after: label,
        holds: created,
        holdsPerSecond: Math.round((result.statuses['201'] ?? 0) / result.durationSeconds),
        otherCores: cpu.cores['other']!,
        pendingInMysql: await pending(),
        ...(await reading()),
      };
      console.log(
        `${label}: ${created} holds so far (${read.holdsPerSecond}/s, other ${read.otherCores} cores); RSS ${read.rssMiB} MiB, heap ${read.heapUsedMiB} MiB`,
      );
      readings.push(read);
    };
    try {
      readings.push({ after: 'start (seeded, idle)', holds: 0, pendingInMysql: 0, ...(await reading()) });
      await waitForQuiet();
      await round(`a ${durationSeconds} s hot-path run, all swept`, durationSeconds, seats);
      let counted = 1;
      // At least two count rounds, so there are always two consecutive equal rounds to compare,
      // even when the timed round alone reached the target.
      while ((created < targetHolds || counted < 3) && (Date.now() - started) / 1000 < maxSeconds) {
        // Every count round the same size (the last may pass the target): consecutive rounds then compare like with like.
        await round(`${holdsPerRound} more holds, all swept (round ${++counted})`, maxSeconds, holdsPerRound);
      }
    } finally {
      await mysql.end();
    }
    const audited = await audit(stack.database, { created, seatsCreated: created });
    const reached = created >= targetHolds;
    const growth = (a: number, b: number) => Math.round(((b - a) / a) * 1000) / 10;
    const first = readings[1]!;
    const last = readings.at(-1)!;
    const beforeLast = readings.at(-2)!;
    const markdown = [
      `# memory: ${created} holds expired by the sweeper; RSS ${first.rssMiB} → ${last.rssMiB} MiB, heap ${first.heapUsedMiB} → ${last.heapUsedMiB} MiB`,
      '',
      `Command: \`${commandLine('perf:memory')}\`  `,
      `Machine: ${machineLine()}`,
      '',
      `One service (port ${port}, database ${database}), HOLD_TTL_SECONDS=${holdSeconds}, the sweeper every second. First ${durationSeconds} s of hot-path holds, then rounds of ${holdsPerRound} holds until ${targetHolds} in all (${reached ? 'reached' : `**not reached** within ${maxSeconds} s`}), 100 connections, one seat per hold, ${seats} seats asked for in passes (a seat again only once its hold has expired). After each round: a wait until the sweeper has expired every hold (no PENDING row left) and 5 s more, a full GC (inspector protocol), then RSS and heap from the service's GET /metrics.`,
      '',
      '| after | holds so far | holds/s in the round | other cores | PENDING rows | RSS MiB | heap used MiB |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
      ...readings.map(
        (r) =>
          `| ${r.after} | ${r.holds} | ${r.holdsPerSecond ?? '-'} | ${r.otherCores ?? '-'} | ${r.pendingInMysql} | ${r.rssMiB} | ${r.heapUsedMiB} |`,
      ),
      '',
      `Growth from each round to the next: ${readings
        .slice(2)
        .map(
          (reading, index) =>
            `RSS ${growth(readings[index + 1]!.rssMiB, reading.rssMiB)} %, heap ${growth(readings[index + 1]!.heapUsedMiB, reading.heapUsedMiB)} %`,
        )
        .join(
          '; ',
        )}. Between the last two rounds: RSS ${growth(beforeLast.rssMiB, last.rssMiB)} %, heap ${growth(beforeLast.heapUsedMiB, last.heapUsedMiB)} %; from the ${durationSeconds} s run to the end: RSS ${growth(first.rssMiB, last.rssMiB)} %, heap ${growth(first.heapUsedMiB, last.heapUsedMiB)} %. Load time ${Math.round((Date.now() - started) / 1000)} s.`,
      '',
      auditSection(audited),
    ].join('\n');
    return [
      {
        name: 'memory',
        json: {
          settings: { durationSeconds, targetHolds, holdsPerRound, holdSeconds, port, database },
          readings,
          created,
          reached,
          audit: audited,
        },
        markdown,
        passed: audited.passed,
      },
    ];
  } finally {
    await stack.stop();
  }
}
