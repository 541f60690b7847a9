import type { Logger } from 'pino';
import type { Ed25519SigningKey } from '../adapters/security/ed25519-signing-key';
import type { Config } from './config';
import { configuredSigningKey } from './signing-keys';

/**
 * The key of ticket codes. A generated one (the embedded default's) makes every code it
 * signed invalid after a restart: a ticket's code is then a new one, and a code printed or
 * saved before is refused at the door. Production sets TICKET_SIGNING_KEY, the same on every
 * instance.
 */
export function ticketSigningKey(config: Config, logger: Logger): Ed25519SigningKey {
  return configuredSigningKey(
    { setting: 'TICKET_SIGNING_KEY', pem: config.tickets.signingKeyPem, signs: 'ticket codes' },
    logger,
  );
}
