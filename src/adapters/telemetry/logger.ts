import { trace } from '@opentelemetry/api';
import pino, { Logger } from 'pino';

/**
 * Structured JSON logs. Anything that could carry a secret or a person's address is
 * redacted by path, as a second line of defence behind simply never logging bodies.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: process.env['OTEL_SERVICE_NAME'] ?? 'ticketing-service' },
      timestamp: pino.stdTimeFunctions.isoTime,
      // Every line written inside a traced request carries its trace id, so a user's failed
      // request can be found from a log line, and the trace from the log.
      mixin() {
        const span = trace.getActiveSpan();
        if (!span) return {};
        const { traceId, spanId } = span.spanContext();
        return { traceId, spanId };
      },
      formatters: { level: (label) => ({ level: label }) },
      redact: {
        paths: [
          'password',
          '*.password',
          'passwordHash',
          '*.passwordHash',
          'accessToken',
          '*.accessToken',
          'authorization',
          '*.authorization',
          'headers.authorization',
          'req.headers.authorization',
          'email',
          '*.email',
        ],
        censor: '[redacted]',
      },
    },
    destination,
  );
}
