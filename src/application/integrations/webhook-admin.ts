import type { MemberRepository } from '../../domain/identity/member.repository';
import { WebhookNotFoundError } from '../../domain/integrations/webhook.errors';
import type { WebhookEndpoint } from '../../domain/integrations/webhook-endpoint';
import type { WebhookEndpointRepository } from '../../domain/integrations/webhook-endpoint.repository';
import type { Actor } from '../shared/actor';
import { ForbiddenError } from '../shared/errors';
import { assertMemberExists } from '../shared/existing-member';

/** Webhooks are the admin's: they see every event of the service. */
export async function assertWebhookAdmin(members: MemberRepository, actor: Actor, action: string): Promise<void> {
  if (actor.role !== 'ADMIN') throw new ForbiddenError(action);
  await assertMemberExists(members, actor);
}

export async function findWebhook(endpoints: WebhookEndpointRepository, id: string): Promise<WebhookEndpoint> {
  const endpoint = await endpoints.findById(id);
  if (!endpoint) throw new WebhookNotFoundError(id);
  return endpoint;
}
