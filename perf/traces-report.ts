import { readFileSync } from 'node:fs';
import type { SpanRecord } from '../src/adapters/telemetry/file-span.exporter';
import { buildTraceReport, renderTraceReport } from './lib/trace-report';

/**
 * `npm run traces:report [spans.jsonl]`: per endpoint, the call tree with self times, from
 * spans written by OTEL_TRACES_EXPORTER=file. Add --json for machine-readable output.
 */
const args = process.argv.slice(2);
const file = args.find((arg) => !arg.startsWith('--')) ?? process.env['OTEL_TRACES_FILE'] ?? 'traces/spans.jsonl';
const spans: SpanRecord[] = readFileSync(file, 'utf8')
  .split('\n')
  .filter((line) => line.trim())
  .map((line) => JSON.parse(line) as SpanRecord);
const reports = buildTraceReport(spans);
console.log(args.includes('--json') ? JSON.stringify(reports, null, 2) : renderTraceReport(reports));
