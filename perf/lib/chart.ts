import type { SecondBucket } from './latency';

const WIDTH = 960;
const PLOT_LEFT = 70;
const PLOT_RIGHT = WIDTH - 20;
const FONT = 'font-family="DejaVu Sans, Arial, sans-serif"';
const COLORS = {
  p50: '#1f77b4',
  p95: '#ff7f0e',
  p99: '#d62728',
  ok: '#2ca02c',
  failed: '#d62728',
  grid: '#e5e5e5',
  text: '#333',
};

/** 1, 2, 5 × 10^n: a round axis maximum at or above `value`. */
function niceMax(value: number): number {
  if (value <= 0) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  return ([1, 2, 2.5, 5, 10].find((step) => step * magnitude >= value) ?? 10) * magnitude;
}

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

interface TextStyle {
  readonly size?: number;
  readonly anchor?: 'start' | 'middle' | 'end';
  readonly bold?: boolean;
}

function text(x: number, y: number, content: string, style: TextStyle = {}): string {
  const weight = style.bold ? ' font-weight="bold"' : '';
  return `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" ${FONT} font-size="${style.size ?? 12}" text-anchor="${style.anchor ?? 'start'}"${weight} fill="${COLORS.text}">${escape(content)}</text>`;
}

interface Panel {
  readonly top: number;
  readonly height: number;
  readonly max: number;
  readonly unit: string;
}

function axes(panel: Panel, seconds: number, title: string, step: number): string[] {
  const parts = [text(PLOT_LEFT, panel.top - 8, title, { bold: true })];
  for (let tick = 0; tick <= 4; tick++) {
    const value = (panel.max / 4) * tick;
    const y = panel.top + panel.height - (panel.height * tick) / 4;
    parts.push(`<line x1="${PLOT_LEFT}" x2="${PLOT_RIGHT}" y1="${y}" y2="${y}" stroke="${COLORS.grid}"/>`);
    parts.push(text(PLOT_LEFT - 6, y + 4, `${Number(value.toPrecision(3))}${panel.unit}`, { anchor: 'end' }));
  }
  const every = step * Math.max(1, Math.ceil(seconds / step / 15));
  for (let tick = 0; tick * every <= seconds + 1e-9; tick++) {
    const second = tick * every;
    parts.push(
      text(xOf(second, seconds), panel.top + panel.height + 16, `${Number(second.toFixed(2))}s`, { anchor: 'middle' }),
    );
  }
  parts.push(
    `<rect x="${PLOT_LEFT}" y="${panel.top}" width="${PLOT_RIGHT - PLOT_LEFT}" height="${panel.height}" fill="none" stroke="#999"/>`,
  );
  return parts;
}

function xOf(second: number, seconds: number): number {
  return PLOT_LEFT + ((PLOT_RIGHT - PLOT_LEFT) * second) / seconds;
}

/**
 * A run at a glance: latency percentiles per time bucket (top) and answers per second,
 * split into successes and failures (bottom). Plain SVG, no library. Buckets are a second
 * long unless `bucketSeconds` says otherwise (a sale that sells out in a second).
 */
export function timeSeriesChart(
  title: string,
  subtitle: string,
  buckets: readonly SecondBucket[],
  bucketSeconds = 1,
): string {
  const seconds = Math.max(bucketSeconds, buckets.length * bucketSeconds);
  const bucketName = bucketSeconds === 1 ? 'second' : `${Math.round(bucketSeconds * 1000)} ms`;
  const latency: Panel = {
    top: 70,
    height: 220,
    max: niceMax(Math.max(...buckets.map((bucket) => bucket.p99Ms), 1)),
    unit: ' ms',
  };
  const throughput: Panel = {
    top: 350,
    height: 170,
    max: niceMax(Math.max(...buckets.map((bucket) => bucket.count / bucketSeconds), 1)),
    unit: '/s',
  };
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="570" viewBox="0 0 ${WIDTH} 570">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    text(PLOT_LEFT, 24, title, { size: 16, bold: true }),
    text(PLOT_LEFT, 44, subtitle),
    ...axes(latency, seconds, `Latency per ${bucketName} (p50, p95, p99)`, bucketSeconds),
    ...axes(
      throughput,
      seconds,
      `Answers per second, per ${bucketName} (green: success, red: error or refusal)`,
      bucketSeconds,
    ),
  ];
  const center = (second: number) => xOf(second + bucketSeconds / 2, seconds);
  for (const key of ['p50', 'p95', 'p99'] as const) {
    const points = buckets
      .filter((bucket) => bucket.count > 0)
      .map(
        (bucket) =>
          `${center(bucket.second).toFixed(1)},${(latency.top + latency.height - (latency.height * Math.min(bucket[`${key}Ms`], latency.max)) / latency.max).toFixed(1)}`,
      );
    parts.push(`<polyline points="${points.join(' ')}" fill="none" stroke="${COLORS[key]}" stroke-width="2"/>`);
  }
  ['p50', 'p95', 'p99'].forEach((key, index) => {
    const x = PLOT_RIGHT - 200 + index * 65;
    parts.push(
      `<line x1="${x}" x2="${x + 18}" y1="${latency.top - 12}" y2="${latency.top - 12}" stroke="${COLORS[key as 'p50']}" stroke-width="3"/>`,
    );
    parts.push(text(x + 22, latency.top - 8, key));
  });
  const barWidth = Math.max(1, ((PLOT_RIGHT - PLOT_LEFT) * bucketSeconds) / seconds - 2);
  for (const bucket of buckets) {
    const scale = (value: number) => (throughput.height * value) / bucketSeconds / throughput.max;
    const x = xOf(bucket.second, seconds) + 1;
    const base = throughput.top + throughput.height;
    parts.push(
      `<rect x="${x.toFixed(1)}" y="${(base - scale(bucket.ok)).toFixed(1)}" width="${barWidth.toFixed(1)}" height="${scale(bucket.ok).toFixed(1)}" fill="${COLORS.ok}"/>`,
    );
    const failed = bucket.count - bucket.ok;
    if (failed > 0) {
      parts.push(
        `<rect x="${x.toFixed(1)}" y="${(base - scale(bucket.count)).toFixed(1)}" width="${barWidth.toFixed(1)}" height="${scale(failed).toFixed(1)}" fill="${COLORS.failed}"/>`,
      );
    }
  }
  parts.push('</svg>');
  return parts.join('\n');
}

