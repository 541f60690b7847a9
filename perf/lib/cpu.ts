import { readdirSync, readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

const TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

/** utime + stime of one process (all its threads), in seconds; 0 once it is gone. */
export function processCpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which may itself contain spaces and parentheses.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** Pids whose command name is exactly `name` (as `pgrep -x` would find them). */
export function pidsNamed(name: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === name) pids.push(Number(entry));
    } catch {
      // The process exited while we looked.
    }
  }
  return pids;
}

/** Busy CPU seconds of the whole machine (every core), from /proc/stat. */
function machineBusySeconds(): number {
  const [, ...values] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/);
  const [user, nice, system, , , irq, softirq, steal] = values.map(Number);
  return (user! + nice! + system! + irq! + softirq! + steal!) / TICKS_PER_SECOND;
}

export type CpuGroups = Record<string, () => readonly number[]>;

export interface CpuReport {
  readonly wallSeconds: number;
  /** CPU seconds per group, plus `machine` (all busy time) and `other` (machine minus groups). */
  readonly seconds: Record<string, number>;
  /** Seconds / wall seconds: how many cores each group kept busy on average. */
  readonly cores: Record<string, number>;
}

/**
 * CPU seconds used by each group of processes between start() and stop(). On two cores the
 * load generator competes with the service for the same CPU, so its share is part of the result.
 * Pids are looked up at both ends, so processes started or ended in between are counted.
 */
export class CpuMeter {
  #before = new Map<number, number>();
  #machineBefore = 0;
  #started = 0;

  constructor(private readonly groups: CpuGroups) {}

  start(): void {
    this.#started = performance.now();
    this.#machineBefore = machineBusySeconds();
    this.#before = new Map(this.allPids().map((pid) => [pid, processCpuSeconds(pid)]));
  }

  stop(): CpuReport {
    const wallSeconds = (performance.now() - this.#started) / 1000;
    const seconds: Record<string, number> = {};
    let counted = 0;
    for (const [group, pids] of Object.entries(this.groups)) {
      const used = [...new Set(pids())].reduce(
        (sum, pid) => sum + processCpuSeconds(pid) - (this.#before.get(pid) ?? 0),
        0,
      );
      seconds[group] = round(used);
      counted += used;
    }
    const machine = machineBusySeconds() - this.#machineBefore;
    seconds['machine'] = round(machine);
    seconds['other'] = round(Math.max(0, machine - counted));
    const cores = Object.fromEntries(
      Object.entries(seconds).map(([group, used]) => [group, round(used / wallSeconds)]),
    );
    return { wallSeconds: round(wallSeconds), seconds, cores };
  }

  private allPids(): number[] {
    return Object.values(this.groups).flatMap((pids) => pids());
  }
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

let quietWaitMs = 45_000;

/** How long waitForQuiet may wait (`--quiet-wait=<seconds>`; 0 for CI, where nothing else runs). */
export function setQuietWait(seconds: number): void {
  quietWaitMs = seconds * 1000;
}

/**
 * Waits (at most the quiet-wait time) until the machine is nearly idle, so a measurement does
 * not start while someone else's build or test run holds the CPU. Answers the busy cores seen last.
 */
export async function waitForQuiet(maxBusyCores = 0.35, maxWaitMs = quietWaitMs): Promise<number> {
  if (maxWaitMs <= 0) return 0;
  const deadline = Date.now() + maxWaitMs;
  for (;;) {
    const before = machineBusySeconds();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const busy = machineBusySeconds() - before;
    if (busy <= maxBusyCores || Date.now() > deadline) {
      if (busy > maxBusyCores)
        console.warn(`machine still busy (${busy.toFixed(2)} cores used by others); measuring anyway`);
      return busy;
    }
  }
}
