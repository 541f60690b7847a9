import type { SpanRecord } from '../../../src/adapters/telemetry/file-span.exporter';
import { buildTraceReport, normalizeName, renderTraceReport } from '../../../perf/lib/trace-report';

let nextId = 0;
function span(
  traceId: string,
  name: string,
  start: number,
  durationUs: number,
  parent?: SpanRecord,
  extra: Partial<SpanRecord> = {},
): SpanRecord {
  return {
    traceId,
    spanId: `s${++nextId}`,
    ...(parent ? { parentSpanId: parent.spanId } : {}),
    name,
    kind: parent ? 0 : 1,
    start,
    durationUs,
    status: 0,
    attributes: parent ? {} : { 'http.request.method': 'POST', 'http.route': '/api/v1/reservations' },
    ...extra,
  };
}

/** A reservation whose 10 ms are mostly spent waiting for a pooled connection. */
function reservationTrace(traceId: string, poolWaitUs: number): SpanRecord[] {
  const root = span(traceId, 'POST /api/v1/reservations', 0, 10_000);
  const useCase = span(traceId, 'usecase HoldSeats', 500, 9_000, root);
  const redis = span(traceId, 'evalsha', 600, 400, useCase);
  const pool = span(traceId, 'db.pool.acquire', 1_100, poolWaitUs, useCase);
  const insert = span(traceId, "insert into reservations values ('abc', 12)", 1_100 + poolWaitUs, 1_000, useCase);
  return [root, useCase, redis, pool, insert];
}

describe('the trace report', () => {
  it('computes self time as duration minus the time covered by children, and names the bottleneck', () => {
    const spans = [...reservationTrace('t1', 7_000), ...reservationTrace('t2', 7_000)];
    const [report] = buildTraceReport(spans);

    expect(report).toMatchObject({ endpoint: 'POST /api/v1/reservations', traces: 2, p50Ms: 10 });
    const byName = Object.fromEntries(report!.tree.map((node) => [node.name, node]));
    expect(byName['POST /api/v1/reservations']!.selfP50Ms).toBeCloseTo(1, 5);
    expect(byName['usecase HoldSeats']!.selfP50Ms).toBeCloseTo(9 - 0.4 - 7 - 1, 5);
    expect(byName['db.pool.acquire']!.selfShare).toBeCloseTo(0.7, 5);
    expect(report!.hotspots[0]!.name).toBe('db.pool.acquire');
    expect(renderTraceReport([report!])).toContain('most time in: db.pool.acquire (70.0%');
  });

  it('counts overlapping children once', () => {
    const root = span('t3', 'GET /x', 0, 1_000, undefined, {
      attributes: { 'http.request.method': 'GET', 'http.route': '/x' },
    });
    const a = span('t3', 'a', 0, 600, root);
    const b = span('t3', 'b', 400, 400, root);
    const [report] = buildTraceReport([root, a, b]);
    expect(report!.tree.find((node) => node.name === 'GET /x')!.selfP50Ms).toBeCloseTo(0.2, 5);
  });

  it('groups SQL by shape, not by values', () => {
    expect(normalizeName("select * from seats where id in ('a', 'b') and n = 42")).toBe(
      'select * from seats where id in (?…) and n = ?',
    );
    expect(normalizeName('GET /api/v1/performances/0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b')).toBe(
      'GET /api/v1/performances/:id',
    );
  });
});
