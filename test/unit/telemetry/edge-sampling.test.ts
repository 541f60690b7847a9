import type { IncomingMessage } from 'node:http';
import { ROOT_CONTEXT, SpanKind, trace, TraceFlags } from '@opentelemetry/api';
import { SamplingDecision } from '@opentelemetry/sdk-trace-base';
import { edgeSamplingFrom } from '../../../src/adapters/telemetry/edge-sampling';

const request = (url: string, headers: Record<string, string> = {}) => ({ url, headers }) as unknown as IncomingMessage;
const traceId = '0af7651916cd43dd8448eb211c80319c';
const traceparent = (flags: '00' | '01') => `00-${traceId}-b7ad6b7169203331-${flags}`;

/** A draw that returns the given values in turn, as Math.random would. */
const draws = (...values: number[]) => {
  let next = 0;
  return () => values[next++ % values.length]!;
};

describe('edge sampling', () => {
  it('traces the drawn share of requests and leaves the rest out before any span exists', () => {
    const sampling = edgeSamplingFrom(
      { OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.1' },
      draws(0.05, 0.1, 0.5, 0.0999),
    );

    const left = [1, 2, 3, 4].map(() => sampling.leavesOut(request('/api/v1/reservations')));

    expect(sampling.ratio).toBe(0.1);
    expect(left).toEqual([false, true, true, false]);
  });

  it("follows a caller's traceparent, sampled or not, whatever the draw", () => {
    const sampling = edgeSamplingFrom(
      { OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.5' },
      draws(0.9, 0.1),
    );

    expect(sampling.leavesOut(request('/api/v1/reservations', { traceparent: traceparent('01') }))).toBe(false);
    expect(sampling.leavesOut(request('/api/v1/reservations', { traceparent: traceparent('00') }))).toBe(true);
    // A malformed header decides nothing: the draw does.
    expect(sampling.leavesOut(request('/api/v1/reservations', { traceparent: 'garbage' }))).toBe(true);
    expect(sampling.leavesOut(request('/api/v1/reservations', { traceparent: 'garbage' }))).toBe(false);
  });

  it('never traces health probes, and traces every other request by default', () => {
    const sampling = edgeSamplingFrom({}, draws(0.999));

    expect(sampling.ratio).toBe(1);
    expect(['/healthz', '/readyz', '/metrics'].map((url) => sampling.leavesOut(request(url)))).toEqual([
      true,
      true,
      true,
    ]);
    expect(sampling.leavesOut(request('/api/v1/performances'))).toBe(false);
  });

  it('records every server span the edge let through, draws background roots by trace id, and children follow', () => {
    const none = edgeSamplingFrom({ OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0' });
    const all = edgeSamplingFrom({ OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '1' });
    const decide = (sampler: typeof none.sampler, kind: SpanKind, parent = ROOT_CONTEXT) =>
      sampler.shouldSample(parent, traceId, 'name', kind, {}, []).decision;
    const unsampledParent = trace.setSpanContext(ROOT_CONTEXT, {
      traceId,
      spanId: 'b7ad6b7169203331',
      traceFlags: TraceFlags.NONE,
    });

    expect(decide(none.sampler, SpanKind.SERVER)).toBe(SamplingDecision.RECORD_AND_SAMPLED);
    expect(decide(none.sampler, SpanKind.INTERNAL)).toBe(SamplingDecision.NOT_RECORD);
    expect(decide(all.sampler, SpanKind.INTERNAL)).toBe(SamplingDecision.RECORD_AND_SAMPLED);
    expect(decide(all.sampler, SpanKind.CLIENT, unsampledParent)).toBe(SamplingDecision.NOT_RECORD);
  });

  it('refuses a sampler it does not apply and a ratio outside [0, 1] at start-up', () => {
    expect(() => edgeSamplingFrom({ OTEL_TRACES_SAMPLER: 'jaeger_remote' })).toThrow(/OTEL_TRACES_SAMPLER/);
    expect(() =>
      edgeSamplingFrom({ OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '10' }),
    ).toThrow(/between 0 and 1/);
    expect(edgeSamplingFrom({ OTEL_TRACES_SAMPLER: 'always_off' }).ratio).toBe(0);
  });
});
