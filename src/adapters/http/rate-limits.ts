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

/** The IETF fields (draft-ietf-httpapi-ratelimit-headers): the quotas, and what is left of them. */
export const RATE_LIMIT_POLICY_HEADER = 'RateLimit-Policy';
export const RATE_LIMIT_HEADER = 'RateLimit';

/** The request quotas, by the names RateLimit-Policy gives them (the login failure guards are not quotas). */
const POLICY_NAMES = {
  perIp: 'per-ip',
  loginPerIp: 'login-per-ip',
  holdsPerIp: 'holds-per-ip',
  holdsPerMember: 'holds-per-member',
} as const satisfies Partial<Record<keyof RateLimitSettings, string>>;
type QuotaName = keyof typeof POLICY_NAMES;

/** One counter a request touches: its limiter, its key, and the quota it reports in the headers, if any. */
type Counter = readonly [Limiter, string, QuotaName?];

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
    private readonly settings: RateLimitSettings,
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
        return this.consume(ctx, [[limiters.perIp, ctx.ip, 'perIp']], 'Too many requests from this address');
      case 'login':
        return this.consume(
          ctx,
          [[limiters.loginPerIp, ctx.ip, 'loginPerIp']],
          'Too many login attempts from this address',
        );
      case 'holds': {
        // Both counters in flight at once: one round trip to Redis, not two.
        const counters: Counter[] = [[limiters.holdsPerIp, ctx.ip, 'holdsPerIp']];
        if (actor) counters.push([limiters.holdsPerMember, actor.memberId, 'holdsPerMember']);
        return this.consume(ctx, counters, 'Too many reservation attempts');
      }
    }
  }

  async guardLogin<T>(email: string, ctx: HttpContext, attempt: () => Promise<T>): Promise<T> {
    const limiters = this.#limiters;
    // Keys carry a hash, never the address itself: Redis dumps and key scans are not logs either.
    const emailKey = createHash('sha256').update(email.trim().toLowerCase()).digest('base64url').slice(0, 22);
    const guards: Counter[] = [
      [limiters.loginFailuresPerEmailAndIp, `${emailKey}:${ctx.ip}`],
      [limiters.loginFailuresPerEmail, emailKey],
    ];
    // Counted before the attempt (and reset by a success), so a burst of parallel guesses
    // cannot all pass a check made before any of them failed.
    await this.consume(ctx, guards, 'Too many failed logins for this account; try again later', true);
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
  private async consume(ctx: HttpContext, counters: readonly Counter[], message: string, giveBackOnRefusal = false) {
    const outcomes = await Promise.allSettled(counters.map(([limiter, key]) => limiter.consume(key)));
    let waitMs = -1;
    const quotas: [QuotaName, RateLimiterRes][] = [];
    outcomes.forEach((outcome, index) => {
      const quota = counters[index]![2];
      if (outcome.status === 'fulfilled') {
        if (quota) quotas.push([quota, outcome.value]);
        return;
      }
      if (outcome.reason instanceof RateLimiterRes) {
        waitMs = Math.max(waitMs, outcome.reason.msBeforeNext);
        if (quota) quotas.push([quota, outcome.reason]);
      } else this.onLimiterFailure(outcome.reason);
    });
    this.report(ctx, quotas);
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

  /**
   * RateLimit-Policy and RateLimit from the limiters' own counts: the quota and window of
   * each policy, what is left of it and when its window resets. A limiter that failed is
   * left out (it counted nothing).
   */
  private report(ctx: HttpContext, quotas: readonly [QuotaName, RateLimiterRes][]): void {
    if (quotas.length === 0) return;
    const policies = quotas.map(([quota]) => {
      const { points, durationSeconds } = this.settings[quota];
      return `"${POLICY_NAMES[quota]}";q=${points};w=${durationSeconds}`;
    });
    const remaining = quotas.map(([quota, res]) => {
      const left = Math.max(0, Math.min(this.settings[quota].points, res.remainingPoints));
      return `"${POLICY_NAMES[quota]}";r=${left};t=${Math.max(0, Math.ceil(res.msBeforeNext / 1000))}`;
    });
    ctx.set(RATE_LIMIT_POLICY_HEADER, policies.join(', '));
    ctx.set(RATE_LIMIT_HEADER, remaining.join(', '));
  }

  private async settle(counters: readonly Counter[], action: (limiter: Limiter, key: string) => Promise<unknown>) {
    const outcomes = await Promise.allSettled(counters.map(([limiter, key]) => action(limiter, key)));
    for (const outcome of outcomes) if (outcome.status === 'rejected') this.onLimiterFailure(outcome.reason);
  }
}
