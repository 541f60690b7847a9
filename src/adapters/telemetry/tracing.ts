import type { IncomingMessage, Server } from 'node:http';
import { createRequire } from 'node:module';
import { context, diag, DiagConsoleLogger, DiagLogLevel } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { KnexInstrumentation } from '@opentelemetry/instrumentation-knex';
import { KoaInstrumentation, KoaLayerType } from '@opentelemetry/instrumentation-koa';
import { MySQL2Instrumentation } from '@opentelemetry/instrumentation-mysql2';
import { NodeSDK } from '@opentelemetry/sdk-node';
import {
  BatchSpanProcessor,
  ConsoleSpanExporter,
  SimpleSpanProcessor,
  SpanExporter,
  SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { EdgeSampling, edgeSamplingFrom, insideRecordedTrace } from './edge-sampling';
import { JsonLinesFileSpanExporter } from './file-span.exporter';
import { RedactingSpanExporter } from './redacting-span.exporter';

export interface Tracing {
  shutdown(): Promise<void>;
}

/**
 * Starts OpenTelemetry from the standard OTEL_* variables, plus one exporter of ours:
 * OTEL_TRACES_EXPORTER=file writes spans to OTEL_TRACES_FILE (default traces/spans.jsonl).
 * Tracing is opt-in: with OTEL_TRACES_EXPORTER unset or `none` nothing is loaded or
 * patched, so it costs nothing. Must run before koa, mysql2, knex or ioredis are required.
 */
export function startTracing(env: NodeJS.ProcessEnv = process.env): Tracing | null {
  const exporters = (env['OTEL_TRACES_EXPORTER'] ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name && name !== 'none');
  if (exporters.length === 0) return null;
  if (env['OTEL_LOG_LEVEL']) diag.setLogger(new DiagConsoleLogger(), DiagLogLevel.WARN);

  const spanProcessors: SpanProcessor[] = exporters.map((name) => {
    const exporter = new RedactingSpanExporter(createExporter(name, env));
    // Console output is for eyes, so it is immediate; everything else is batched off the hot path.
    return name === 'console'
      ? new SimpleSpanProcessor(exporter)
      : new BatchSpanProcessor(exporter, { maxQueueSize: 8192 });
  });

  // Sampled once per request, before any span exists (edge-sampling.ts): a request left out
  // runs with no span in its context, and every instrumentation below needs a parent.
  const sampling = edgeSamplingFrom(env);
  const sdk = new NodeSDK({
    serviceName: env['OTEL_SERVICE_NAME'] ?? 'ticketing-service',
    spanProcessors,
    sampler: sampling.sampler,
    instrumentations: [
      // No request or response header is copied into spans (headersToSpanAttributes stays
      // unset): Authorization carries the access token.
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (request) => !decidedToTrace(request) && sampling.leavesOut(request),
      }),
      // Router layers name the route; one span per plain middleware would only add noise and cost.
      new KoaInstrumentation({ ignoreLayersType: [KoaLayerType.MIDDLEWARE] }),
      // Knex records its SQL with `?` placeholders, never the bound values.
      new KnexInstrumentation({ maxQueryLength: 300, requireParentSpan: true }),
      // Unmasked, mysql2 formats bound values (emails, password hashes) into db.statement
      // whenever it has caught the driver's format function, which today depends on load
      // order; masked, it never does, and literals in raw SQL become `?` too.
      new ParentOnlyMySQL2Instrumentation({ maskStatement: true }),
      // Redis keys hold ids, the client address and, for login limits, a digest of the
      // email, never the address; values of SET-like commands are left out by default.
      new IORedisInstrumentation({ requireParentSpan: true }),
    ],
  });
  sdk.start();
  leaveOutBeforeTheInstrumentation(sampling);
  return { shutdown: () => sdk.shutdown() };
}

const TRACED_AT_THE_EDGE = Symbol('traced at the edge');
type Emit = (this: Server, event: string | symbol, ...args: unknown[]) => boolean;

function decidedToTrace(request: IncomingMessage): boolean {
  return (request as IncomingMessage & { [TRACED_AT_THE_EDGE]?: true })[TRACED_AT_THE_EDGE] === true;
}

/**
 * The HTTP instrumentation's own way of leaving a request out still binds its request and
 * response emitters to a context, a wrapper around every listener added to them (1.5 % of a
 * hold's CPU at 10 % sampling in the profile of RESULTS.md, 2026-12-01 evening). A request
 * left out needs only tracing suppressed below it, so the draw is made here, around the
 * instrumented `emit`, and a request drawn for tracing is marked so the ignore hook (still
 * the only gate for https) does not draw a second time.
 */
function leaveOutBeforeTheInstrumentation(sampling: EdgeSampling): void {
  // Required now, after the SDK started, so that the instrumentation has patched it first.
  const http = createRequire(__filename)('node:http') as typeof import('node:http');
  const prototype = http.Server.prototype as { emit: Emit & { __original?: Emit } };
  const instrumented = prototype.emit;
  const plain = instrumented.__original;
  if (typeof plain !== 'function') return;
  prototype.emit = function emit(this: Server, event: string | symbol, ...args: unknown[]): boolean {
    if (event !== 'request') return instrumented.call(this, event, ...args);
    const request = args[0] as IncomingMessage;
    if (sampling.leavesOut(request)) {
      return context.with(suppressTracing(context.active()), () => plain.call(this, event, ...args));
    }
    (request as IncomingMessage & { [TRACED_AT_THE_EDGE]?: true })[TRACED_AT_THE_EDGE] = true;
    return instrumented.call(this, event, ...args);
  };
}

type Query = (this: unknown, ...args: unknown[]) => unknown;
type QueryPatcher = (format: unknown, isPrepared: boolean) => (original: Query) => Query;

/**
 * mysql2's instrumentation has no `requireParentSpan`: for every query it builds the
 * connection attributes, masks the statement (a scan of the SQL) and starts a span, parent or
 * not. This one calls the driver untouched unless the query belongs to a recorded trace.
 * `_patchQuery` is the instrumentation's own (private) hook, checked against its 0.55 source.
 */
class ParentOnlyMySQL2Instrumentation extends MySQL2Instrumentation {
  constructor(config: ConstructorParameters<typeof MySQL2Instrumentation>[0]) {
    super(config);
    const self = this as unknown as { _patchQuery: QueryPatcher };
    const patchQuery = self._patchQuery.bind(this);
    self._patchQuery = (format, isPrepared) => (original) => {
      const traced = patchQuery(format, isPrepared)(original);
      return function query(this: unknown, ...args: unknown[]) {
        return (insideRecordedTrace() ? traced : original).apply(this, args);
      };
    };
  }
}

function createExporter(name: string, env: NodeJS.ProcessEnv): SpanExporter {
  switch (name) {
    case 'otlp':
      return new OTLPTraceExporter();
    case 'console':
      return new ConsoleSpanExporter();
    case 'file':
      return new JsonLinesFileSpanExporter(env['OTEL_TRACES_FILE'] ?? 'traces/spans.jsonl');
    default:
      throw new Error(`Unknown OTEL_TRACES_EXPORTER value "${name}" (use otlp, console, file or none)`);
  }
}
