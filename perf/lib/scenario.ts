import type { AuditResult } from '../../testkit/audit';

/** What a scenario hands to perf/run.ts: results to write, and whether its audit passed. */
export interface ScenarioOutcome {
  /** Results file name: perf/results/<date>-<name>.* */
  readonly name: string;
  readonly json: Record<string, unknown>;
  readonly markdown: string;
  readonly svg?: string;
  readonly text?: string;
  readonly passed: boolean;
}

export function failedAudits(...audits: (AuditResult | undefined)[]): boolean {
  return audits.some((result) => result !== undefined && !result.passed);
}

export function ratio(value: number, baseline: number): number {
  return baseline === 0 ? 0 : Math.round((value / baseline) * 1000) / 1000;
}
