import { createHmac, randomBytes } from 'node:crypto';
import type { WebhookSigner } from '../../application/integrations/ports/webhook-transport';

const SECRET_PREFIX = 'whsec_';

/**
 * Standard Webhooks signatures (https://www.standardwebhooks.com): HMAC-SHA256 keyed with the
 * secret's base64-decoded bytes, over `${webhook-id}.${webhook-timestamp}.${body}`, sent as
 * `v1,<base64>`; one per secret, space-separated, while a rotation's two secrets overlap.
 */
export class StandardWebhooksSigner implements WebhookSigner {
  sign(secrets: readonly string[], messageId: string, timestampSeconds: number, body: string): string {
    const content = `${messageId}.${timestampSeconds}.${body}`;
    return secrets
      .map((secret) => {
        const key = Buffer.from(
          secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret,
          'base64',
        );
        return `v1,${createHmac('sha256', key).update(content).digest('base64')}`;
      })
      .join(' ');
  }

  newSecret(): string {
    return `${SECRET_PREFIX}${randomBytes(32).toString('base64')}`;
  }
}
