/** A public signing key as a JWK (RFC 7517), with the key id and algorithm a verifier needs. */
export interface PublicJwk {
  readonly kty: string;
  readonly crv?: string;
  readonly x?: string;
  readonly kid: string;
  readonly alg: string;
  readonly use: 'sig';
}

/**
 * The service's public signing keys, served at /.well-known/jwks.json. Each signer (admission
 * tokens now, tickets or others later) adds its own keys; a key being rotated out stays here
 * as long as tokens it signed are alive.
 */
export class PublicKeySet {
  readonly #keys = new Map<string, PublicJwk>();

  add(key: PublicJwk): void {
    this.#keys.set(key.kid, key);
  }

  get keys(): readonly PublicJwk[] {
    return [...this.#keys.values()];
  }
}
