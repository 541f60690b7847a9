import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SpanRecord } from '../../src/adapters/telemetry/file-span.exporter';
import { ApiClient } from '../../testkit/api-client';
import { fullStackEnvironment, TEST_ADMIN } from '../support/service';
import { spawnServiceChild, type ServiceChild } from '../support/service-child';

const HOUR_MS = String(3_600_000);

/**
 * Sampling decided at the edge, in a real traced process (auto-instrumentation patches
 * modules through Node's loader, which Jest bypasses). Nothing is sampled by ratio here
 * (ratio 0); a request that carries a sampled W3C traceparent is traced. A preload counts
 * every span the SDK is asked for, recorded or not, so "an unsampled request costs no span"
 * is checked on the objects themselves, not on what reached the exporter.
 */
describe('edge sampling of a real process', () => {
  let service: ServiceChild;
  let child: ChildProcess;
  let api: ApiClient | undefined;
  const dir = mkdtempSync(join(tmpdir(), 'ticketing-sampling-'));
  const spansFile = join(dir, 'spans.jsonl');
  const startedFile = join(dir, 'started.txt');

  beforeAll(async () => {
    const preload = join(__dirname, '..', 'support', 'started-spans.js');
    service = await spawnServiceChild({
      ...process.env,
      ...fullStackEnvironment({
        LOG_LEVEL: 'info',
        OTEL_TRACES_EXPORTER: 'file',
        OTEL_TRACES_FILE: spansFile,
        OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
        OTEL_TRACES_SAMPLER_ARG: '0',
        // Background jobs start roots of their own; the ones that can wait, wait.
        HOLD_SWEEP_INTERVAL_MS: HOUR_MS,
        SEAT_STATE_RECONCILE_MS: HOUR_MS,
        WEBHOOK_RELAY_INTERVAL_MS: HOUR_MS,
      }),
      NODE_OPTIONS: `${process.env['NODE_OPTIONS'] ?? ''} --require ${preload}`.trim(),
      STARTED_SPANS_FILE: startedFile,
    });
    child = service.child;
    const baseUrl = service.baseUrl;
    api = new ApiClient(baseUrl);
  }, 60_000);

  afterAll(async () => {
    await api?.close();
    await service?.stop();
  });

  it('starts no span for unsampled requests and records the whole tree of a sampled one', async () => {
    const admin = await api!.logIn(TEST_ADMIN.email, TEST_ADMIN.password);
    const performance = await api!.createHall(admin, { rows: 1, seatsPerRow: 4 });
    const hold = (seatId: string, headers: Record<string, string> = {}) =>
      api!.request('POST', '/api/v1/reservations', {
        token: admin,
        body: { performanceId: performance.id, seatIds: [seatId] },
        headers,
      });

    // Unsampled: a hold, its confirmation, a loser on the same seat, a read.
    const won = await hold(performance.seatIds[0]!);
    expect(won.status).toBe(201);
    expect(won.headers.get('traceparent')).toBeNull();
    const confirmed = await api!.request('POST', `/api/v1/reservations/${won.body.id}/confirm`, { token: admin });
    expect(confirmed.status).toBe(200);
    expect((await hold(performance.seatIds[0]!)).status).toBe(409);
    expect((await api!.request('GET', `/api/v1/performances/${performance.id}/seats`)).status).toBe(200);

    // Sampled by its caller.
    const traceId = randomBytes(16).toString('hex');
    const sampled = await hold(performance.seatIds[1]!, {
      traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01`,
    });
    expect(sampled.status).toBe(201);
    expect(sampled.headers.get('traceparent')).toContain(traceId);

    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);

    const started = readFileSync(startedFile, 'utf8').trim().split('\n');
    const [inTrace, outside] = [
      started.filter((line) => line.startsWith(`${traceId} `)),
      started.filter((line) => !line.startsWith(`${traceId} `)),
    ];
    // Outside the sampled trace, the only spans asked for are the roots that background jobs
    // (and the start-up's admin check) offer the sampler, which declines them at ratio 0.
    // None is a server span, a route, a Redis or MySQL call, or the use case a request ran.
    for (const line of outside) expect(line).toMatch(/^[\da-f]{32} unrecorded root "usecase [A-Za-z]+"$/);
    const requestUseCases = /usecase (HoldSeats|ConfirmReservation|LogIn|CreatePerformance|GetSeatMap)"$/;
    expect(outside.filter((line) => requestUseCases.test(line))).toEqual([]);
    expect(inTrace.length).toBeGreaterThan(4);
    expect(inTrace.every((line) => line.includes(' recorded '))).toBe(true);

    expect(existsSync(spansFile)).toBe(true);
    const spans = readFileSync(spansFile, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as SpanRecord);
    expect(new Set(spans.map((span) => span.traceId))).toEqual(new Set([traceId]));
    const below = (ancestor: SpanRecord): SpanRecord[] => {
      const children = spans.filter((span) => span.parentSpanId === ancestor.spanId);
      return [...children, ...children.flatMap(below)];
    };
    const server = spans.find((span) => span.kind === 1)!;
    expect(server.attributes).toMatchObject({ 'http.route': '/api/v1/reservations' });
    const useCase = below(server).find((span) => span.name === 'usecase HoldSeats')!;
    expect(useCase.attributes).toMatchObject({ 'app.performance_id': performance.id, 'app.outcome': 'ok' });
    const work = below(useCase);
    expect(work.some((span) => span.attributes['db.system'] === 'redis')).toBe(true);
    expect(work.some((span) => span.attributes['db.system'] === 'mysql' && /insert/i.test(span.name))).toBe(true);
    expect(work.map((span) => span.name)).toContain('db.pool.acquire');
  }, 60_000);
});
