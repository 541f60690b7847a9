import type { SpanRecord } from '../../src/adapters/telemetry/file-span.exporter';

/** One line of the call tree: a span name under its ancestors' names, aggregated over traces. */
export interface CallTreeNode {
  readonly path: readonly string[];
  readonly name: string;
  readonly depth: number;
  /** Traces of the endpoint in which this node appears. */
  readonly traces: number;
  /** Calls per trace, averaged over the traces that have it. */
  readonly callsPerTrace: number;
  readonly selfP50Ms: number;
  readonly selfP95Ms: number;
  readonly totalP50Ms: number;
  readonly totalP95Ms: number;
  /** This node's self time as a share of all the endpoint's time. */
  readonly selfShare: number;
}

export interface EndpointReport {
  readonly endpoint: string;
  readonly traces: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly errors: number;
  readonly tree: readonly CallTreeNode[];
  /** Span names by self time, largest first: where the time goes. */
  readonly hotspots: readonly { name: string; selfShare: number; selfP95Ms: number }[];
}

const SERVER_KIND = 1;

/**
 * Pinpoint's call tree, in text: for every endpoint, the spans under its requests grouped by
 * their path of names, each with its self time (its duration minus the time covered by its
 * children), so a wait — for a pooled connection, say — stands out as its own line.
 */
export function buildTraceReport(spans: readonly SpanRecord[]): EndpointReport[] {
  const byTrace = new Map<string, SpanRecord[]>();
  for (const span of spans) {
    const list = byTrace.get(span.traceId) ?? [];
    list.push(span);
    byTrace.set(span.traceId, list);
  }

  const endpoints = new Map<string, { roots: SpanRecord[]; nodes: Map<string, NodeAccumulator> }>();
  for (const traceSpans of byTrace.values()) {
    const ids = new Set(traceSpans.map((span) => span.spanId));
    const children = new Map<string, SpanRecord[]>();
    for (const span of traceSpans) {
      if (span.parentSpanId && ids.has(span.parentSpanId)) {
        const list = children.get(span.parentSpanId) ?? [];
        list.push(span);
        children.set(span.parentSpanId, list);
      }
    }
    for (const root of traceSpans.filter(
      (span) => span.kind === SERVER_KIND && !(span.parentSpanId && ids.has(span.parentSpanId)),
    )) {
      const endpoint = endpointOf(root, children);
      const entry = endpoints.get(endpoint) ?? { roots: [] as SpanRecord[], nodes: new Map<string, NodeAccumulator>() };
      entry.roots.push(root);
      const perTrace = new Map<string, { self: number; total: number; calls: number; name: string; path: string[] }>();
      walk(root, [], children, perTrace);
      for (const [key, sample] of perTrace) {
        const node = entry.nodes.get(key) ?? new NodeAccumulator(sample.path, sample.name);
        node.add(sample.self, sample.total, sample.calls);
        entry.nodes.set(key, node);
      }
      endpoints.set(endpoint, entry);
    }
  }

  return [...endpoints.entries()]
    .map(([endpoint, { roots, nodes }]) => {
      const durations = roots.map((root) => root.durationUs / 1000);
      const allTime = durations.reduce((sum, value) => sum + value, 0) || 1;
      const tree = [...nodes.values()].sort((a, b) => (a.key < b.key ? -1 : 1)).map((node) => node.summarize(allTime));
      const selfByName = new Map<string, { self: number; p95: number }>();
      for (const node of tree) {
        const entry = selfByName.get(node.name) ?? { self: 0, p95: 0 };
        entry.self += node.selfShare;
        entry.p95 = Math.max(entry.p95, node.selfP95Ms);
        selfByName.set(node.name, entry);
      }
      return {
        endpoint,
        traces: roots.length,
        p50Ms: percentile(durations, 50),
        p95Ms: percentile(durations, 95),
        errors: roots.filter(
          (root) =>
            root.status === 2 ||
            Number(root.attributes['http.response.status_code'] ?? root.attributes['http.status_code'] ?? 0) >= 500,
        ).length,
        tree,
        hotspots: [...selfByName.entries()]
          .map(([name, entry]) => ({ name, selfShare: entry.self, selfP95Ms: entry.p95 }))
          .sort((a, b) => b.selfShare - a.selfShare)
          .slice(0, 5),
      };
    })
    .sort((a, b) => b.traces - a.traces);
}

class NodeAccumulator {
  readonly key: string;
  readonly self: number[] = [];
  readonly total: number[] = [];
  calls = 0;

  constructor(
    readonly path: string[],
    readonly name: string,
  ) {
    this.key = path.join('\u0000');
  }

  add(selfMs: number, totalMs: number, calls: number): void {
    this.self.push(selfMs);
    this.total.push(totalMs);
    this.calls += calls;
  }

