import { cpus } from 'node:os';
import { Argon2PasswordHasher } from '../../src/adapters/security/argon2-password.hasher';

export interface HashingCeiling {
  readonly hashesPerSecond: number;
  readonly concurrency: number;
  readonly seconds: number;
  readonly meanMs: number;
  /** Hashes per CPU second this process spent (all its threads): the rate however many cores others took. */
  readonly hashesPerCpuSecond: number;
}

/**
 * How many argon2id hashes per second this machine does at the service's parameters (OWASP:
 * m = 19 MiB, t = 2, p = 1) with every core busy: the ceiling of sign-up + log-in, since each
 * costs one hash (a verify is a hash). argon2 runs on libuv's thread pool, so `concurrency`
 * (twice the cores by default) keeps all cores fed.
 */
export async function measureHashingCeiling(seconds = 5, concurrency = cpus().length * 2): Promise<HashingCeiling> {
  if (concurrency > threadPoolSize())
    throw new Error(`concurrency ${concurrency} exceeds this process's libuv thread pool (${threadPoolSize()})`);
  const hasher = new Argon2PasswordHasher();
  await hasher.hash('warm-up-password-123');
  let hashes = 0;
  let busyMs = 0;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      while (performance.now() < deadline) {
        const begun = performance.now();
        await hasher.hash(`ceiling-password-${worker}-${hashes}`);
        busyMs += performance.now() - begun;
        hashes++;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  return {
    hashesPerCpuSecond: Math.round((hashes / cpuSeconds) * 10) / 10,
    hashesPerSecond: Math.round((hashes / elapsed) * 10) / 10,
    concurrency,
    seconds: Math.round(elapsed * 100) / 100,
    meanMs: Math.round((busyMs / hashes) * 10) / 10,
  };
}

/** libuv's thread pool size in this process: UV_THREADPOOL_SIZE, 4 without it. */
function threadPoolSize(): number {
  const size = Number(process.env['UV_THREADPOOL_SIZE']);
  return Number.isInteger(size) && size > 0 ? size : 4;
}

/**
 * The ceiling as this machine gives it at its best: hashed at as many at once as there are
 * cores and at twice that, the faster of the two (on a shared box the better one moves).
 */
export async function measureBestHashingCeiling(seconds = 4): Promise<HashingCeiling & { tried: HashingCeiling[] }> {
  const tried: HashingCeiling[] = [];
  for (const concurrency of [cpus().length, cpus().length * 2])
    tried.push(await measureHashingCeiling(seconds, concurrency));
  const best = tried.reduce((a, b) => (b.hashesPerSecond > a.hashesPerSecond ? b : a));
  return { ...best, tried };
}
