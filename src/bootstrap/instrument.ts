import { startTracing } from '../adapters/telemetry/tracing';

/**
 * Imported first by main.ts: OpenTelemetry patches koa, mysql2, knex and ioredis as they
 * are required, so it must be running before anything requires them.
 */
export const tracing = startTracing();
