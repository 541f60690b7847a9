import { Attributes, Span, SpanStatusCode, trace } from '@opentelemetry/api';

const tracer = trace.getTracer('ticketing-service');

/** Outcome of a use case as operators read it: "ok" or a stable error code. */
export type OutcomeListener = (useCase: string, outcome: string, durationSeconds: number) => void;

/**
 * Wraps a use case so that every `execute` runs inside its own span, named after the use
 * case, carrying what an operator filters on: performance, seat count, outcome code.
 * Added from the outside (bound in bootstrap), so use cases know nothing of tracing.
 */
export function tracedUseCase<T extends object>(name: string, useCase: T, onOutcome?: OutcomeListener): T {
  const execute = (useCase as { execute?: (...args: unknown[]) => Promise<unknown> }).execute;
  if (typeof execute !== 'function') return useCase;
  const wrapped = Object.create(useCase) as T & { execute: (...args: unknown[]) => Promise<unknown> };
  wrapped.execute = function tracedExecute(...args: unknown[]) {
    const started = performance.now();
    return tracer.startActiveSpan(
      `usecase ${name}`,
      { attributes: { 'app.use_case': name, ...describe(args) } },
      async (span) => {
        try {
          const result = await execute.apply(useCase, args);
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
      },
    );
  };
  return wrapped;
}

function describe(args: readonly unknown[]): Attributes {
  const attributes: Attributes = {};
  for (const arg of args) {
    if (typeof arg === 'string') attributes['app.resource_id'] = arg;
    if (arg === null || typeof arg !== 'object') continue;
    const record = arg as Record<string, unknown>;
    if (typeof record['performanceId'] === 'string') attributes['app.performance_id'] = record['performanceId'];
    if (Array.isArray(record['seatIds'])) attributes['app.seat_count'] = record['seatIds'].length;
    if (typeof record['memberId'] === 'string') attributes['app.member_id'] = record['memberId'];
  }
  return attributes;
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
