import type { IncomingMessage } from 'node:http';
import { Context, context, SpanKind, trace } from '@opentelemetry/api';
import { isTracingSuppressed } from '@opentelemetry/core';
import {
  ParentBasedSampler,
  Sampler,
  SamplingDecision,
  SamplingResult,
  TraceIdRatioBasedSampler,
} from '@opentelemetry/sdk-trace-base';

/** Paths probed every few seconds: their traces would drown those that matter. */
const UNTRACED_PATHS: ReadonlySet<string> = new Set(['/healthz', '/readyz', '/metrics']);

/** W3C traceparent: version-traceid-parentid-flags; bit 0 of flags is "sampled". */
const TRACEPARENT = /^[\da-f]{2}-[\da-f]{32}-[\da-f]{16}-([\da-f]{2})$/;

/**
 * Sampling decided once per request, at the edge, before any span or context exists.
 *
 * A ratio sampler alone decides when the server span is started, i.e. after the HTTP
 * instrumentation has built its attributes, and an unsampled request then still carries a
 * non-recording span through every Koa layer, the use case, and each Redis and MySQL call,
 * each of which builds a span object and its attributes. Measured (RESULTS.md, issue 11),
 * that was 19–39 % of hot-path throughput at 10 % sampling. Here the draw happens in the HTTP
 * instrumentation's ignore hook: a request left out runs with tracing suppressed and no span
 * in its context, so nothing below it starts one (the instrumentations require a parent, the
 * use-case decorator and the pool instrumentation need a recording one).
 */
export interface EdgeSampling {
  /** Share of requests without a caller's decision that are traced. */
  readonly ratio: number;
  /**
   * The SDK's sampler: a server span reaching it was already chosen at the edge, so it is
   * recorded; other roots (background jobs) are drawn by trace id at the same ratio; children
   * follow their parent, a caller's traceparent included.
   */
  readonly sampler: Sampler;
  /** true: serve this request untraced. */
  leavesOut(request: IncomingMessage): boolean;
}

const SAMPLERS = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
] as const;

/**
 * Reads the standard OTEL_TRACES_SAMPLER / OTEL_TRACES_SAMPLER_ARG. Every sampler is applied
 * parent-based: a caller's W3C traceparent decides for its request (a trace is one tree or
 * nothing), whatever the variant's name says.
 */
export function edgeSamplingFrom(env: NodeJS.ProcessEnv, random: () => number = Math.random): EdgeSampling {
  const name = (env['OTEL_TRACES_SAMPLER'] ?? 'parentbased_always_on').trim();
  if (!(SAMPLERS as readonly string[]).includes(name)) {
    throw new Error(`Unsupported OTEL_TRACES_SAMPLER "${name}" (one of ${SAMPLERS.join(', ')})`);
  }
  const ratio = name.endsWith('always_on') ? 1 : name.endsWith('always_off') ? 0 : ratioFrom(env);
  return {
    ratio,
    sampler: new ParentBasedSampler({ root: new ChosenAtTheEdge(ratio) }),
    leavesOut(request) {
      if (UNTRACED_PATHS.has(request.url ?? '')) return true;
      const parent = TRACEPARENT.exec(String(request.headers['traceparent'] ?? ''));
      if (parent) return (Number.parseInt(parent[1]!, 16) & 1) === 0;
      return ratio < 1 && !(random() < ratio);
    },
  };
}

function ratioFrom(env: NodeJS.ProcessEnv): number {
  const raw = env['OTEL_TRACES_SAMPLER_ARG'];
  if (raw === undefined || raw.trim() === '') return 1;
  const ratio = Number(raw);
  if (!Number.isFinite(ratio) || ratio < 0 || ratio > 1) {
    throw new Error(`OTEL_TRACES_SAMPLER_ARG must be a ratio between 0 and 1, got "${raw}"`);
  }
  return ratio;
}

class ChosenAtTheEdge implements Sampler {
  readonly #byTraceId: Sampler;

  constructor(private readonly ratio: number) {
    this.#byTraceId = new TraceIdRatioBasedSampler(ratio);
  }

  shouldSample(...call: Parameters<Sampler['shouldSample']>): SamplingResult {
    const spanKind: SpanKind = call[3];
    if (spanKind === SpanKind.SERVER) return { decision: SamplingDecision.RECORD_AND_SAMPLED };
    return this.#byTraceId.shouldSample(...call);
  }

  toString(): string {
    return `ChosenAtTheEdge{ratio=${this.ratio}}`;
  }
}

/**
 * Whether work done now belongs to a trace being recorded. Instrumentation of our own asks
 * it before building any span or attribute: false for a request left out at the edge
 * (tracing suppressed, no span) and under a span that records nothing.
 */
export function insideRecordedTrace(active: Context = context.active()): boolean {
  return trace.getSpan(active)?.isRecording() === true;
}

/** A root may start here: nothing above decided, and no request left this work out. */
export function mayStartRoot(active: Context = context.active()): boolean {
  return trace.getSpan(active) === undefined && !isTracingSuppressed(active);
}
