import type { Attributes } from '@opentelemetry/api';
import type { ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter, TimedEvent } from '@opentelemetry/sdk-trace-base';
import { scrub } from './logger';

/** A stored password hash (PHC string): not a password, still nothing a trace should show. */
const ARGON2_HASH = /\$argon2(?:id|i|d)\$[A-Za-z0-9+/=,.$-]+/g;

/**
 * Masks email addresses, tokens and password hashes in every exported span's free text.
 * Our own spans list their attributes one by one, but the driver instrumentations record
 * what the driver says: a failed INSERT's error message and stack name the duplicate email
 * and echo the whole statement with its values. Runs at export, off the request path, and
 * only for sampled spans.
 */
export class RedactingSpanExporter implements SpanExporter {
  constructor(private readonly inner: SpanExporter) {}

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    this.inner.export(spans.map(redacted), done);
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }
}

export function redactText(text: string): string {
  return scrub(text).replace(ARGON2_HASH, '[hash]');
}

function redacted(span: ReadableSpan): ReadableSpan {
  const { message } = span.status;
  return {
    // Instrumentations name spans after the statement; an odd one leaves the name undefined.
    name: typeof span.name === 'string' ? redactText(span.name) : span.name,
    kind: span.kind,
    spanContext: () => span.spanContext(),
    ...(span.parentSpanContext ? { parentSpanContext: span.parentSpanContext } : {}),
    startTime: span.startTime,
    endTime: span.endTime,
    status: typeof message !== 'string' ? span.status : { ...span.status, message: redactText(message) },
    attributes: redactAttributes(span.attributes),
    links: span.links,
    events: span.events.map(redactEvent),
    duration: span.duration,
    ended: span.ended,
    resource: span.resource,
    instrumentationScope: span.instrumentationScope,
    droppedAttributesCount: span.droppedAttributesCount,
    droppedEventsCount: span.droppedEventsCount,
    droppedLinksCount: span.droppedLinksCount,
  };
}

function redactEvent(event: TimedEvent): TimedEvent {
  return event.attributes ? { ...event, attributes: redactAttributes(event.attributes) } : event;
}

function redactAttributes(attributes: Attributes): Attributes {
  const result: Attributes = {};
  for (const [key, value] of Object.entries(attributes)) {
    if (typeof value === 'string') result[key] = redactText(value);
    else if (Array.isArray(value))
      result[key] = value.map((entry: unknown) => (typeof entry === 'string' ? redactText(entry) : entry)) as
        string[] | number[] | boolean[];
    else result[key] = value;
  }
  return result;
}
