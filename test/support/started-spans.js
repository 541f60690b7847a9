// Loaded with `--require` into a traced service under test. Appends one line per span the
// SDK is asked to start, recorded or not (a non-recording span is still an object, a context
// and attributes built for nothing): "<trace id> recorded|unrecorded root|child "<name>"".
// A span asked for under suppressed tracing gets the all-zero trace id.
const { appendFileSync } = require('node:fs');
const api = require('@opentelemetry/api');
const { Tracer } = require('@opentelemetry/sdk-trace-base/build/src/Tracer');

const file = process.env.STARTED_SPANS_FILE;
const startSpan = Tracer.prototype.startSpan;
Tracer.prototype.startSpan = function startSpanCounted(name, options, parentContext) {
  const span = startSpan.call(this, name, options, parentContext);
  const parent = api.trace.getSpan(parentContext ?? api.context.active());
  const line = `${span.spanContext().traceId} ${span.isRecording() ? 'recorded' : 'unrecorded'} ${parent ? 'child' : 'root'} ${JSON.stringify(name)}\n`;
  appendFileSync(file, line);
  return span;
};
