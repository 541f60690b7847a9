import type { MemberRepository } from '../../../domain/identity/member.repository';
import type { WebhookEndpointSnapshot } from '../../../domain/integrations/webhook-endpoint';
import type { WebhookEndpointRepository } from '../../../domain/integrations/webhook-endpoint.repository';
import type { Actor } from '../../shared/actor';
import type { Clock } from '../../shared/ports/clock';
import type { WebhookSigner } from '../ports/webhook-transport';
import { assertWebhookAdmin, findWebhook } from '../webhook-admin';

/** A new secret, shown once; the old one keeps signing beside it for 24 hours. */
export class RotateWebhookSecret {
  constructor(
    private readonly endpoints: WebhookEndpointRepository,
    private readonly members: MemberRepository,
    private readonly signer: WebhookSigner,
    private readonly clock: Clock,
  ) {}

  async execute(actor: Actor, webhookId: string): Promise<WebhookEndpointSnapshot> {
    await assertWebhookAdmin(this.members, actor, 'manage webhooks');
    const endpoint = await findWebhook(this.endpoints, webhookId);
    endpoint.rotateSecret(this.signer.newSecret(), this.clock.now());
    await this.endpoints.save(endpoint);
    return endpoint.toSnapshot();
  }
}
