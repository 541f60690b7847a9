import type { MemberRepository } from '../../../domain/identity/member.repository';
import { WebhookEndpoint, type WebhookEndpointSnapshot } from '../../../domain/integrations/webhook-endpoint';
import {
  MAX_WEBHOOK_ENDPOINTS,
  type WebhookEndpointRepository,
} from '../../../domain/integrations/webhook-endpoint.repository';
import type { WebhookEventType } from '../../../domain/integrations/webhook-events';
import { ValidationError } from '../../../domain/shared/domain-error';
import type { Actor } from '../../shared/actor';
import type { Clock } from '../../shared/ports/clock';
import type { IdGenerator } from '../../shared/ports/id-generator';
import type { WebhookSigner, WebhookUrlGuard } from '../ports/webhook-transport';
import { assertWebhookAdmin } from '../webhook-admin';

export interface RegisterWebhookInput {
  readonly url: string;
  readonly events: readonly WebhookEventType[];
}

/** The endpoint and its secret: the only time the secret is shown. */
export type RegisteredWebhook = WebhookEndpointSnapshot;

export class RegisterWebhook {
  constructor(
    private readonly endpoints: WebhookEndpointRepository,
    private readonly members: MemberRepository,
    private readonly guard: WebhookUrlGuard,
    private readonly signer: WebhookSigner,
    private readonly ids: IdGenerator,
    private readonly clock: Clock,
  ) {}

  async execute(actor: Actor, input: RegisterWebhookInput): Promise<RegisteredWebhook> {
    await assertWebhookAdmin(this.members, actor, 'manage webhooks');
    await this.guard.assertAllowed(input.url);
    if ((await this.endpoints.list()).length >= MAX_WEBHOOK_ENDPOINTS) {
      throw new ValidationError(`At most ${MAX_WEBHOOK_ENDPOINTS} webhooks; delete one first`);
    }
    const endpoint = WebhookEndpoint.register({
      id: this.ids.next(),
      url: input.url,
      events: input.events,
      secret: this.signer.newSecret(),
      now: this.clock.now(),
    });
    await this.endpoints.add(endpoint);
    return endpoint.toSnapshot();
  }
}
