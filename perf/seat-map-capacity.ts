/**
 * `npx tsx perf/seat-map-capacity.ts [--seconds=10] [--connections=50]`: GET seats answered
 * per second by ONE instance from its seat-state view (the live copy it follows in Redis),
 * and per second of the instance's CPU: the seat-map input of deploy/SCALING.md. The service
 * runs as production does (`node dist/bootstrap/main.js`) on MariaDB (PERF_MYSQL_URL,
 * database ticketing_perf_seat_map or PERF_SEAT_MAP_DATABASE) and on a redis-server of its
 * own (a free loopback port, nothing persisted, stopped at the end); a 1,000-seat hall with
 * 200 seats held is read over keep-alive connections by a generator that does not parse the
 * bodies (perf/lib/raw-get.ts).
 */
import { spawn } from 'node:child_process';
import net from 'node:net';
import { loadavg } from 'node:os';
import { processCpuSeconds } from './lib/cpu';
import { recreateDatabase } from './lib/database';
import { runRawGets } from './lib/raw-get';
import { seed } from './lib/seed-data';
import { startService } from './lib/services';

const argument = (name: string, fallback: string) =>
  process.argv.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const SECONDS = Number(argument('seconds', '10'));
const CONNECTIONS = Number(argument('connections', '50'));
const DATABASE = process.env['PERF_SEAT_MAP_DATABASE'] ?? 'ticketing_perf_seat_map';

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function main(): Promise<void> {
  await recreateDatabase(DATABASE);
  const seeded = await seed(DATABASE, { performances: 1, seatsPerPerformance: 1_000, members: 200 });
  const redisPort = await freePort();
  const redis = spawn(
    'redis-server',
    ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: 'ignore',
    },
  );
  const service = await startService({
    port: await freePort(),
    database: DATABASE,
    env: { REDIS_URL: `redis://127.0.0.1:${redisPort}/0` },
    name: 'seat-map-capacity',
  }).catch((error: unknown) => {
    redis.kill('SIGKILL');
    throw error;
  });
  try {
    const performance = seeded.performances[0]!;
    // 200 members hold one seat each, through the service: the map has state, its view a version.
    await Promise.all(
      seeded.members.map((member, index) =>
        fetch(`${service.url}/api/v1/reservations`, {
          method: 'POST',
          headers: { authorization: `Bearer ${member.token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ performanceId: performance.id, seatIds: [performance.seats[index]!.id] }),
        }),
      ),
    );
    const path = `/api/v1/performances/${performance.id}/seats`;
    const first = await fetch(`${service.url}${path}`);
    const body = (await first.json()) as { version: number | null };
    if (first.status !== 200 || typeof body.version !== 'number')
      throw new Error(
        `GET seats did not answer from the seat-state view (status ${first.status}, version ${body.version})`,
      );
    const pid = service.pids()[0]!;
    const cpuBefore = processCpuSeconds(pid);
    const loadBefore = loadavg()[0]!;
    const result = await runRawGets({ url: service.url, path, connections: CONNECTIONS, durationSeconds: SECONDS });
    const cpu = processCpuSeconds(pid) - cpuBefore;
    const summary = result.recorder.overall();
    console.log(
      `GET seats (1,000 seats, 200 held, version ${body.version}) from the seat-state view, ${CONNECTIONS} connections, ${result.durationSeconds.toFixed(1)} s: ` +
        `${result.requestsPerSecond.toFixed(0)} answers/s, p50 ${summary.p50Ms} ms, p99 ${summary.p99Ms} ms, statuses ${JSON.stringify(result.statuses)}; ` +
        `service CPU ${cpu.toFixed(1)} s = ${(cpu / result.durationSeconds).toFixed(2)} cores → ${(result.requests / cpu).toFixed(0)} answers per CPU second; ` +
        `load average ${loadBefore.toFixed(2)} → ${loadavg()[0]!.toFixed(2)}`,
    );
  } finally {
    await service.stop();
    redis.kill('SIGTERM');
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
