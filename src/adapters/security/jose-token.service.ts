import { jwtVerify, SignJWT, errors as joseErrors } from 'jose';
import { InvalidTokenError } from '../../application/shared/errors';
import { Clock } from '../../application/shared/ports/clock';
import { Actor } from '../../application/shared/actor';
import { IssuedToken, TokenService } from '../../application/identity/ports/token-service';

const ALGORITHM = 'HS256';
const ISSUER = 'ticketing-service';
const AUDIENCE = 'ticketing-api';

/**
 * Signed, expiring bearer tokens. Verification pins the algorithm, issuer and audience, so
 * `alg: none`, other algorithms and other services' tokens are refused.
 */
export class JoseTokenService implements TokenService {
  readonly #key: Uint8Array;

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
    try {
      const { payload } = await jwtVerify(token, this.#key, {
        algorithms: [ALGORITHM],
        issuer: ISSUER,
        audience: AUDIENCE,
        requiredClaims: ['sub', 'exp'],
        ...(this.clock && { currentDate: this.clock.now() }),
      });
      const role = payload['role'];
      if (typeof payload.sub !== 'string' || (role !== 'USER' && role !== 'ADMIN')) throw new InvalidTokenError();
      return { memberId: payload.sub, role };
    } catch (error) {
      if (error instanceof InvalidTokenError) throw error;
      if (error instanceof joseErrors.JWTExpired) throw new InvalidTokenError('The access token has expired');
      if (error instanceof joseErrors.JOSEError || error instanceof TypeError) throw new InvalidTokenError();
      throw error;
    }
  }
}
