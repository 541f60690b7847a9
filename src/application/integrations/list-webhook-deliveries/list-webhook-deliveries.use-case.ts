import type { MemberRepository } from '../../../domain/identity/member.repository';
import type { WebhookEndpointRepository } from '../../../domain/integrations/webhook-endpoint.repository';
import type { Actor } from '../../shared/actor';
import type { DeliveryPage, WebhookDeliveryStore } from '../ports/webhook-deliveries';
import { assertWebhookAdmin, findWebhook } from '../webhook-admin';

export class ListWebhookDeliveries {
  constructor(
    private readonly endpoints: WebhookEndpointRepository,
    private readonly deliveries: WebhookDeliveryStore,
    private readonly members: MemberRepository,
  ) {}

  /** Newest first, with every attempt's status code and the next retry. */
  async execute(
    actor: Actor,
    webhookId: string,
    page: number,
    size: number,
  ): Promise<DeliveryPage & { page: number; size: number }> {
    await assertWebhookAdmin(this.members, actor, 'manage webhooks');
    await findWebhook(this.endpoints, webhookId);
    return { ...(await this.deliveries.pageByEndpoint(webhookId, page, size)), page, size };
  }
}
