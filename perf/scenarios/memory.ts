import { WebSocket } from 'undici';
import { connect } from '../lib/database';
import { audit } from '../lib/audit';
import { runCannon } from '../lib/cannon';
import { waitForQuiet } from '../lib/cpu';
import { Options } from '../lib/options';
import { auditSection, commandLine, machineLine } from '../lib/results';
import type { ScenarioOutcome } from '../lib/scenario';
import { startStack } from '../lib/stack';
import { distinctSeatRequests, membersFor } from './hot-path';

interface Reading {
  readonly after: string;
  readonly holds: number;
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

/** The service runs with --inspect on this port (loopback) so that a full GC can be asked for before each reading. */
const INSPECTOR_PORT = 9339;

/** A full garbage collection in the service, through the inspector protocol: heap readings then compare live objects only. */
async function collectGarbage(): Promise<void> {
  const targets = (await (await fetch(`http://127.0.0.1:${INSPECTOR_PORT}/json/list`)).json()) as {
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
 * A leak check: on ONE service, hot-path load for --duration seconds, then wait until the
 * sweeper has expired every hold (HOLD_TTL_SECONDS is short here), read RSS and heap; twice.
 * A steady state reads the same after the second round as after the first.
 */
export async function memory(options: Options): Promise<ScenarioOutcome[]> {
  const durationSeconds = options.number('duration', 60);
  const rounds = options.number('rounds', 3);
  const holdSeconds = options.number('hold-seconds', 5);
  const seatsPerPerformance = 1000;
  const performances = Math.ceil((2_000 * durationSeconds * rounds) / seatsPerPerformance) + 1;
  const previousArgs = process.env['PERF_SERVICE_NODE_ARGS'];
  process.env['PERF_SERVICE_NODE_ARGS'] = `${previousArgs ?? ''} --inspect=127.0.0.1:${INSPECTOR_PORT}`.trim();
  const stack = await startStack({
    database: 'ticketing_perf_memory',
    seed: { performances, seatsPerPerformance, members: membersFor(seatsPerPerformance, performances) },
    env: { HOLD_TTL_SECONDS: String(holdSeconds), HOLD_SWEEP_INTERVAL_MS: '1000' },
  }).finally(() => {
    if (previousArgs === undefined) delete process.env['PERF_SERVICE_NODE_ARGS'];
    else process.env['PERF_SERVICE_NODE_ARGS'] = previousArgs;
  });
  const reading = async () => {
    await collectGarbage();
    return memoryOf(stack.url);
  };
  const readings: Reading[] = [];
  let created = 0;
  try {
    const next = distinctSeatRequests(stack.seeded);
    const mysql = await connect(stack.database);
    const pending = async () => {
      const [rows] = await mysql.query("SELECT COUNT(*) AS n FROM reservations WHERE status = 'PENDING'");
      return Number((rows as { n: number }[])[0]!.n);
    };
    try {
      readings.push({ after: 'start (seeded, idle)', holds: 0, pendingInMysql: 0, ...(await reading()) });
      await waitForQuiet();
      for (let round = 1; round <= rounds; round++) {
        const result = await runCannon({ url: stack.url, connections: 100, durationSeconds, next });
        created += result.statuses['201'] ?? 0;
        // Every hold expired by the sweeper (not by a buyer): then the service should be back where it was.
        const deadline = Date.now() + (holdSeconds + 60) * 1000;
        while ((await pending()) > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 1_000));
        await new Promise((resolve) => setTimeout(resolve, 5_000));
        readings.push({
          after: `round ${round}: ${durationSeconds} s of holds, all swept`,
          holds: created,
          pendingInMysql: await pending(),
          ...(await reading()),
        });
      }
    } finally {
      await mysql.end();
    }
    const audited = await audit(stack.database, { created, seatsCreated: created });
    const first = readings[1]!;
    const last = readings.at(-1)!;
    const growth = (a: number, b: number) => Math.round(((b - a) / a) * 1000) / 10;
    const markdown = [
      `# memory: RSS ${first.rssMiB} → ${last.rssMiB} MiB, heap ${first.heapUsedMiB} → ${last.heapUsedMiB} MiB between round 1 and round ${rounds}`,
      '',
      `Command: \`${commandLine('perf:memory')}\`  `,
      `Machine: ${machineLine()}`,
      '',
      `One service; each round is ${durationSeconds} s of hot-path holds (100 connections) with HOLD_TTL_SECONDS=${holdSeconds}, then a wait until the sweeper has expired every one (no PENDING row left) and 5 s more, then a full GC (inspector protocol). Figures from the service's GET /metrics.`,
      '',
      '| after | holds so far | PENDING rows | RSS MiB | heap used MiB |',
      '| --- | ---: | ---: | ---: | ---: |',
      ...readings.map((r) => `| ${r.after} | ${r.holds} | ${r.pendingInMysql} | ${r.rssMiB} | ${r.heapUsedMiB} |`),
      '',
      `Growth from round 1 to round ${rounds}: RSS ${growth(first.rssMiB, last.rssMiB)} %, heap ${growth(first.heapUsedMiB, last.heapUsedMiB)} %.`,
      '',
      auditSection(audited),
    ].join('\n');
    return [{ name: 'memory', json: { readings, created, audit: audited }, markdown, passed: audited.passed }];
  } finally {
    await stack.stop();
  }
}
