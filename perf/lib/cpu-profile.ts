import { basename } from 'node:path';

/** The parts of a V8 `.cpuprofile` (as `node --cpu-prof` writes it) this analysis reads. */
export interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly startTime: number;
  readonly endTime: number;
  readonly samples?: readonly number[];
  readonly timeDeltas?: readonly number[];
}

interface ProfileNode {
  readonly id: number;
  readonly callFrame: {
    readonly functionName: string;
    readonly url: string;
    readonly lineNumber: number;
    readonly columnNumber: number;
  };
  readonly hitCount?: number;
  readonly children?: readonly number[];
}

/** One function (name + file + line), its own time and its share of the busy (non-idle) time. */
export interface SelfTimeFrame {
  readonly frame: string;
  readonly selfMs: number;
  readonly busyPercent: number;
}

export interface ProfileSummary {
  readonly totalMs: number;
  /** Everything but `(idle)`: the time the process was on a core. */
  readonly busyMs: number;
  readonly top: readonly SelfTimeFrame[];
  /** Busy time by where the code lives: our src/, each node_modules package, node internals, GC… */
  readonly byOrigin: readonly { origin: string; selfMs: number; busyPercent: number }[];
}

const IDLE = '(idle)';

/** `name (file:line)`, short enough to read: node_modules paths from the package on, dist/ paths from src. */
export function frameName(callFrame: ProfileNode['callFrame']): string {
  const name = callFrame.functionName || '(anonymous)';
  if (!callFrame.url) return name;
  return `${name} (${shortUrl(callFrame.url)}:${callFrame.lineNumber + 1})`;
}

