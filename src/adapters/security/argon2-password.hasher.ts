import * as argon2 from 'argon2';
import { PasswordHasher } from '../../application/identity/ports/password-hasher';

/** OWASP Password Storage Cheat Sheet, argon2id first choice: m = 19 MiB, t = 2, p = 1. */
export const OWASP_ARGON2ID = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export class Argon2PasswordHasher implements PasswordHasher {
  constructor(
    private readonly options: { memoryCost: number; timeCost: number; parallelism: number } = OWASP_ARGON2ID,
  ) {}

  hash(password: string): Promise<string> {
    return argon2.hash(password, { ...this.options, type: argon2.argon2id });
  }

  async verify(hash: string, password: string): Promise<boolean> {
    try {
      return await argon2.verify(hash, password);
    } catch {
      // A malformed stored hash is a failed login, not a crash.
      return false;
    }
  }
}
