import { trace } from '@opentelemetry/api';
import pino, { Logger } from 'pino';

/** Anything that looks like an email address or a JWT, wherever it appears in a text. */
const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+/g;
const JWT = /\beyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g;
/** A webhook signing secret (Standard Webhooks: `whsec_` and base64), e.g. echoed by a failed INSERT. */
const WEBHOOK_SECRET = /\bwhsec_[A-Za-z0-9+/=]+/g;

/** Masks addresses, tokens and webhook secrets in free text: driver errors echo the values of failed statements. */
export function scrub(text: string): string {
  return text.replace(JWT, '[token]').replace(EMAIL, '[email]').replace(WEBHOOK_SECRET, '[webhook-secret]');
}

/** Errors as pino serializes them, with their message and stack scrubbed (and their causes'). */
function scrubbedError(error: unknown): unknown {
  const serialized = pino.stdSerializers.err(error as Error) as unknown;
  return scrubDeep(serialized, 0);
}

function scrubDeep(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return scrub(value);
  if (depth > 4 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((entry) => scrubDeep(entry, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, scrubDeep(entry, depth + 1)]));
}

/**
 * Structured JSON logs. Anything that could carry a secret or a person's address is
 * redacted by path, and errors have addresses and tokens masked in their text, as lines of
 * defence behind simply never logging bodies, headers or URLs.
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
      serializers: { err: scrubbedError },
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
