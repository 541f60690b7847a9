import type { MemberRepository } from '../../../domain/identity/member.repository';
import { WebhookNotFoundError } from '../../../domain/integrations/webhook.errors';
import type { WebhookEndpointRepository } from '../../../domain/integrations/webhook-endpoint.repository';
import type { Actor } from '../../shared/actor';
import { assertWebhookAdmin } from '../webhook-admin';

/** Removes the endpoint; deliveries still owed to it are dropped with it. */
export class DeleteWebhook {
  constructor(
    private readonly endpoints: WebhookEndpointRepository,
    private readonly members: MemberRepository,
  ) {}

  async execute(actor: Actor, webhookId: string): Promise<void> {
    await assertWebhookAdmin(this.members, actor, 'manage webhooks');
    if (!(await this.endpoints.remove(webhookId))) throw new WebhookNotFoundError(webhookId);
  }
}
