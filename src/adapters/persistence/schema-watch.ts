export type SchemaStatus = 'current' | 'behind';

export interface SchemaWatchOptions {
  /** How long an answer is reused: every balancer probes every few seconds. */
  readonly maxAgeMs: number;
  /** Milliseconds, for tests; Date.now by default. */
  readonly now?: () => number;
  /** Told when the status changes, with the migrations then missing (none when current again). */
  readonly onChange?: (status: SchemaStatus, missing: readonly string[]) => void;
}

/**
 * Whether the database still has every migration this build needs, for the readiness probe.
 * It starts `current` (start-up refuses a database that is behind) and asks again at most
 * once per `maxAgeMs`; concurrent probes share one check. A check that fails (MySQL down,
 * which the probe's own MySQL check reports) keeps the last answer and is retried by the
 * next probe.
 */
export class SchemaWatch {
  private status: SchemaStatus = 'current';
  private checkedAt: number;
  private running: Promise<void> | undefined;
  private readonly now: () => number;

  constructor(
    private readonly missingMigrations: () => Promise<readonly string[]>,
    private readonly options: SchemaWatchOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.checkedAt = this.now();
  }

  async current(): Promise<SchemaStatus> {
    if (this.now() - this.checkedAt < this.options.maxAgeMs) return this.status;
    this.running ??= this.refresh().finally(() => {
      this.running = undefined;
    });
    await this.running;
    return this.status;
  }

  private async refresh(): Promise<void> {
    let missing: readonly string[];
    try {
      missing = await this.missingMigrations();
    } catch {
      return;
    }
    this.checkedAt = this.now();
    const status: SchemaStatus = missing.length === 0 ? 'current' : 'behind';
    if (status === this.status) return;
    this.status = status;
    this.options.onChange?.(status, missing);
  }
}