function shortUrl(url: string): string {
  const path = url.replace(/^file:\/\//, '');
  const modules = path.lastIndexOf('node_modules/');
  if (modules >= 0) return path.slice(modules + 'node_modules/'.length);
  const dist = path.indexOf('/dist/');
  if (dist >= 0) return path.slice(dist + 1);
  if (path.startsWith('node:')) return path;
  return basename(path);
}

function originOf(callFrame: ProfileNode['callFrame']): string {
  const path = callFrame.url.replace(/^file:\/\//, '');
  if (!path) return callFrame.functionName.startsWith('(') ? callFrame.functionName : '(native)';
  const modules = path.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const rest = path.slice(modules + 'node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  if (path.startsWith('node:')) return 'node internals';
  const dist = path.indexOf('/dist/');
  if (dist >= 0)
    return path
      .slice(dist + 1)
      .split('/')
      .slice(0, 3)
      .join('/');
  return 'other';
}

/** Milliseconds of samples per node id (the node was on top of the stack: its self time). */
function selfTimes(profile: CpuProfile): Map<number, number> {
  const self = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  if (samples.length > 0) {
    // A sample's time is the gap to the next one (the last sample gets the average).
    const average = (profile.endTime - profile.startTime) / samples.length;
    for (let index = 0; index < samples.length; index++) {
      const next = deltas[index + 1];
      const micros = next !== undefined && next >= 0 ? next : average;
      self.set(samples[index]!, (self.get(samples[index]!) ?? 0) + micros / 1000);
    }
    return self;
  }
  const interval = (profile.endTime - profile.startTime) / 1000 / Math.max(1, totalHits(profile));
  for (const node of profile.nodes) self.set(node.id, (node.hitCount ?? 0) * interval);
  return self;
}

function totalHits(profile: CpuProfile): number {
  return profile.nodes.reduce((sum, node) => sum + (node.hitCount ?? 0), 0);
}

export function summarizeProfile(profile: CpuProfile, topCount = 10): ProfileSummary {
  const self = selfTimes(profile);
  const byFrame = new Map<string, number>();
  const byOrigin = new Map<string, number>();
  let totalMs = 0;
  let idleMs = 0;
  for (const node of profile.nodes) {
    const ms = self.get(node.id) ?? 0;
    totalMs += ms;
    if (node.callFrame.functionName === IDLE) {
      idleMs += ms;
      continue;
    }
    const frame = frameName(node.callFrame);
    byFrame.set(frame, (byFrame.get(frame) ?? 0) + ms);
    const origin = originOf(node.callFrame);
    byOrigin.set(origin, (byOrigin.get(origin) ?? 0) + ms);
  }
  const busyMs = totalMs - idleMs;
  const share = (ms: number) => Math.round((ms / Math.max(busyMs, 1e-9)) * 1000) / 10;
  const round = (ms: number) => Math.round(ms * 10) / 10;
  return {
    totalMs: round(totalMs),
    busyMs: round(busyMs),
    top: [...byFrame]
      .sort((a, b) => b[1] - a[1])
      .slice(0, topCount)
      .map(([frame, ms]) => ({ frame, selfMs: round(ms), busyPercent: share(ms) })),
    byOrigin: [...byOrigin]
      .sort((a, b) => b[1] - a[1])
      .map(([origin, ms]) => ({ origin, selfMs: round(ms), busyPercent: share(ms) })),
  };
}

/** A merged call tree: children keyed by frame, so a function called from one place is one box. */
interface FlameNode {
  readonly name: string;
  totalMs: number;
  readonly children: Map<string, FlameNode>;
}

function flameTree(profile: CpuProfile): FlameNode {
  const self = selfTimes(profile);
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const root: FlameNode = { name: 'all (busy)', totalMs: 0, children: new Map() };
  // The profile's root is V8's "(root)": start from its children, leave (idle) out.
  const profileRoot = profile.nodes[0];
  if (!profileRoot) return root;
  const visit = (node: ProfileNode, parent: FlameNode): number => {
    const name = frameName(node.callFrame);
    let flame = parent.children.get(name);
    if (!flame) {
      flame = { name, totalMs: 0, children: new Map() };
      parent.children.set(name, flame);
    }
    let total = self.get(node.id) ?? 0;
    for (const childId of node.children ?? []) {
      const child = byId.get(childId);
      if (child) total += visit(child, flame);
    }
    flame.totalMs += total;
    return total;
  };
  for (const childId of profileRoot.children ?? []) {
    const child = byId.get(childId);
    if (!child || child.callFrame.functionName === IDLE) continue;
    root.totalMs += visit(child, root);
  }
  return root;
}

const escape = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * A self-contained SVG flame graph (no script, no network): the root at the bottom, each box
 * as wide as its function's total time with its callees stacked above; hover for the name,
 * milliseconds and share. Boxes narrower than half a pixel are left out.
 */
export function flameGraphSvg(profile: CpuProfile, title: string): string {
  const root = flameTree(profile);
  const width = 1600;
  const rowHeight = 17;
  const boxes: string[] = [];
  let depthMax = 0;
  const scale = (width - 20) / Math.max(root.totalMs, 1e-9);
  const layout = (node: FlameNode, x: number, depth: number) => {
    const boxWidth = node.totalMs * scale;
    if (boxWidth < 0.5) return;
    depthMax = Math.max(depthMax, depth);
    boxes.push(box(node, x, depth, boxWidth, root.totalMs));
    let childX = x;
    for (const child of [...node.children.values()].sort((a, b) => a.name.localeCompare(b.name))) {
      layout(child, childX, depth + 1);
      childX += child.totalMs * scale;
    }
  };
  layout(root, 10, 0);
  const height = (depthMax + 1) * rowHeight + 60;
  const y = (depth: number) => height - 20 - (depth + 1) * rowHeight;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="monospace" font-size="11">`,
    `<rect width="100%" height="100%" fill="#fdfdf8"/>`,
    `<text x="10" y="20" font-size="14">${escape(title)}</text>`,
    `<text x="10" y="36" fill="#555">${Math.round(root.totalMs)} ms busy; width = total time of the function on that path; hover a box for its figures</text>`,
    ...boxes.map((markup) => markup.replace(/__Y__(\d+)/g, (_m, depth: string) => String(y(Number(depth))))),
    '</svg>',
  ].join('\n');

  function box(node: FlameNode, x: number, depth: number, boxWidth: number, totalMs: number): string {
    const share = Math.round((node.totalMs / Math.max(totalMs, 1e-9)) * 1000) / 10;
    const label = boxWidth > 40 ? node.name.slice(0, Math.floor(boxWidth / 6.6)) : '';
    return (
      `<g><title>${escape(`${node.name}: ${Math.round(node.totalMs)} ms, ${share} %`)}</title>` +
      `<rect x="${x.toFixed(1)}" y="__Y__${depth}" width="${boxWidth.toFixed(1)}" height="${rowHeight - 1}" fill="${colour(node.name)}"/>` +
      (label ? `<text x="${(x + 3).toFixed(1)}" y="__Y__${depth}" dy="12">${escape(label)}</text>` : '') +
      `</g>`
    );
  }
}

/** Warm colours for our code, cool for dependencies, grey for node and V8 internals. */
function colour(name: string): string {
  let hash = 0;
  for (let index = 0; index < name.length; index++) hash = (hash * 31 + name.charCodeAt(index)) | 0;
  const jitter = Math.abs(hash) % 30;
  if (name.includes('(dist/')) return `hsl(${20 + jitter}, 85%, 62%)`;
  if (name.includes('node:') || name.startsWith('(')) return `hsl(0, 0%, ${70 + (jitter % 15)}%)`;
  return `hsl(${190 + jitter}, 55%, 68%)`;
}

export function topFramesTable(summary: ProfileSummary): string {
  return [
    '| # | self-time frame | self ms | % of busy |',
    '| ---: | --- | ---: | ---: |',
    ...summary.top.map(
      (frame, index) => `| ${index + 1} | \`${frame.frame}\` | ${frame.selfMs} | ${frame.busyPercent} |`,
    ),
  ].join('\n');
}

export function originsTable(summary: ProfileSummary, rows = 12): string {
  return [
    '| where | self ms | % of busy |',
    '| --- | ---: | ---: |',
    ...summary.byOrigin.slice(0, rows).map((row) => `| ${row.origin} | ${row.selfMs} | ${row.busyPercent} |`),
  ].join('\n');
}