  summarize(allTimeMs: number): CallTreeNode {
    return {
      path: this.path,
      name: this.name,
      depth: this.path.length - 1,
      traces: this.self.length,
      callsPerTrace: this.calls / this.self.length,
      selfP50Ms: percentile(this.self, 50),
      selfP95Ms: percentile(this.self, 95),
      totalP50Ms: percentile(this.total, 50),
      totalP95Ms: percentile(this.total, 95),
      selfShare: this.self.reduce((sum, value) => sum + value, 0) / allTimeMs,
    };
  }
}

function walk(
  span: SpanRecord,
  ancestors: string[],
  children: Map<string, SpanRecord[]>,
  perTrace: Map<string, { self: number; total: number; calls: number; name: string; path: string[] }>,
): void {
  const name = normalizeName(span.name);
  const path = [...ancestors, name];
  const key = path.join('\u0000');
  const kids = children.get(span.spanId) ?? [];
  const selfMs = (span.durationUs - coveredUs(span, kids)) / 1000;
  const sample = perTrace.get(key) ?? { self: 0, total: 0, calls: 0, name, path };
  sample.self += selfMs;
  sample.total += span.durationUs / 1000;
  sample.calls += 1;
  perTrace.set(key, sample);
  for (const child of kids.sort((a, b) => a.start - b.start)) walk(child, path, children, perTrace);
}

/** Microseconds of the parent covered by at least one child (overlapping children count once). */
function coveredUs(parent: SpanRecord, kids: readonly SpanRecord[]): number {
  const end = parent.start + parent.durationUs;
  const intervals = kids
    .map((kid) => [Math.max(kid.start, parent.start), Math.min(kid.start + kid.durationUs, end)] as const)
    .filter(([from, to]) => to > from)
    .sort((a, b) => a[0] - b[0]);
  let covered = 0;
  let cursorFrom = -Infinity;
  let cursorTo = -Infinity;
  for (const [from, to] of intervals) {
    if (from > cursorTo) {
      if (cursorTo > cursorFrom) covered += cursorTo - cursorFrom;
      cursorFrom = from;
      cursorTo = to;
    } else {
      cursorTo = Math.max(cursorTo, to);
    }
  }
  if (cursorTo > cursorFrom) covered += cursorTo - cursorFrom;
  return covered;
}

function endpointOf(root: SpanRecord, children: Map<string, SpanRecord[]>): string {
  const method = String(
    root.attributes['http.request.method'] ?? root.attributes['http.method'] ?? root.name.split(' ')[0],
  );
  let route = root.attributes['http.route'];
  if (typeof route !== 'string') {
    // Koa's router layer knows the pattern when the HTTP span does not.
    const stack = [...(children.get(root.spanId) ?? [])];
    while (stack.length > 0 && typeof route !== 'string') {
      const span = stack.shift()!;
      if (typeof span.attributes['http.route'] === 'string') route = span.attributes['http.route'];
      stack.push(...(children.get(span.spanId) ?? []));
    }
  }
  return `${method} ${typeof route === 'string' ? route : String(root.attributes['url.path'] ?? root.attributes['http.target'] ?? '?')}`;
}

/** SQL text and ids vary per request; the report groups by shape. */
export function normalizeName(name: string): string {
  return name
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, ':id')
    .replace(/'(?:[^'\\]|\\.)*'/g, '?')
    .replace(/\b\d+\b/g, '?')
    .replace(/\(\s*\?(?:\s*,\s*\?)+\s*\)/g, '(?…)')
    .replace(/\s+/g, ' ')
    .slice(0, 90);
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))]!;
}

export function renderTraceReport(reports: readonly EndpointReport[]): string {
  const lines: string[] = [];
  for (const report of reports) {
    lines.push(
      `${report.endpoint}  —  ${report.traces} traces, p50 ${report.p50Ms.toFixed(1)} ms, p95 ${report.p95Ms.toFixed(1)} ms, ${report.errors} errors`,
    );
    lines.push(
      `  ${'span (call tree)'.padEnd(70)} ${'calls'.padStart(6)} ${'self p50'.padStart(9)} ${'self p95'.padStart(9)} ${'share'.padStart(7)}`,
    );
    for (const node of report.tree) {
      const label = `${'  '.repeat(node.depth)}${node.name}`.slice(0, 70).padEnd(70);
      lines.push(
        `  ${label} ${node.callsPerTrace.toFixed(1).padStart(6)} ${node.selfP50Ms.toFixed(2).padStart(9)} ${node.selfP95Ms.toFixed(2).padStart(9)} ${(node.selfShare * 100).toFixed(1).padStart(6)}%`,
      );
    }
    const top = report.hotspots[0];
    if (top)
      lines.push(
        `  → most time in: ${top.name} (${(top.selfShare * 100).toFixed(1)}% of the endpoint's time, self p95 ${top.selfP95Ms.toFixed(1)} ms)`,
      );
    lines.push('');
  }
  return lines.join('\n');
}
