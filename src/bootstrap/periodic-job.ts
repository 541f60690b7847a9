/** Work every instance repeats on a timer; the application starts and stops it. */
export interface PeriodicJob {
  readonly intervalMs: number;
  /** Returns how much it did; a positive count is logged as `{ [countField]: count }, doneMessage`. */
  run(): Promise<number>;
  readonly countField: string;
  readonly doneMessage: string;
  readonly failedMessage: string;
}
