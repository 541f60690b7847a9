import { diag, DiagConsoleLogger, DiagLogLevel } from '@opentelemetry/api';
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

  const sdk = new NodeSDK({
    serviceName: env['OTEL_SERVICE_NAME'] ?? 'ticketing-service',
    spanProcessors,
    instrumentations: [
      // No request or response header is copied into spans (headersToSpanAttributes stays
      // unset): Authorization carries the access token.
      new HttpInstrumentation({
        // Health probes every few seconds would drown the traces that matter.
        ignoreIncomingRequestHook: (request) => ['/healthz', '/readyz', '/metrics'].includes(request.url ?? ''),
      }),
      // Router layers name the route; one span per plain middleware would only add noise and cost.
      new KoaInstrumentation({ ignoreLayersType: [KoaLayerType.MIDDLEWARE] }),
      // Knex records its SQL with `?` placeholders, never the bound values.
      new KnexInstrumentation({ maxQueryLength: 300 }),
      // Unmasked, mysql2 formats bound values (emails, password hashes) into db.statement
      // whenever it has caught the driver's format function, which today depends on load
      // order; masked, it never does, and literals in raw SQL become `?` too.
      new MySQL2Instrumentation({ maskStatement: true }),
      // Redis keys hold ids, the client address and, for login limits, a digest of the
      // email, never the address; values of SET-like commands are left out by default.
      new IORedisInstrumentation(),
    ],
  });
  sdk.start();
  return { shutdown: () => sdk.shutdown() };
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
