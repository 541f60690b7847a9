import { createHash } from 'node:crypto';
import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { InvalidCredentialsError } from '../../application/shared/errors';
import type { Actor } from '../../application/shared/actor';
import { RequestError } from './error-codes';
import type { HttpContext } from './http-context';

/** What this adapter uses of a rate-limiter-flexible limiter (Redis with insurance, or memory). */
export type Limiter = Pick<RateLimiterAbstract, 'consume' | 'reward' | 'delete'>;

export interface LimitSettings {
  /** Requests (or, for the login guards, attempts without a success) allowed per window. */
  readonly points: number;
  readonly durationSeconds: number;
  /** Once over the limit, refuse for this long (0: until the window ends). */
  readonly blockSeconds?: number;
}

export interface RateLimitSettings {
  /** Every route without a limit of its own, per client IP. */
  readonly perIp: LimitSettings;
  /** POST /auth/login attempts per client IP, successful or not. */
  readonly loginPerIp: LimitSettings;
  /** Login attempts without a success per (email, IP); a success resets it. */
  readonly loginFailuresPerEmailAndIp: LimitSettings;
  /** Login attempts without a success per email, from anywhere; a success resets it. */
  readonly loginFailuresPerEmail: LimitSettings;
  /** POST /reservations per member. */
  readonly holdsPerMember: LimitSettings;
  /** POST /reservations per client IP (venues and offices share addresses: generous). */
  readonly holdsPerIp: LimitSettings;
}

export type LimiterFactory = (name: keyof RateLimitSettings, settings: LimitSettings) => Limiter;

/** Which limits a route is counted against. */
export type RateLimitRule = 'default' | 'login' | 'holds' | 'none';

/**
 * Rate limits of the HTTP API and the login brute-force guard. Counting lives in the
 * limiters (Redis, shared by every instance, or memory); this class only decides which
 * counters a request touches and turns a refusal into 429 RATE_LIMITED with Retry-After.
 */
export interface HttpRateLimits {
  /** Counts the request against its rule's limits; throws RATE_LIMITED when it is over one. */
  check(rule: RateLimitRule, ctx: HttpContext, actor: Actor | undefined): Promise<void>;
  /**
   * Runs one login attempt under the consecutive-failure guards of its email: refused with
   * RATE_LIMITED while either guard blocks; a success resets both.
   */
  guardLogin<T>(email: string, ctx: HttpContext, attempt: () => Promise<T>): Promise<T>;
}

/** RATE_LIMIT_ENABLED=false: load tests from one address. The seat caps are not rate limits and stay. */
export const NO_RATE_LIMITS: HttpRateLimits = {
  check: async () => {},
  guardLogin: (_email, _ctx, attempt) => attempt(),
};

export class FlexibleRateLimits implements HttpRateLimits {
  readonly #limiters: { readonly [K in keyof RateLimitSettings]: Limiter };

  constructor(
    settings: RateLimitSettings,
    makeLimiter: LimiterFactory,
    /** Neither the store nor its insurance could count: the request is let through. */
    private readonly onLimiterFailure: (error: unknown) => void = () => {},
  ) {
    const make = (name: keyof RateLimitSettings) => makeLimiter(name, settings[name]);
    this.#limiters = {
      perIp: make('perIp'),
      loginPerIp: make('loginPerIp'),
      loginFailuresPerEmailAndIp: make('loginFailuresPerEmailAndIp'),
      loginFailuresPerEmail: make('loginFailuresPerEmail'),
      holdsPerMember: make('holdsPerMember'),
      holdsPerIp: make('holdsPerIp'),
    };
  }

  async check(rule: RateLimitRule, ctx: HttpContext, actor: Actor | undefined): Promise<void> {
    const limiters = this.#limiters;
    switch (rule) {
      case 'none':
        return;
      case 'default':
        return this.consume([[limiters.perIp, ctx.ip]], 'Too many requests from this address');
      case 'login':
        return this.consume([[limiters.loginPerIp, ctx.ip]], 'Too many login attempts from this address');
      case 'holds': {
        // Both counters in flight at once: one round trip to Redis, not two.
        const counters: [Limiter, string][] = [[limiters.holdsPerIp, ctx.ip]];
        if (actor) counters.push([limiters.holdsPerMember, actor.memberId]);
        return this.consume(counters, 'Too many reservation attempts');
      }
    }
  }

  async guardLogin<T>(email: string, ctx: HttpContext, attempt: () => Promise<T>): Promise<T> {
    const limiters = this.#limiters;
    // Keys carry a hash, never the address itself: Redis dumps and key scans are not logs either.
    const emailKey = createHash('sha256').update(email.trim().toLowerCase()).digest('base64url').slice(0, 22);
    const guards: [Limiter, string][] = [
      [limiters.loginFailuresPerEmailAndIp, `${emailKey}:${ctx.ip}`],
      [limiters.loginFailuresPerEmail, emailKey],
    ];
    // Counted before the attempt (and reset by a success), so a burst of parallel guesses
    // cannot all pass a check made before any of them failed.
    await this.consume(guards, 'Too many failed logins for this account; try again later', true);
    let result: T;
    try {
      result = await attempt();
    } catch (error) {
      // Only a wrong password counts as a failure; a store outage gives the attempt back.
      if (!(error instanceof InvalidCredentialsError)) await this.settle(guards, (limiter, key) => limiter.reward(key));
      throw error;
    }
    await this.settle(guards, (limiter, key) => limiter.delete(key));
    return result;
  }

  /**
   * Consumes a point on every counter, in parallel. Over any limit: RATE_LIMITED with the
   * longest wait; with `giveBackOnRefusal`, the counters that were not over get their point
   * back (a blocked login is not another failure). A limiter error lets the request through.
   */
  private async consume(counters: readonly [Limiter, string][], message: string, giveBackOnRefusal = false) {
    const outcomes = await Promise.allSettled(counters.map(([limiter, key]) => limiter.consume(key)));
    let waitMs = -1;
    outcomes.forEach((outcome) => {
      if (outcome.status === 'fulfilled') return;
      if (outcome.reason instanceof RateLimiterRes) waitMs = Math.max(waitMs, outcome.reason.msBeforeNext);
      else this.onLimiterFailure(outcome.reason);
    });
    if (waitMs < 0) return;
    if (giveBackOnRefusal) {
      await this.settle(
        counters.filter((_, index) => outcomes[index]!.status === 'fulfilled'),
        (limiter, key) => limiter.reward(key),
      );
    }
    const retryAfterSeconds = Math.max(1, Math.ceil(waitMs / 1000));
    throw new RequestError(
      'RATE_LIMITED',
      `${message}; retry in ${retryAfterSeconds} s`,
      { retryAfterSeconds },
      { 'Retry-After': String(retryAfterSeconds) },
    );
  }

  private async settle(
    counters: readonly [Limiter, string][],
    action: (limiter: Limiter, key: string) => Promise<unknown>,
  ) {
    const outcomes = await Promise.allSettled(counters.map(([limiter, key]) => action(limiter, key)));
    for (const outcome of outcomes) if (outcome.status === 'rejected') this.onLimiterFailure(outcome.reason);
  }
}
