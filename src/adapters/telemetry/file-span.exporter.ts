import { createWriteStream, mkdirSync, WriteStream } from 'node:fs';
import { dirname } from 'node:path';
import { ExportResult, ExportResultCode, hrTimeToMicroseconds } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';

/** One finished span as a line of JSON: what `npm run traces:report` reads. */
export interface SpanRecord {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId?: string;
  readonly name: string;
  readonly kind: number;
  /** Microseconds since the epoch. */
  readonly start: number;
  readonly durationUs: number;
  readonly status: number;
  readonly attributes: Record<string, unknown>;
  readonly events?: readonly { name: string; attributes?: Record<string, unknown> }[];
}

/**
 * Writes spans to a JSON-lines file. No collector or Jaeger runs on a laptop or a CI box,
 * yet people still need to see where a load run spent its time; this file is that trace.
 */
export class JsonLinesFileSpanExporter implements SpanExporter {
  readonly #stream: WriteStream;

  constructor(path: string) {
    mkdirSync(dirname(path), { recursive: true });
    this.#stream = createWriteStream(path, { flags: 'a' });
  }

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    const lines = spans.map((span) => JSON.stringify(toRecord(span))).join('\n') + '\n';
    this.#stream.write(lines, (error) => done({ code: error ? ExportResultCode.FAILED : ExportResultCode.SUCCESS }));
  }

  shutdown(): Promise<void> {
    return new Promise((resolve) => this.#stream.end(resolve));
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
}

function toRecord(span: ReadableSpan): SpanRecord {
  const context = span.spanContext();
  const parentSpanId = span.parentSpanContext?.spanId;
  return {
    traceId: context.traceId,
    spanId: context.spanId,
    ...(parentSpanId ? { parentSpanId } : {}),
    name: span.name,
    kind: span.kind,
    start: hrTimeToMicroseconds(span.startTime),
    durationUs: hrTimeToMicroseconds(span.duration),
    status: span.status.code,
    attributes: { ...span.attributes },
    ...(span.events.length > 0
      ? {
          events: span.events.map((event) => ({
            name: event.name,
            ...(event.attributes ? { attributes: { ...event.attributes } } : {}),
          })),
        }
      : {}),
  };
}
