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
