import { context, ROOT_CONTEXT, SpanStatusCode, trace, TracerProvider } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { suppressTracing } from '@opentelemetry/core';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  Sampler,
  SamplingDecision,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { SpanAttributesOf, tracedUseCase } from '../../../src/adapters/telemetry/traced-use-case';
import { SeatUnavailableError } from '../../../src/domain/sales/reservation.errors';

/** Records every span except those of the use case named "Unsampled", as a ratio sampler would skip some. */
const sampler: Sampler = {
  shouldSample: (_context, _traceId, spanName) => ({
    decision: spanName === 'usecase Unsampled' ? SamplingDecision.NOT_RECORD : SamplingDecision.RECORD_AND_SAMPLED,
  }),
  toString: () => 'all but Unsampled',
};

interface HoldInput {
  performanceId: string;
  seatIds: string[];
}

const holdAttributes: SpanAttributesOf<[{ memberId: string }, HoldInput], { id: string }> = {
  fromArguments: (actor, input) => ({
    'app.member_id': actor.memberId,
    'app.performance_id': input.performanceId,
    'app.seat_count': input.seatIds.length,
  }),
  fromResult: (reservation) => ({ 'app.reservation_id': reservation.id }),
};

describe('tracedUseCase', () => {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ sampler, spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const contextManager = new AsyncLocalStorageContextManager().enable();
  /** Every span asked for, recorded or not: "no span at all" is a claim about this list. */
  const started: string[] = [];
  const counting: TracerProvider = {
    getTracer: (...named) => {
      const tracer = provider.getTracer(...named);
      return {
        startSpan: (spanName, ...rest) => (started.push(spanName), tracer.startSpan(spanName, ...rest)),
        startActiveSpan: tracer.startActiveSpan.bind(tracer),
      };
    },
  };

  beforeAll(() => {
    context.setGlobalContextManager(contextManager);
    trace.setGlobalTracerProvider(counting);
  });
  afterAll(async () => {
    await provider.shutdown();
    context.disable();
    trace.disable();
  });
  beforeEach(() => {
    exporter.reset();
    started.length = 0;
  });

  it('runs each execute in a span with the attributes listed for it, and child spans nest under it', async () => {
    const outcomes: string[] = [];
    const useCase = tracedUseCase(
      'HoldSeats',
      {
        async execute(_actor: { memberId: string }, input: HoldInput) {
          trace.getTracer('test').startSpan('redis evalsha').end();
          return { id: `r-${input.seatIds.length}` };
        },
      },
      { attributes: holdAttributes, onOutcome: (_name, outcome) => outcomes.push(outcome) },
    );

    await expect(useCase.execute({ memberId: 'm-1' }, { performanceId: 'p-1', seatIds: ['a', 'b'] })).resolves.toEqual({
      id: 'r-2',
    });

    const [child, parent] = exporter.getFinishedSpans();
    expect(parent!.name).toBe('usecase HoldSeats');
    expect(parent!.attributes).toEqual({
      'app.use_case': 'HoldSeats',
      'app.member_id': 'm-1',
      'app.performance_id': 'p-1',
      'app.seat_count': 2,
      'app.reservation_id': 'r-2',
      'app.outcome': 'ok',
    });
    expect(child!.parentSpanContext?.spanId).toBe(parent!.spanContext().spanId);
    expect(outcomes).toEqual(['ok']);
  });

  it('puts nothing of the arguments or the result on the span of a use case without listed attributes', async () => {
    const useCase = tracedUseCase('EnsureAdmin', {
      async execute(email: string, password: string) {
        return { email, password, token: 'eyJhbGciOiJIUzI1NiJ9.e30.signature' };
      },
    });

    await useCase.execute('root@example.com', 'correct horse battery staple');

    const [span] = exporter.getFinishedSpans();
    expect(span!.attributes).toEqual({ 'app.use_case': 'EnsureAdmin', 'app.outcome': 'ok' });
    expect(span!.events).toEqual([]);
  });

  it('records a failure with its stable code, keeps the argument attributes and rethrows the error unchanged', async () => {
    const error = new SeatUnavailableError('p-1', ['s-9']);
    const outcomes: string[] = [];
    const useCase = tracedUseCase(
      'HoldSeats',
      {
        async execute(_actor: { memberId: string }, _input: HoldInput): Promise<{ id: string }> {
          throw error;
        },
      },
      { attributes: holdAttributes, onOutcome: (_name, outcome) => outcomes.push(outcome) },
    );

    await expect(useCase.execute({ memberId: 'm-1' }, { performanceId: 'p-1', seatIds: ['s-9'] })).rejects.toBe(error);

    const [span] = exporter.getFinishedSpans();
    expect(span!.status).toEqual({ code: SpanStatusCode.ERROR, message: 'SEAT_UNAVAILABLE' });
    expect(span!.attributes).toMatchObject({ 'app.performance_id': 'p-1', 'app.outcome': 'SEAT_UNAVAILABLE' });
    expect(span!.attributes).not.toHaveProperty('app.reservation_id');
    expect(span!.events.map((event) => event.name)).toEqual(['exception']);
    expect(outcomes).toEqual(['SEAT_UNAVAILABLE']);
  });

  it('builds no attributes for a span that is not recorded, and still reports the outcome', async () => {
    const built: string[] = [];
    const outcomes: string[] = [];
    const useCase = tracedUseCase(
      'Unsampled',
      { execute: async (id: string) => ({ id }) },
      {
        attributes: {
          fromArguments: (id: string) => (built.push('arguments'), { 'app.id': id }),
          fromResult: (result: { id: string }) => (built.push('result'), { 'app.id': result.id }),
        } satisfies SpanAttributesOf<[string], { id: string }>,
        onOutcome: (_name, outcome) => outcomes.push(outcome),
      },
    );

    await expect(useCase.execute('x-1')).resolves.toEqual({ id: 'x-1' });

    expect(exporter.getFinishedSpans()).toEqual([]);
    expect(built).toEqual([]);
    expect(outcomes).toEqual(['ok']);
  });

  it('answers the caller even when a listed attribute cannot be built', async () => {
    const useCase = tracedUseCase(
      'GetSeatMap',
      { execute: async (_performanceId: string | undefined) => 'seat map' },
      {
        attributes: {
          fromArguments: (performanceId: string | undefined) => ({ 'app.performance_id': performanceId!.trim() }),
        } satisfies SpanAttributesOf<[string | undefined]>,
      },
    );

    await expect(useCase.execute(undefined)).resolves.toBe('seat map');

    const [span] = exporter.getFinishedSpans();
    expect(span!.attributes).toEqual({
      'app.use_case': 'GetSeatMap',
      'app.attributes_failed': true,
      'app.outcome': 'ok',
    });
  });

  /** A use case that notes which span the work below it would find as its parent. */
  const probe = (seen: { spanInside?: unknown }) => ({
    async execute(_actor: { memberId: string }, input: HoldInput) {
      seen.spanInside = trace.getSpan(context.active());
      return { id: `r-${input.seatIds.length}` };
    },
  });

  it('starts no span at all for a request left out at the edge, and still reports the outcome', async () => {
    const outcomes: string[] = [];
    const seen: { spanInside?: unknown } = {};
    const useCase = tracedUseCase('HoldSeats', probe(seen), {
      attributes: holdAttributes,
      onOutcome: (_name, outcome) => outcomes.push(outcome),
    });

    const answer = await context.with(suppressTracing(ROOT_CONTEXT), () =>
      useCase.execute({ memberId: 'm-1' }, { performanceId: 'p-1', seatIds: ['a'] }),
    );

    expect(answer).toEqual({ id: 'r-1' });
    expect(started).toEqual([]);
    expect(seen.spanInside).toBeUndefined();
    expect(outcomes).toEqual(['ok']);
  });

  it('starts no span under a parent that records nothing', async () => {
    const seen: { spanInside?: unknown } = {};
    const useCase = tracedUseCase('HoldSeats', probe(seen));
    const unsampledParent = trace.getTracer('test').startSpan('usecase Unsampled');
    started.length = 0;

    await context.with(trace.setSpan(ROOT_CONTEXT, unsampledParent), () =>
      useCase.execute({ memberId: 'm-1' }, { performanceId: 'p-1', seatIds: ['a'] }),
    );

    expect(started).toEqual([]);
    expect(seen.spanInside).toBe(unsampledParent);
  });

  it('runs a background job the sampler declined outside its root, so the work below finds no parent', async () => {
    const seen: { spanInside?: unknown } = {};
    const job = tracedUseCase('Unsampled', probe(seen));

    await job.execute({ memberId: 'm-1' }, { performanceId: 'p-1', seatIds: ['a'] });

    expect(started).toEqual(['usecase Unsampled']);
    expect(seen.spanInside).toBeUndefined();
    expect(exporter.getFinishedSpans()).toEqual([]);
  });

  it('gives a use case inside a recorded request a child span of that request', async () => {
    const seen: { spanInside?: unknown } = {};
    const useCase = tracedUseCase('HoldSeats', probe(seen));
    const request = trace.getTracer('test').startSpan('POST /api/v1/reservations');

    await context.with(trace.setSpan(ROOT_CONTEXT, request), () =>
      useCase.execute({ memberId: 'm-1' }, { performanceId: 'p-1', seatIds: ['a'] }),
    );
    request.end();

    const [useCaseSpan] = exporter.getFinishedSpans();
    expect(useCaseSpan!.name).toBe('usecase HoldSeats');
    expect(useCaseSpan!.parentSpanContext?.spanId).toBe(request.spanContext().spanId);
    expect((seen.spanInside as typeof request).spanContext().spanId).toBe(useCaseSpan!.spanContext().spanId);
  });
});
