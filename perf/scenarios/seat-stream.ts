import { readFileSync } from 'node:fs';
import { request, type IncomingMessage } from 'node:http';
import { CpuMeter, pidsNamed, waitForQuiet } from '../lib/cpu';
import { recreateDatabase } from '../lib/database';
import { API, ApiClient } from '../../testkit/api-client';
import { LatencyRecorder } from '../lib/latency';
import { Options } from '../lib/options';
import { commandLine, cpuTable, latencyTable, machineLine } from '../lib/results';
import type { ScenarioOutcome } from '../lib/scenario';
import { seed } from '../lib/seed-data';
import { startService } from '../lib/services';

/**
 * `npm run perf:seat-stream -- --streams=10000 --duration=30`: N seat streams open on one
 * instance while holds run at --holds-per-second (each cancelled a second later, so the hall
 * never sells out): delivery latency from a hold's 201 to its event at the clients, service
 * RSS per open stream, CPU per delivered event, and whether any client lost or reordered a
 * version. Loopback only, its own port and database; Redis db 14 is NOT flushed (its keys are
 * per performance, and other runs may use the db).
 */
export interface SeatStreamSettings {
  readonly streams: number;
  readonly durationSeconds: number;
  readonly holdsPerSecond: number;
  readonly seats: number;
  /** Clients that parse every event in full (latency, final state); the rest check ids only. */
  readonly observers: number;
  readonly port: number;
  readonly database: string;
}

function settingsFrom(options: Options): SeatStreamSettings {
  return {
    streams: options.number('streams', 10_000),
    durationSeconds: options.number('duration', 30),
    holdsPerSecond: options.number('holds-per-second', 100),
    seats: options.number('seats', 500),
    observers: options.number('observers', 100),
    port: options.number('port', 3911),
    database: 'ticketing_perf_seat_stream',
  };
}

/** One stream. Observers apply every event; the others only check that ids strictly increase. */
class StreamClient {
  lastId = 0;
  events = 0;
  snapshots = 0;
  outOfOrder = 0;
  ended = false;
  readonly statuses = new Map<string, string>();
  #line = '';
  #event = '';
  #response: IncomingMessage | undefined;
  #destroy: (() => void) | undefined;

  constructor(
    readonly observer: boolean,
    private readonly onSeat: (seatId: string, status: string) => void,
  ) {}

