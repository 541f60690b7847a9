import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SpanRecord } from '../../src/adapters/telemetry/file-span.exporter';
import { ApiClient } from '../../testkit/api-client';
import { fullStackEnvironment, startFullStack, TEST_ADMIN, type TestService } from '../support/service';
import { spawnServiceChild, type ServiceChild } from '../support/service-child';

describe('metrics', () => {
  let service: TestService;
  beforeAll(async () => {
    service = await startFullStack();
  });
  afterAll(() => service.close());

  it('exposes RED, pool, seat-hold, reservation and event-loop series after traffic', async () => {
    const admin = await service.adminToken();
    const member = await service.memberToken();
    const performance = await service.createHall({ rows: 1, seatsPerRow: 4 });
    const held = await service.request('POST', '/api/v1/reservations', {
      token: member,
      body: { performanceId: performance.id, seatIds: [performance.seatIds[0]] },
    });
    expect(held.status).toBe(201);
    const lost = await service.request('POST', '/api/v1/reservations', {
      token: admin,
      body: { performanceId: performance.id, seatIds: [performance.seatIds[0]] },
    });
    expect(lost.status).toBe(409);
    await service.request('POST', `/api/v1/reservations/${held.body.id}/confirm`, { token: member });

    const response = await service.request('GET', '/metrics');
    const text = response.text;

    expect(response.headers.get('content-type')).toContain('text/plain');
    expect(text).toMatch(/http_requests_total\{method="POST",route="\/api\/v1\/reservations",status="201"\} 1/);
    expect(text).toMatch(/http_requests_total\{method="POST",route="\/api\/v1\/reservations",status="409"\} 1/);
    expect(text).toMatch(
      /http_request_duration_seconds_bucket\{le="0.1",method="POST",route="\/api\/v1\/reservations",status="201"\} 1/,
    );
    expect(text).toMatch(/seat_holds_total\{outcome="granted"\} 1/);
    expect(text).toMatch(/seat_holds_total\{outcome="rejected"\} 1/);
    expect(text).toMatch(/reservations_total\{status="confirmed"\} 1/);
    expect(text).toMatch(/db_pool_connections\{state="used"\} \d+/);
    expect(text).toMatch(/db_pool_connections\{state="pending"\} \d+/);
    expect(text).toMatch(/db_pool_acquire_seconds_count [1-9]\d*/);
    expect(text).toMatch(/use_case_duration_seconds_count\{use_case="HoldSeats",outcome="SEAT_UNAVAILABLE"\} 1/);
    expect(text).toMatch(/nodejs_eventloop_lag_p99_seconds \d/);
  });
});

/**
 * Auto-instrumentation patches modules through Node's own loader, which Jest bypasses; so the
 * traced service runs as a real child process writing spans to a file, as an operator's would.
 */
describe('traces and logs of a real process', () => {
  let service: ServiceChild;
  let child: ChildProcess;
  let baseUrl: string;
  let api: ApiClient | undefined;
  const logLines: Record<string, unknown>[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'ticketing-traces-'));
  const spansFile = join(dir, 'spans.jsonl');

  beforeAll(async () => {
    service = await spawnServiceChild(
      {
        ...process.env,
        ...fullStackEnvironment({
          LOG_LEVEL: 'info',
          OTEL_TRACES_EXPORTER: 'file',
          OTEL_TRACES_FILE: spansFile,
          OTEL_SERVICE_NAME: 'ticketing-test',
        }),
      },
      { onLine: (line) => logLines.push(JSON.parse(line) as Record<string, unknown>) },
    );
    ({ child, baseUrl } = service);
  }, 60_000);

  afterAll(async () => {
    await api?.close();
    await service?.stop();
  });

  it('records the span tree of a reservation and of a refused one, with trace ids in logs and answers', async () => {
    api = new ApiClient(baseUrl);
    const admin = await api.logIn(TEST_ADMIN.email, TEST_ADMIN.password);
    const performance = await api.createHall(admin, { rows: 1, seatsPerRow: 4 });
    const body = { performanceId: performance.id, seatIds: [performance.seatIds[0], performance.seatIds[1]] };
    const won = await api.request('POST', '/api/v1/reservations', { token: admin, body });
    const lost = await api.request('POST', '/api/v1/reservations', { token: admin, body });
    expect([won.status, lost.status]).toEqual([201, 409]);
    const wonTrace = won.headers.get('traceparent')!.split('-')[1]!;
    expect(lost.body.traceId).toBe(lost.headers.get('traceparent')!.split('-')[1]);

    // A graceful stop flushes the batched spans to the file.
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(existsSync(spansFile)).toBe(true);
    const spans = readFileSync(spansFile, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as SpanRecord);

    const tree = (traceId: string) => {
      const inTrace = spans.filter((span) => span.traceId === traceId);
      const root = inTrace.find((span) => !inTrace.some((other) => other.spanId === span.parentSpanId))!;
      const below = (ancestor: SpanRecord): SpanRecord[] => {
        const children = inTrace.filter((span) => span.parentSpanId === ancestor.spanId);
        return [...children, ...children.flatMap(below)];
      };
      return { root, below };
    };

    const success = tree(wonTrace);
    expect(success.root).toMatchObject({
      kind: 1,
      attributes: expect.objectContaining({ 'http.route': '/api/v1/reservations' }),
    });
    const useCase = success.below(success.root).find((span) => span.name === 'usecase HoldSeats')!;
    expect(useCase.attributes).toMatchObject({
      'app.performance_id': performance.id,
      'app.seat_count': 2,
      'app.outcome': 'ok',
    });
    const work = success.below(useCase).map((span) => span.name);
    expect(work).toEqual(expect.arrayContaining(['db.pool.acquire', expect.stringMatching(/^eval/)]));
    expect(work.some((name) => /insert/i.test(name))).toBe(true);
    // The claim waited for a connection of its own pool, traced like the main pool's.
    const acquisitions = success.below(useCase).filter((span) => span.name === 'db.pool.acquire');
    expect(acquisitions.map((span) => span.attributes['db.pool.name'])).toContain('claims');

    const failure = tree(lost.body.traceId);
    const failed = failure.below(failure.root).find((span) => span.name === 'usecase HoldSeats')!;
    expect(failed.status).toBe(2);
    expect(failed.attributes['app.outcome']).toBe('SEAT_UNAVAILABLE');
    expect(failed.events?.map((event) => event.name)).toContain('exception');
    // The loser never reached MySQL: Redis turned it away.
    expect(failure.below(failed).some((span) => /insert/i.test(span.name))).toBe(false);

    const accessLine = logLines.find((line) => line['msg'] === 'request' && line['requestId'] === lost.body.traceId);
    expect(accessLine).toMatchObject({ traceId: lost.body.traceId, status: 409, route: '/api/v1/reservations' });
    expect(JSON.stringify(logLines)).not.toContain(TEST_ADMIN.password);
  }, 60_000);
});
