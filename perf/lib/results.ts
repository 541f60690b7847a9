import { execFileSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { formatAudit, type AuditResult } from '../../testkit/audit';
import type { CpuReport } from './cpu';
import type { LatencySummary } from './latency';
import { REPO_ROOT, RESULTS_DIR } from './environment';

export interface Machine {
  readonly cpus: number;
  readonly model: string;
  readonly memoryGiB: number;
  readonly node: string;
  readonly mariadb: string;
  readonly redis: string;
}

export function machine(): Machine {
  const version = (command: string, args: string[]) => {
    try {
      return execFileSync(command, args).toString().trim().split('\n')[0]!;
    } catch {
      return 'unknown';
    }
  };
  return {
    cpus: cpus().length,
    model: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    mariadb: version('mariadbd', ['--version']),
    redis: version('redis-server', ['--version']),
  };
}

/** Which code was measured: the commit, and the files of src/ changed on top of it (others' work in progress). */
export function provenance(): { commit: string; uncommittedSrc: string[]; serviceEntry: string } {
  const git = (...args: string[]) => {
    try {
      return execFileSync('git', args, { cwd: REPO_ROOT }).toString().trim();
    } catch {
      return '';
    }
  };
  return {
    commit: git('rev-parse', '--short', 'HEAD'),
    uncommittedSrc: git('status', '--porcelain', '--', 'src')
      .split('\n')
      .filter(Boolean)
      .map((line) => line.slice(3)),
    serviceEntry: process.env['PERF_SERVICE_ENTRY'] ?? 'dist/bootstrap/main.js (npm run build of the working tree)',
  };
}

export function today(): string {
  const now = new Date();
  return `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-${String(now.getDate()).padStart(2, '0')}`;
}

/** perf/results/<date>-<name>.json, .md and .svg; answers the paths written. */
export function writeResults(
  name: string,
  files: { json: unknown; markdown: string; svg?: string; text?: string },
): string[] {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const base = join(RESULTS_DIR, `${today()}-${name}`);
  const written: string[] = [];
  const write = (extension: string, text: string) => {
    // Reports are committed: paths in them (a spans file, say) are named from the repository root.
    const content = text.replaceAll(`${REPO_ROOT}/`, '');
    writeFileSync(`${base}.${extension}`, content.endsWith('\n') ? content : `${content}\n`);
    written.push(relative(REPO_ROOT, `${base}.${extension}`));
  };
  write('json', JSON.stringify(files.json, null, 2));
  write('md', files.markdown);
  if (files.svg) write('svg', files.svg);
  if (files.text) write('txt', files.text);
  return written;
}

/** The command that produced a result, as it can be typed again. */
export function commandLine(script: string): string {
  const args = process.argv.slice(2).filter((arg) => arg.startsWith('--'));
  return `npm run ${script}${args.length > 0 ? ` -- ${args.join(' ')}` : ''}`;
}

export function latencyRow(label: string, summary: LatencySummary): string {
  return `| ${label} | ${summary.count} | ${summary.meanMs} | ${summary.p50Ms} | ${summary.p95Ms} | ${summary.p99Ms} | ${summary.maxMs} |`;
}

export function latencyTable(rows: readonly [string, LatencySummary][]): string {
  return [
    '| what | count | mean ms | p50 ms | p95 ms | p99 ms | max ms |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map(([label, summary]) => latencyRow(label, summary)),
  ].join('\n');
}

export function cpuTable(cpu: CpuReport): string {
  return [
    `CPU over ${cpu.wallSeconds} s of load (seconds, and cores kept busy on average; the machine has ${cpus().length}):`,
    '',
    '| process | CPU s | cores |',
    '| --- | ---: | ---: |',
    ...Object.keys(cpu.seconds).map((group) => `| ${group} | ${cpu.seconds[group]} | ${cpu.cores[group]} |`),
  ].join('\n');
}

export function auditSection(result: AuditResult): string {
  return [`Audit: **${result.passed ? 'PASSED' : 'FAILED'}**`, '', '```', formatAudit(result), '```'].join('\n');
}

export function machineLine(info: Machine = machine()): string {
  return `${info.cpus} × ${info.model}, ${info.memoryGiB} GiB, Node ${info.node}, ${info.mariadb}, ${info.redis}`;
}
