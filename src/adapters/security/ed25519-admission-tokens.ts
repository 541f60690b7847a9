import { createHash } from 'node:crypto';
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import type { Admission, AdmissionTokens, AdmissionVerdict } from '../../application/admission/ports/admission-tokens';
import { type Ed25519SigningKey, verificationKeysOf } from './ed25519-signing-key';

const ALGORITHM = 'EdDSA';
const ISSUER = 'ticketing-service';
const TYPE = 'admission+jwt';

/**
 * Admission tokens: JWTs signed with Ed25519 (`alg: EdDSA`, `kid` in the header), claims
 * `sub` (the member), `aud` (`performance:<id>`), `jti`, `iat` (the admission), `exp`. The
 * signature is deterministic and the jti derived from the admission, so every poll of one
 * admission answers the same token. Verification pins the algorithm, the issuer, the type,
 * and accepts only this signer's keys (the current one and those given as previous).
 */
export class Ed25519AdmissionTokens implements AdmissionTokens {
  readonly #verificationKeys: ReadonlyMap<string, Ed25519SigningKey['publicKey']>;

  constructor(
    private readonly signingKey: Ed25519SigningKey,
    previousKeys: readonly Ed25519SigningKey[] = [],
  ) {
    this.#verificationKeys = verificationKeysOf(signingKey, previousKeys);
  }

  issue(admission: Admission): Promise<string> {
    const admittedAtMs = admission.admittedAt.getTime();
    const jti = createHash('sha256')
      .update(`${admission.performanceId}:${admission.memberId}:${admittedAtMs}`)
      .digest('base64url')
      .slice(0, 22);
    return new SignJWT({})
      .setProtectedHeader({ alg: ALGORITHM, kid: this.signingKey.publicJwk.kid, typ: TYPE })
      .setSubject(admission.memberId)
      .setAudience(audienceOf(admission.performanceId))
      .setIssuer(ISSUER)
      .setJti(jti)
      .setIssuedAt(Math.floor(admittedAtMs / 1000))
      .setExpirationTime(Math.floor(admission.expiresAt.getTime() / 1000))
      .sign(this.signingKey.privateKey);
  }

  async verify(
    token: string,
    expected: { memberId: string; performanceId: string },
    now: Date,
  ): Promise<AdmissionVerdict> {
    try {
      await jwtVerify(
        token,
        (header) => {
          const key = header.kid === undefined ? undefined : this.#verificationKeys.get(header.kid);
          if (!key) throw new joseErrors.JWKSNoMatchingKey();
          return key;
        },
        {
          algorithms: [ALGORITHM],
          issuer: ISSUER,
          typ: TYPE,
          subject: expected.memberId,
          audience: audienceOf(expected.performanceId),
          requiredClaims: ['sub', 'aud', 'jti', 'iat', 'exp'],
          currentDate: now,
        },
      );
      return 'VALID';
    } catch (error) {
      // Expired is told apart only for a token that is otherwise this member's, for this performance.
      if (error instanceof joseErrors.JWTExpired) return 'EXPIRED';
      if (error instanceof joseErrors.JOSEError || error instanceof TypeError) return 'INVALID';
      throw error;
    }
  }
}

function audienceOf(performanceId: string): string {
  return `performance:${performanceId}`;
}
