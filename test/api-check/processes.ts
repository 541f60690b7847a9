import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';

/**
 * The processes one API check starts (the service, Prism proxies, Spectral), each with its
 * output in a log file, and all of them stopped when it ends: SIGTERM, then SIGKILL.
 */
export class OwnedProcesses {
  readonly #running = new Set<ChildProcess>();

  start(name: string, command: string, args: readonly string[], env: NodeJS.ProcessEnv, logFile: string): ChildProcess {
    const log = createWriteStream(logFile);
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.pipe(log);
    child.stderr!.pipe(log);
    this.#running.add(child);
    child.once('exit', () => this.#running.delete(child));
    child.once('error', (error) => log.write(`\n${name} could not start: ${error.message}\n`));
    return child;
  }

  /** Runs a command to its end; its output goes to the log file, and is returned. */
  async run(command: string, args: readonly string[], logFile: string, timeoutMs: number): Promise<number> {
    const child = this.start(command, command, args, process.env, logFile);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    try {
      return await new Promise<number>((resolve, reject) => {
        child.once('error', reject);
        child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
      });
    } finally {
      clearTimeout(timer);
    }
  }

  async stopAll(): Promise<void> {
    const stopping = [...this.#running].map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
          child.once('exit', () => {
            clearTimeout(killer);
            resolve();
          });
          child.kill('SIGTERM');
        }),
    );
    await Promise.all(stopping);
  }
}

/** Polls `url` until it answers 2xx, the process exits, or `timeoutMs` passes. */
export async function waitUntilAnswering(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${url}: the process exited with ${child.exitCode} before answering`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1_000) });
      await response.arrayBuffer();
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms`);
}
