import * as argon2 from 'argon2';
import { PasswordHasher } from '../../application/identity/ports/password-hasher';

/** OWASP Password Storage Cheat Sheet, argon2id first choice: m = 19 MiB, t = 2, p = 1. */
export const OWASP_ARGON2ID = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export interface Argon2Options {
  readonly memoryCost: number;
  readonly timeCost: number;
  readonly parallelism: number;
  /**
   * Hashes (and verifies) running at once; the rest wait here, in order. argon2 runs on libuv's
   * thread pool, which file, DNS, zlib and crypto work share: without a limit a burst of log-ins
   * takes every pool thread and that work waits behind ~60 ms hashes. Infinity: no limit.
   */
  readonly concurrency?: number;
}

export class Argon2PasswordHasher implements PasswordHasher {
  readonly #params: { memoryCost: number; timeCost: number; parallelism: number };
  readonly #concurrency: number;
  #running = 0;
  readonly #waiting: (() => void)[] = [];

  constructor(options: Argon2Options = OWASP_ARGON2ID) {
    this.#params = { memoryCost: options.memoryCost, timeCost: options.timeCost, parallelism: options.parallelism };
    this.#concurrency = options.concurrency ?? Infinity;
    if (!(this.#concurrency >= 1)) throw new Error('argon2 concurrency must be at least 1');
  }

  hash(password: string): Promise<string> {
    return this.#limited(() => argon2.hash(password, { ...this.#params, type: argon2.argon2id }));
  }

  async verify(hash: string, password: string): Promise<boolean> {
    try {
      return await this.#limited(() => argon2.verify(hash, password));
    } catch {
      // A malformed stored hash is a failed login, not a crash.
      return false;
    }
  }

  async #limited<T>(work: () => Promise<T>): Promise<T> {
    if (this.#running >= this.#concurrency) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    else this.#running++;
    try {
      return await work();
    } finally {
      // The slot passes straight to the next waiter, so #running never dips while some wait.
      const next = this.#waiting.shift();
      if (next) next();
      else this.#running--;
    }
  }
}
