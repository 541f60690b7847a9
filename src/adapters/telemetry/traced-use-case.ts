import { Attributes, context, Span, SpanStatusCode, trace } from '@opentelemetry/api';
import { insideRecordedTrace, mayStartRoot } from './edge-sampling';

const tracer = trace.getTracer('ticketing-service');

/** Outcome of a use case as operators read it: "ok" or a stable error code. */
export type OutcomeListener = (useCase: string, outcome: string, durationSeconds: number) => void;

/**
 * What the span of one use case may say about a call, chosen value by value: ids, counts,
 * codes. Arguments and results also carry emails, passwords and tokens, and a trace backend
 * is read by more people than the database, so nothing reaches the span unless it is
 * listed here.
 */
export interface SpanAttributesOf<Args extends readonly unknown[] = never[], Result = never> {
  /** Known before the use case runs, so they are there even when it fails. */
  readonly fromArguments?: (...args: Args) => Attributes;
  /** Added once it succeeded. */
  readonly fromResult?: (result: Result) => Attributes;
}

export interface TracedUseCaseOptions {
  /** Without it the span carries only the use case's name and outcome. */
  readonly attributes?: SpanAttributesOf;
  readonly onOutcome?: OutcomeListener;
}

type Execute = (...args: unknown[]) => Promise<unknown>;

/**
 * Wraps a use case so that every `execute` runs inside its own span, named after the use
 * case, carrying its outcome code and the attributes listed for it.
 * Added from the outside (bound in bootstrap), so use cases know nothing of tracing.
 *
 * Only work that is recorded pays for a span: inside a recorded trace (a sampled request) the
 * use case gets a child span; with nothing above it (a background job) it starts a root, which
 * the sampler may decline, and then runs outside it, so Redis and MySQL calls below find no
 * parent either; a request left out at the edge, or under a span that records nothing, runs
 * the use case bare. The outcome is reported to `onOutcome` in every case.
 */
export function tracedUseCase<T extends object>(name: string, useCase: T, options: TracedUseCaseOptions = {}): T {
  const execute = (useCase as { execute?: Execute }).execute;
  if (typeof execute !== 'function') return useCase;
  const { onOutcome } = options;
  const attributes = options.attributes as SpanAttributesOf<unknown[], unknown> | undefined;
  const spanName = `usecase ${name}`;
  const spanOptions = { attributes: { 'app.use_case': name } };
  const wrapped = Object.create(useCase) as T & { execute: Execute };

  const measured = async (args: unknown[], span: Span | undefined): Promise<unknown> => {
    const started = performance.now();
    try {
      const result = await execute.apply(useCase, args);
      if (span) {
        if (attributes?.fromResult) describe(span, () => attributes.fromResult!(result));
        span.setAttribute('app.outcome', 'ok');
      }
      onOutcome?.(name, 'ok', (performance.now() - started) / 1000);
      return result;
    } catch (error) {
      const code = errorCode(error);
      if (span) markFailed(span, error, code);
      onOutcome?.(name, code, (performance.now() - started) / 1000);
      throw error;
    } finally {
      span?.end();
    }
  };

  wrapped.execute = function tracedExecute(...args: unknown[]) {
    const active = context.active();
    if (!insideRecordedTrace(active) && !mayStartRoot(active)) return measured(args, undefined);
    const span = tracer.startSpan(spanName, spanOptions, active);
    // A root the sampler declined records nothing: no attributes, and no context to carry.
    if (!span.isRecording()) {
      span.end();
      return measured(args, undefined);
    }
    if (attributes?.fromArguments) describe(span, () => attributes.fromArguments!(...args));
    return context.with(trace.setSpan(active, span), () => measured(args, span));
  };
  return wrapped;
}

/** A mapping that throws costs the span its attributes, never the caller its answer. */
function describe(span: Span, attributes: () => Attributes): void {
  try {
    span.setAttributes(attributes());
  } catch {
    span.setAttribute('app.attributes_failed', true);
  }
}

function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[A-Z_]+$/.test(code) ? code : 'INTERNAL_ERROR';
}

function markFailed(span: Span, error: unknown, code: string): void {
  span.setAttribute('app.outcome', code);
  span.setAttribute('error.type', code);
  if (error instanceof Error) span.recordException(error);
  span.setStatus({ code: SpanStatusCode.ERROR, message: code });
}