export interface Bar {
  readonly label: string;
  readonly value: number;
  readonly note: string;
}

/** Horizontal bars, one per variant of a comparison, each labelled with its value and a note. */
export function barChart(title: string, subtitle: string, bars: readonly Bar[], unit: string): string {
  const rowHeight = 28;
  const height = 80 + bars.length * rowHeight + 20;
  const labelWidth = 300;
  const max = niceMax(Math.max(...bars.map((bar) => bar.value), 1));
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    text(20, 24, title, { size: 16, bold: true }),
    text(20, 44, subtitle),
  ];
  bars.forEach((bar, index) => {
    const y = 70 + index * rowHeight;
    const width = ((WIDTH - labelWidth - 260) * bar.value) / max;
    parts.push(text(labelWidth - 8, y + 16, bar.label, { anchor: 'end' }));
    parts.push(
      `<rect x="${labelWidth}" y="${y}" width="${width.toFixed(1)}" height="${rowHeight - 8}" fill="${COLORS.p50}"/>`,
    );
    parts.push(text(labelWidth + width + 6, y + 16, `${Number(bar.value.toPrecision(4))}${unit}  ${bar.note}`));
  });
  parts.push('</svg>');
  return parts.join('\n');
}

export interface Series {
  readonly name: string;
  readonly color: string;
  /** [x in seconds, y] in x order. */
  readonly points: readonly (readonly [number, number])[];
}

export interface LinePanel {
  readonly title: string;
  readonly unit: string;
  readonly series: readonly Series[];
}

/** Stacked panels of lines over a shared time axis (seconds): a simulation's curves. */
export function lineChart(title: string, subtitle: string, panels: readonly LinePanel[]): string {
  const panelHeight = 200;
  const gap = 80;
  const height = 70 + panels.length * (panelHeight + gap);
  const seconds = Math.max(
    1,
    ...panels.flatMap((panel) => panel.series.flatMap((line) => line.points.map(([x]) => x))),
  );
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    text(PLOT_LEFT, 24, title, { size: 16, bold: true }),
    text(PLOT_LEFT, 44, subtitle),
  ];
  panels.forEach((linePanel, index) => {
    const panel: Panel = {
      top: 80 + index * (panelHeight + gap),
      height: panelHeight,
      max: niceMax(Math.max(1, ...linePanel.series.flatMap((line) => line.points.map(([, y]) => y)))),
      unit: linePanel.unit,
    };
    parts.push(...axes(panel, seconds, linePanel.title, 60));
    const yOf = (value: number) => panel.top + panel.height - (panel.height * Math.min(value, panel.max)) / panel.max;
    linePanel.series.forEach((line, position) => {
      const points = line.points.map(([x, y]) => `${xOf(x, seconds).toFixed(1)},${yOf(y).toFixed(1)}`);
      parts.push(`<polyline points="${points.join(' ')}" fill="none" stroke="${line.color}" stroke-width="2"/>`);
      const x = PLOT_RIGHT - 260 + position * 130;
      parts.push(
        `<line x1="${x}" x2="${x + 18}" y1="${panel.top - 12}" y2="${panel.top - 12}" stroke="${line.color}" stroke-width="3"/>`,
      );
      parts.push(text(x + 22, panel.top - 8, line.name));
    });
  });
  parts.push('</svg>');
  return parts.join('\n');
}
