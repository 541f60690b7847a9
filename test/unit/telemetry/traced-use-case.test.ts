import { context, SpanStatusCode, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { tracedUseCase } from '../../../src/adapters/telemetry/traced-use-case';
import { SeatUnavailableError } from '../../../src/domain/sales/reservation.errors';

describe('tracedUseCase', () => {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const contextManager = new AsyncLocalStorageContextManager().enable();

  beforeAll(() => {
    context.setGlobalContextManager(contextManager);
    trace.setGlobalTracerProvider(provider);
  });
  afterAll(async () => {
    await provider.shutdown();
    context.disable();
    trace.disable();
  });
  beforeEach(() => exporter.reset());

  it('runs each execute in a span with the attributes operators filter on, and child spans nest under it', async () => {
    const outcomes: string[] = [];
    const useCase = tracedUseCase(
      'HoldSeats',
      {
        async execute(_actor: unknown, input: { performanceId: string; seatIds: string[] }) {
          trace.getTracer('test').startSpan('redis evalsha').end();
          return input.seatIds.length;
        },
      },
      (_name, outcome) => outcomes.push(outcome),
    );

    await expect(useCase.execute({ memberId: 'm-1' }, { performanceId: 'p-1', seatIds: ['a', 'b'] })).resolves.toBe(2);

    const [child, parent] = exporter.getFinishedSpans();
    expect(parent!.name).toBe('usecase HoldSeats');
    expect(parent!.attributes).toMatchObject({
      'app.performance_id': 'p-1',
      'app.seat_count': 2,
      'app.outcome': 'ok',
      'app.member_id': 'm-1',
    });
    expect(child!.parentSpanContext?.spanId).toBe(parent!.spanContext().spanId);
    expect(outcomes).toEqual(['ok']);
  });

  it('records a failure with its stable code and rethrows it unchanged', async () => {
    const error = new SeatUnavailableError('p-1', ['s-9']);
    const useCase = tracedUseCase('HoldSeats', {
      async execute(): Promise<never> {
        throw error;
      },
    });

    await expect(useCase.execute()).rejects.toBe(error);

    const [span] = exporter.getFinishedSpans();
    expect(span!.status).toEqual({ code: SpanStatusCode.ERROR, message: 'SEAT_UNAVAILABLE' });
    expect(span!.attributes['app.outcome']).toBe('SEAT_UNAVAILABLE');
    expect(span!.events.map((event) => event.name)).toEqual(['exception']);
  });
});
