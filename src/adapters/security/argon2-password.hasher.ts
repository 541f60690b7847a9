import { randomBytes } from 'node:crypto';
import * as argon2 from 'argon2';
import { PasswordHasher } from '../../application/identity/ports/password-hasher';
import { StoreUnavailableError } from '../../application/shared/errors';

/** OWASP Password Storage Cheat Sheet, argon2id first choice: m = 19 MiB, t = 2, p = 1. */
export const OWASP_ARGON2ID = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/** argon2's own default salt length. */
const SALT_BYTES = 16;

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
  /**
   * A hash that has waited longer than this for its turn is not computed: its request has
   * already been answered 503 by the request timeout, and hashing for nobody would only make
   * every later request wait longer. It fails with a 503 (nothing written) instead. Only with
   * a `concurrency`, since only then does the queue live here. Infinity: no limit.
   */
  readonly maxQueueWaitMs?: number;
}

interface Waiter {
  readonly since: number;
  readonly resume: () => void;
  readonly refuse: (error: Error) => void;
}

export class Argon2PasswordHasher implements PasswordHasher {
  readonly #params: { memoryCost: number; timeCost: number; parallelism: number };
  readonly #concurrency: number;
  readonly #maxQueueWaitMs: number;
  #running = 0;
  readonly #waiting: Waiter[] = [];

  constructor(options: Argon2Options = OWASP_ARGON2ID) {
    this.#params = { memoryCost: options.memoryCost, timeCost: options.timeCost, parallelism: options.parallelism };
    this.#concurrency = options.concurrency ?? Infinity;
    this.#maxQueueWaitMs = options.maxQueueWaitMs ?? Infinity;
    if (!(this.#concurrency >= 1)) throw new Error('argon2 concurrency must be at least 1');
  }

  hash(password: string): Promise<string> {
    // The salt is drawn here, synchronously (16 bytes from the same CSPRNG): argon2 would draw
    // it with the asynchronous randomBytes, one more trip through libuv's pool, where a sign-up
    // then waited behind every queued hash twice (perf/RESULTS.md, 2026-12-01 evening).
    return this.#limited(() =>
      argon2.hash(password, { ...this.#params, type: argon2.argon2id, salt: randomBytes(SALT_BYTES) }),
    );
  }

  verify(hash: string, password: string): Promise<boolean> {
    // A refused turn (queue full) is a 503, not a wrong password: only argon2's own failure is caught.
    return this.#limited(async () => {
      try {
        return await argon2.verify(hash, password);
      } catch {
        // A malformed stored hash is a failed login, not a crash.
        return false;
      }
    });
  }

  async #limited<T>(work: () => Promise<T>): Promise<T> {
    if (this.#running >= this.#concurrency)
      await new Promise<void>((resume, refuse) => this.#waiting.push({ since: performance.now(), resume, refuse }));
    else this.#running++;
    try {
      return await work();
    } finally {
      this.#handOver();
    }
  }

  /** The freed slot goes straight to the next waiter still worth hashing for, so #running never dips while some wait. */
  #handOver(): void {
    const now = performance.now();
    for (let next = this.#waiting.shift(); next; next = this.#waiting.shift()) {
      if (now - next.since <= this.#maxQueueWaitMs) return next.resume();
      next.refuse(new StoreUnavailableError('password hashing (queue full)'));
    }
    this.#running--;
  }
}
