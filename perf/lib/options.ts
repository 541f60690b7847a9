/**
 * Scenario settings: `--name=value` on the command line wins over `PERF_NAME` in the
 * environment, which wins over the scenario's default. Names are kebab-case on the command
 * line and SCREAMING_SNAKE in the environment (`--duration` / `PERF_DURATION`).
 */
export class Options {
  readonly #flags = new Map<string, string>();

  constructor(
    argv: readonly string[] = process.argv.slice(2),
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {
    for (const arg of argv) {
      const match = /^--([a-z0-9-]+)(?:=(.*))?$/.exec(arg);
      if (match) this.#flags.set(match[1]!, match[2] ?? 'true');
    }
  }

  string(name: string, fallback: string): string {
    return this.#flags.get(name) ?? this.env[`PERF_${name.toUpperCase().replace(/-/g, '_')}`] ?? fallback;
  }

  number(name: string, fallback: number): number {
    const value = Number(this.string(name, String(fallback)));
    if (!Number.isFinite(value)) throw new Error(`--${name} must be a number`);
    return value;
  }

  bool(name: string, fallback: boolean): boolean {
    return ['1', 'true', 'yes'].includes(this.string(name, String(fallback)).toLowerCase());
  }
}
