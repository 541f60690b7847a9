import type { MemberRepository } from '../../../domain/identity/member.repository';
import type { WebhookEndpointSnapshot } from '../../../domain/integrations/webhook-endpoint';
import type { WebhookEndpointRepository } from '../../../domain/integrations/webhook-endpoint.repository';
import type { Actor } from '../../shared/actor';
import { assertWebhookAdmin } from '../webhook-admin';

export class ListWebhooks {
  constructor(
    private readonly endpoints: WebhookEndpointRepository,
    private readonly members: MemberRepository,
  ) {}

  async execute(actor: Actor): Promise<WebhookEndpointSnapshot[]> {
    await assertWebhookAdmin(this.members, actor, 'manage webhooks');
    return (await this.endpoints.list()).map((endpoint) => endpoint.toSnapshot());
  }
}
