import { SpanStatusCode } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { RedactingSpanExporter } from '../../../src/adapters/telemetry/redacting-span.exporter';

describe('RedactingSpanExporter', () => {
  const inner = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(new RedactingSpanExporter(inner))],
  });
  const tracer = provider.getTracer('test');
  afterAll(() => provider.shutdown());

  it('masks emails, tokens and password hashes in attributes, events and status, and keeps the rest', () => {
    const email = 'fan-1@members.example';
    const hash = '$argon2id$v=19$m=1024,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo';
    const token = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJtLTEifQ.c2lnbmF0dXJl';
    const span = tracer.startSpan('insert members', {
      attributes: {
        'db.statement': `insert into members values ('${email}', '${hash}')`,
        'app.reservation_id': '01a2321e-1609-728f-8770-7cc9f3fcf1ee',
        'app.seat_count': 2,
        'app.tags': [`Bearer ${token}`, 'plain'],
      },
    });
    const error = new Error(`Duplicate entry '${email}' for key 'members_email_unique'`);
    span.recordException(error);
    span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
    span.end();

    const [exported] = inner.getFinishedSpans();
    expect(JSON.stringify([exported!.attributes, exported!.events, exported!.status])).not.toMatch(/fan-1@|argon2|eyJ/);
    expect(exported!.attributes).toEqual({
      'db.statement': "insert into members values ('[email]', '[hash]')",
      'app.reservation_id': '01a2321e-1609-728f-8770-7cc9f3fcf1ee',
      'app.seat_count': 2,
      'app.tags': ['Bearer [token]', 'plain'],
    });
    expect(exported!.events[0]!.attributes!['exception.message']).toBe(
      "Duplicate entry '[email]' for key 'members_email_unique'",
    );
    expect(exported!.status).toEqual({ code: SpanStatusCode.ERROR, message: expect.stringContaining('[email]') });
    expect(exported!.spanContext()).toEqual(span.spanContext());
    expect(exported!.name).toBe('insert members');
  });
});
