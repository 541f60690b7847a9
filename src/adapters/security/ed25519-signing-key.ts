import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { PublicJwk } from './public-key-set';

/** An Ed25519 private key with its public half as a JWK, whose kid is its RFC 7638 thumbprint. */
export interface Ed25519SigningKey {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  readonly publicJwk: PublicJwk;
}

/** From a PKCS#8 PEM (`openssl genpkey -algorithm ed25519`); anything else is refused with the reason. */
export function ed25519KeyFromPem(pem: string): Ed25519SigningKey {
  const privateKey = createPrivateKey({ key: pem, format: 'pem' });
  if (privateKey.asymmetricKeyType !== 'ed25519') {
    throw new Error(`expected an Ed25519 key, got ${privateKey.asymmetricKeyType ?? 'a secret key'}`);
  }
  return withPublicHalf(privateKey);
}

export function generateEd25519Key(): Ed25519SigningKey {
  return withPublicHalf(generateKeyPairSync('ed25519').privateKey);
}

function withPublicHalf(privateKey: KeyObject): Ed25519SigningKey {
  const publicKey = createPublicKey(privateKey);
  const { crv, kty, x } = publicKey.export({ format: 'jwk' }) as { crv: string; kty: string; x: string };
  // RFC 7638: the SHA-256 of the required members in lexicographic order, no white space.
  const kid = createHash('sha256').update(JSON.stringify({ crv, kty, x })).digest('base64url');
  return { privateKey, publicKey, publicJwk: { kty, crv, x, kid, alg: 'EdDSA', use: 'sig' } };
}

/**
 * The public keys a signer accepts, by `kid`: its own and those it signed with before (kept
 * while what they signed may still be shown).
 */
export function verificationKeysOf(
  current: Ed25519SigningKey,
  previous: readonly Ed25519SigningKey[],
): ReadonlyMap<string, Ed25519SigningKey['publicKey']> {
  return new Map([current, ...previous].map((key) => [key.publicJwk.kid, key.publicKey] as const));
}
