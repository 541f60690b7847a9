import type { Logger } from 'pino';
import {
  ed25519KeyFromPem,
  generateEd25519Key,
  type Ed25519SigningKey,
} from '../adapters/security/ed25519-signing-key';
import { ConfigError } from './config';

/**
 * The Ed25519 key of one kind of signed token, from its setting (PKCS#8 PEM), or generated
 * when the setting is empty, with a warning: a generated key lives as long as the process,
 * so what it signed stops verifying after a restart and on every other instance.
 */
export function configuredSigningKey(
  key: { readonly setting: string; readonly pem: string | null; readonly signs: string },
  logger: Logger,
): Ed25519SigningKey {
  if (key.pem) {
    try {
      return ed25519KeyFromPem(key.pem);
    } catch (error) {
      throw new ConfigError(`${key.setting} is not an Ed25519 private key in PKCS#8 PEM: ${String(error)}`);
    }
  }
  const generated = generateEd25519Key();
  logger.warn(
    { kid: generated.publicJwk.kid },
    `${key.setting} not set: generated an Ed25519 key for ${key.signs}; it lives as long as this ` +
      'process and other instances do not know it. Set one shared key (openssl genpkey -algorithm ed25519) ' +
      'when running more than one instance or restarting during a sale',
  );
  return generated;
}
