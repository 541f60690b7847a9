import { cpus } from 'node:os';
import { Argon2PasswordHasher } from '../../src/adapters/security/argon2-password.hasher';

export interface HashingCeiling {
  readonly hashesPerSecond: number;
  readonly concurrency: number;
  readonly seconds: number;
  readonly meanMs: number;
}

/**
 * How many argon2id hashes per second this machine does at the service's parameters (OWASP:
 * m = 19 MiB, t = 2, p = 1) with every core busy: the ceiling of sign-up + log-in, since each
 * costs one hash (a verify is a hash). argon2 runs on libuv's thread pool, so `concurrency`
 * (twice the cores by default) keeps all cores fed.
 */
export async function measureHashingCeiling(seconds = 5, concurrency = cpus().length * 2): Promise<HashingCeiling> {
  const hasher = new Argon2PasswordHasher();
  await hasher.hash('warm-up-password-123');
  let hashes = 0;
  let busyMs = 0;
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
  return {
    hashesPerSecond: Math.round((hashes / elapsed) * 10) / 10,
    concurrency,
    seconds: Math.round(elapsed * 100) / 100,
    meanMs: Math.round((busyMs / hashes) * 10) / 10,
  };
}
