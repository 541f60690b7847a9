import { Attributes, Span, SpanStatusCode, trace } from '@opentelemetry/api';

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
 */
export function tracedUseCase<T extends object>(name: string, useCase: T, options: TracedUseCaseOptions = {}): T {
  const execute = (useCase as { execute?: Execute }).execute;
  if (typeof execute !== 'function') return useCase;
  const { onOutcome } = options;
  const attributes = options.attributes as SpanAttributesOf<unknown[], unknown> | undefined;
  const wrapped = Object.create(useCase) as T & { execute: Execute };
  wrapped.execute = function tracedExecute(...args: unknown[]) {
    const started = performance.now();
    return tracer.startActiveSpan(`usecase ${name}`, { attributes: { 'app.use_case': name } }, async (span) => {
      // An unsampled span records nothing: building its attributes would be wasted work.
      const recording = span.isRecording();
      if (recording && attributes?.fromArguments) describe(span, () => attributes.fromArguments!(...args));
      try {
        const result = await execute.apply(useCase, args);
        if (recording && attributes?.fromResult) describe(span, () => attributes.fromResult!(result));
        span.setAttribute('app.outcome', 'ok');
        onOutcome?.(name, 'ok', (performance.now() - started) / 1000);
        return result;
      } catch (error) {
        const code = errorCode(error);
        markFailed(span, error, code);
        onOutcome?.(name, code, (performance.now() - started) / 1000);
        throw error;
      } finally {
        span.end();
      }
    });
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
