import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/** The service running as a child process of the test, at the address it logged. */
export interface ServiceChild {
  readonly child: ChildProcess;
  readonly baseUrl: string;
  /** Kills it (SIGKILL) and waits for it to be gone, pipes closed; a second call does nothing. */
  stop(): Promise<void>;
}

export interface ServiceChildOptions {
  /** Every line the service writes to stdout (its JSON log), as it comes. */
  readonly onLine?: (line: string) => void;
  /** What it writes to stderr; without it stderr is the test's own. */
  readonly onStderr?: (text: string) => void;
}

/**
 * Starts `src/bootstrap/main.ts` with `env` (a port of 0 lets it choose) and resolves once it
 * logs the port it listens on. `node --import tsx` rather than the tsx CLI: the CLI runs the
 * script in a grandchild, which a SIGKILL of the CLI leaves running, holding the test's pipes
 * open and the Jest worker alive.
 */
export async function spawnServiceChild(
  env: NodeJS.ProcessEnv,
  options: ServiceChildOptions = {},
): Promise<ServiceChild> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/bootstrap/main.ts'], {
    cwd: join(__dirname, '..', '..'),
    env,
    stdio: ['ignore', 'pipe', options.onStderr ? 'pipe' : 'inherit'],
  });
  if (options.onStderr) child.stderr!.on('data', (chunk: Buffer) => options.onStderr!(chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  };
  try {
    const baseUrl = await new Promise<string>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`the service exited early with ${code}`)));
      createInterface({ input: child.stdout! }).on('line', (line) => {
        options.onLine?.(line);
        const port = /"port":(\d+)/.exec(line)?.[1];
        if (port) resolve(`http://127.0.0.1:${port}`);
      });
    });
    return { child, baseUrl, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
