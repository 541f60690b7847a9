import { jwtVerify, SignJWT, errors as joseErrors } from 'jose';
import { InvalidTokenError } from '../../application/shared/errors';
import { Clock } from '../../application/shared/ports/clock';
import { Actor } from '../../application/shared/actor';
import { IssuedToken, TokenService } from '../../application/identity/ports/token-service';
import type { Role } from '../../domain/identity/member';

const ALGORITHM = 'HS256';
const ISSUER = 'ticketing-service';
const AUDIENCE = 'ticketing-api';
/** Verified tokens remembered at most (≈ 300 bytes each): a sale's members, not an attacker's supply. */
const VERIFIED_TOKENS_MAX = 10_000;

interface VerifiedToken {
  readonly actor: Actor;
  readonly expiresAtMs: number;
}

/**
 * Signed, expiring bearer tokens. Verification pins the algorithm, issuer and audience, so
 * `alg: none`, other algorithms and other services' tokens are refused.
 */
export class JoseTokenService implements TokenService {
  readonly #key: Uint8Array;
  /**
   * Tokens that verified, by their exact text, until their `exp`. A member sends the same token
   * with every request, and re-checking its HMAC and claims cost about 4 % of the hot path's
   * CPU (perf/RESULTS.md). Only an identical string (so identical signature) hits; a token that
   * failed is never remembered; least recently used go first.
   */
  readonly #verified = new Map<string, VerifiedToken>();

  constructor(
    secret: string,
    private readonly ttlSeconds: number,
    /** Issue and expiry times follow this clock; the system's time without one. */
    private readonly clock?: Clock,
  ) {
    if (Buffer.byteLength(secret) < 32) throw new Error('JWT_SECRET must be at least 32 bytes long');
    this.#key = new TextEncoder().encode(secret);
  }

  async issue(actor: Actor): Promise<IssuedToken> {
    const issuedAt = Math.floor((this.clock?.now() ?? new Date()).getTime() / 1000);
    const accessToken = await new SignJWT({ role: actor.role })
      .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
      .setSubject(actor.memberId)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + this.ttlSeconds)
      .sign(this.#key);
    return { accessToken, expiresIn: this.ttlSeconds };
  }

  async verify(token: string): Promise<Actor> {
    const nowMs = (this.clock?.now() ?? new Date()).getTime();
    const known = this.#verified.get(token);
    if (known) {
      this.#verified.delete(token);
      if (nowMs < known.expiresAtMs) {
        this.#verified.set(token, known);
        return known.actor;
      }
      // Expired: jose says so below, with its own message.
    }
    return this.verifyAndDecode(token);
  }

  private remember(token: string, actor: Actor, expiresAtMs: number): void {
    if (this.#verified.size >= VERIFIED_TOKENS_MAX) {
      const oldest = this.#verified.keys().next().value;
      if (oldest !== undefined) this.#verified.delete(oldest);
    }
    this.#verified.set(token, { actor, expiresAtMs });
  }

  private async verifyAndDecode(token: string): Promise<Actor> {
    try {
      const { payload } = await jwtVerify(token, this.#key, {
        algorithms: [ALGORITHM],
        issuer: ISSUER,
        audience: AUDIENCE,
        requiredClaims: ['sub', 'exp'],
        ...(this.clock && { currentDate: this.clock.now() }),
      });
      const role = payload['role'];
      if (typeof payload.sub !== 'string' || !isRole(role)) throw new InvalidTokenError();
      const actor: Actor = { memberId: payload.sub, role };
      // requiredClaims made jose check that exp is there and in the future.
      this.remember(token, actor, payload.exp! * 1000);
      return actor;
    } catch (error) {
      if (error instanceof InvalidTokenError) throw error;
      if (error instanceof joseErrors.JWTExpired) throw new InvalidTokenError('The access token has expired');
      if (error instanceof joseErrors.JOSEError || error instanceof TypeError) throw new InvalidTokenError();
      throw error;
    }
  }
}

const ROLES: readonly unknown[] = ['USER', 'STAFF', 'ADMIN'] satisfies readonly Role[];

function isRole(value: unknown): value is Role {
  return ROLES.includes(value);
}