  open(url: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const outgoing = request(url, { agent: false, headers: { accept: 'text/event-stream' } }, (response) => {
        this.#response = response;
        if (response.statusCode !== 200) {
          reject(new Error(`stream answered ${response.statusCode}`));
          response.resume();
          return;
        }
        response.setEncoding('utf8');
        let first = true;
        response.on('data', (chunk: string) => {
          this.feed(chunk);
          if (first && this.events > 0) {
            first = false;
            resolve();
          }
        });
        response.on('close', () => (this.ended = true));
      });
      outgoing.on('error', reject);
      this.#destroy = () => outgoing.destroy();
      outgoing.end();
    });
  }

  close(): void {
    this.#destroy?.();
    this.#response?.destroy();
  }

  private feed(chunk: string): void {
    let start = 0;
    for (;;) {
      const newline = chunk.indexOf('\n', start);
      if (newline < 0) {
        this.#line += chunk.slice(start);
        return;
      }
      const line = this.#line + chunk.slice(start, newline);
      this.#line = '';
      start = newline + 1;
      this.line(line);
    }
  }

  private line(line: string): void {
    if (line.startsWith('event: ')) this.#event = line.slice(7);
    else if (line.startsWith('id: ')) {
      const id = Number(line.slice(4));
      if (!(id > this.lastId)) this.outOfOrder++;
      this.lastId = id;
      this.events++;
      if (this.#event === 'snapshot') this.snapshots++;
    } else if (line.startsWith('data: ') && this.observer) {
      const data = JSON.parse(line.slice(6)) as { seats: { id: string; status: string }[] };
      if (this.#event === 'snapshot') this.statuses.clear();
      for (const seat of data.seats) {
        if (this.#event === 'changes') this.onSeat(seat.id, seat.status);
        this.statuses.set(seat.id, seat.status);
      }
    }
  }
}

function rssKiB(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) : 0;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function seatStream(options: Options): Promise<ScenarioOutcome[]> {
  const settings = settingsFrom(options);
  // Stops itself whatever happens: the run is bounded.
  const guard = setTimeout(
    () => {
      console.error('seat-stream: hard time limit reached, exiting');
      process.exit(2);
    },
    (settings.durationSeconds + 300) * 1000,
  );
  guard.unref();

  await recreateDatabase(settings.database, { migrate: false });
  const service = await startService({
    port: settings.port,
    database: settings.database,
    name: `service-seat-stream-${settings.port}`,
    env: {
      SEAT_STREAM_MAX_CONNECTIONS: String(settings.streams + 1_000),
      // Heartbeats are not what is measured; one per 15 s as in production.
      SEAT_STREAM_HEARTBEAT_MS: '15000',
      MAX_SEATS_PER_MEMBER: '1000',
      MAX_SEATS_PER_RESERVATION: '4',
    },
  });
  const members = Math.ceil(settings.holdsPerSecond * (settings.durationSeconds + 10)) + 10;
  const clients: StreamClient[] = [];
  const http = new ApiClient(service.url, { connections: 32 });
  try {
    const seeded = await seed(settings.database, { performances: 1, seatsPerPerformance: settings.seats, members });
    const hall = seeded.performances[0]!;
    const streamUrl = `${service.url}${API}/performances/${hall.id}/seats/stream`;
    const pid = service.pids()[0]!;
    const latency = new LatencyRecorder();
    /** seat id → when its hold's 201 came back, and the observers that have not seen it HELD yet. */
    const pendingHolds = new Map<string, { at: number; waiting: Set<StreamClient> }>();

    // Warm-up: the service follows the performance and has served a few maps.
    for (let index = 0; index < 20; index++) await http.request('GET', `${API}/performances/${hall.id}/seats`);
    await waitForQuiet();
    await sleep(1_000);
    const rssBefore = rssKiB(pid);

    console.log(`opening ${settings.streams} streams…`);
    const openedAt = performance.now();
    const batch = 250;
    for (let start = 0; start < settings.streams; start += batch) {
      const opening: Promise<void>[] = [];
      for (let index = start; index < Math.min(settings.streams, start + batch); index++) {
        const observer = index % Math.max(1, Math.floor(settings.streams / settings.observers)) === 0;
        const client: StreamClient = new StreamClient(observer, (seatId, status) => {
          if (status !== 'HELD') return;
          const hold = pendingHolds.get(seatId);
          if (!hold || !hold.waiting.delete(client)) return;
          latency.record('hold 201 → event', Math.max(0, performance.now() - hold.at), 'ok', true);
        });
        clients.push(client);
        opening.push(client.open(streamUrl));
      }
      await Promise.all(opening);
    }
    const openSeconds = (performance.now() - openedAt) / 1000;
    const observers = clients.filter((client) => client.observer);
    console.log(`${clients.length} streams open in ${openSeconds.toFixed(1)} s (${observers.length} observers)`);
    await sleep(3_000);
    const rssOpen = rssKiB(pid);

    const meter = new CpuMeter({
      generator: () => [process.pid],
      service: () => service.pids(),
      mariadbd: () => pidsNamed('mariadbd'),
      'redis-server': () => pidsNamed('redis-server'),
    });
    const eventsBefore = clients.reduce((sum, client) => sum + client.events, 0);
    meter.start();
    let holdsMade = 0;
    let holdsRefused = 0;
    const cancels: Promise<unknown>[] = [];
    const holding: Promise<unknown>[] = [];
    const started = performance.now();
    const interval = 1000 / settings.holdsPerSecond;
    for (let index = 0; performance.now() - started < settings.durationSeconds * 1000; index++) {
      const due = started + index * interval;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      const member = seeded.members[index % seeded.members.length]!;
      const seat = hall.seats[(index * 7919) % hall.seats.length]!;
      const holdDone = http
        .request<{ id: string }>('POST', `${API}/reservations`, {
          token: member.token,
          body: { performanceId: hall.id, seatIds: [seat.id] },
        })
        .then((reply) => {
          latency.record('hold', reply.ms, String(reply.status), reply.status === 201);
          if (reply.status !== 201) {
            holdsRefused++;
            return;
          }
          holdsMade++;
          // The change is in the log before the 201 is sent, so an observer may have it already.
          const waiting = new Set<StreamClient>();
          for (const client of observers) {
            if (client.statuses.get(seat.id) === 'HELD') latency.record('hold 201 → event', 0, 'ok', true);
            else waiting.add(client);
          }
          pendingHolds.set(seat.id, { at: performance.now(), waiting });
          // Free the seat again a second later, so the hall never sells out.
          cancels.push(
            sleep(1_000).then(() =>
              http.request('POST', `${API}/reservations/${reply.body.id}/cancel`, { token: member.token }),
            ),
          );
        });
      holding.push(holdDone);
    }
    // Every hold answered, then every cancel: only then is the map final.
    await Promise.all(holding);
    await Promise.all(cancels);
    await sleep(2_000);
    const cpu = meter.stop();
    const delivered = clients.reduce((sum, client) => sum + client.events, 0) - eventsBefore;

    const finalMap = await http.request<{ version: number; seats: { id: string; status: string }[] }>(
      'GET',
      `${API}/performances/${hall.id}/seats`,
    );
    await sleep(500);
    const expected = new Map(finalMap.body.seats.map((seat) => [seat.id, seat.status]));
    const behind = clients.filter((client) => client.lastId !== finalMap.body.version).length;
    const wrongState = observers.filter(
      (client) =>
        client.statuses.size !== expected.size ||
        [...expected].some(([seatId, status]) => client.statuses.get(seatId) !== status),
    ).length;
    const outOfOrder = clients.reduce((sum, client) => sum + client.outOfOrder, 0);
    const extraSnapshots = clients.reduce((sum, client) => sum + Math.max(0, client.snapshots - 1), 0);
    const ended = clients.filter((client) => client.ended).length;
    const missedHolds = [...pendingHolds.values()].reduce((sum, hold) => sum + hold.waiting.size, 0);
    const delivery = latency.summary('hold 201 → event');
    const holds = latency.summary('hold');
    const serviceCpu = cpu.seconds['service'] ?? 0;
    const rssPerStreamKiB = Math.round(((rssOpen - rssBefore) / settings.streams) * 100) / 100;
    const cpuPerEventUs = delivered > 0 ? Math.round((serviceCpu / delivered) * 1e6 * 100) / 100 : 0;
    const correct = outOfOrder === 0 && behind === 0 && wrongState === 0 && missedHolds === 0 && ended === 0;

    const title = `seat-stream: ${settings.streams} streams, hold → event p99 ${delivery.p99Ms} ms, ${rssPerStreamKiB} KiB RSS per stream`;
    const markdown = [
      `# ${title}`,
      '',
      `${settings.streams} streams (${observers.length} of them parse every event) follow one ${settings.seats}-seat performance on one instance while holds run at ${settings.holdsPerSecond}/s for ${settings.durationSeconds} s, each cancelled a second after its 201 (so about ${2 * settings.holdsPerSecond} seat changes a second).`,
      '',
      `Command: \`${commandLine('perf:seat-stream')}\`  `,
      `Machine: ${machineLine()}`,
      '',
      `- Delivery, from a hold's 201 to its \`changes\` event at an observer: p50 **${delivery.p50Ms} ms**, p99 **${delivery.p99Ms} ms** (target p99 ≤ 250 ms) → ${delivery.p99Ms <= 250 ? 'met' : 'missed'}.`,
      `- Service RSS: ${Math.round(rssBefore / 1024)} MiB before, ${Math.round(rssOpen / 1024)} MiB with every stream open → **${rssPerStreamKiB} KiB per stream** (target ≤ 16 KiB) → ${rssPerStreamKiB <= 16 ? 'met' : 'missed'}. Opening them took ${openSeconds.toFixed(1)} s.`,
      `- CPU: ${serviceCpu} s of service CPU for ${delivered} events delivered → **${cpuPerEventUs} µs per delivered event**.`,
      `- Holds: ${holdsMade} answered 201 (${holdsRefused} refused); ${missedHolds} (hold, observer) pairs never saw the hold.`,
      `- Correctness: ${outOfOrder} out-of-order ids; ${behind} clients not at the final version ${finalMap.body.version}; ${wrongState} observers whose applied state differs from GET seats; ${extraSnapshots} snapshots after the first (a rebuild); ${ended} streams ended early → ${correct ? '**no lost or out-of-order versions**' : '**FAILED**'}.`,
      '',
      latencyTable([
        ['hold 201 → event', delivery],
        ['POST /reservations', holds],
      ]),
      '',
      cpuTable(cpu),
    ].join('\n');
    return [
      {
        name: 'seat-stream',
        json: {
          settings,
          delivery,
          holds,
          rssBeforeKiB: rssBefore,
          rssOpenKiB: rssOpen,
          rssPerStreamKiB,
          openSeconds,
          delivered,
          cpuPerEventUs,
          holdsMade,
          holdsRefused,
          missedHolds,
          outOfOrder,
          behind,
          wrongState,
          extraSnapshots,
          ended,
          finalVersion: finalMap.body.version,
          cpu,
        },
        markdown,
        passed: correct,
      },
    ];
  } finally {
    for (const client of clients) client.close();
    await http.close();
    await service.stop();
    clearTimeout(guard);
  }
}
