import type { ApiRouter } from '../api-router';
import type { UseCases } from '../http-dependencies';
import { presentDelivery, presentWebhook, presentWebhookWithSecret } from '../presenters/webhook.presenter';
import {
  DeliveryPageSchema,
  ListDeliveriesQuery,
  RegisterWebhookBody,
  WebhookListSchema,
  WebhookWithSecretSchema,
} from '../schemas/webhook.schema';
import { IdParams } from '../schemas/zod';
import { API_PREFIX, LOCATION_HEADER, NO_STORE, ok } from './respond';

const TAG = 'Webhooks';

export function webhookRoutes(api: ApiRouter, useCases: UseCases): void {
  api.route(
    {
      method: 'post',
      path: `${API_PREFIX}/webhooks`,
      operationId: 'registerWebhook',
      summary: 'Register a webhook receiver (admin); its signing secret is shown in this answer only',
      description:
        'Events of the chosen types are POSTed to the URL following the Standard Webhooks specification, signed with ' +
        'the secret returned here (and never again), at least once and in order per reservation. The URL must be https ' +
        'and its host resolve only to public addresses: loopback, private, link-local and unique-local targets are ' +
        '422 WEBHOOK_URL_FORBIDDEN (checked again before every send).',
      tag: TAG,
      access: 'admin',
      body: RegisterWebhookBody,
      responses: [
        {
          status: 201,
          description: 'The webhook and its secret',
          schema: WebhookWithSecretSchema,
          headers: { ...LOCATION_HEADER, ...NO_STORE },
        },
      ],
      errors: ['WEBHOOK_URL_FORBIDDEN', 'VALIDATION_FAILED'],
    },
    async (_ctx, { actor, body }) => {
      const endpoint = await useCases.registerWebhook.execute(actor, body);
      return {
        status: 201,
        headers: { Location: `${API_PREFIX}/webhooks/${endpoint.id}`, ...NO_STORE },
        body: presentWebhookWithSecret(endpoint),
      };
    },
  );

  api.route(
    {
      method: 'get',
      path: `${API_PREFIX}/webhooks`,
      operationId: 'listWebhooks',
      summary: 'Every webhook receiver, without secrets (admin)',
      description: 'The registered receivers, oldest first, with their status (DISABLED after a 410 Gone).',
      tag: TAG,
      access: 'admin',
      responses: [{ status: 200, description: 'The webhooks', schema: WebhookListSchema }],
    },
    async (_ctx, { actor }) => ok({ items: (await useCases.listWebhooks.execute(actor)).map(presentWebhook) }),
  );

  api.route(
    {
      method: 'delete',
      path: `${API_PREFIX}/webhooks/:id`,
      operationId: 'deleteWebhook',
      summary: 'Remove a webhook receiver and the deliveries still owed to it (admin)',
      description: 'Nothing more is sent to it, retries included.',
      tag: TAG,
      access: 'admin',
      params: IdParams,
      responses: [{ status: 204, description: 'Removed' }],
      errors: ['WEBHOOK_NOT_FOUND'],
    },
    async (_ctx, { actor, params }) => {
      await useCases.deleteWebhook.execute(actor, params.id);
      return { status: 204, body: null };
    },
  );

  api.route(
    {
      method: 'post',
      path: `${API_PREFIX}/webhooks/:id/rotate-secret`,
      operationId: 'rotateWebhookSecret',
      summary: 'Replace the signing secret (admin); the old one keeps signing beside it for 24 hours',
      description:
        'Answers the new secret, shown here only. For 24 hours every delivery carries two signatures in ' +
        'webhook-signature, one per secret, so the receiver can switch without missing an event.',
      tag: TAG,
      access: 'admin',
      params: IdParams,
      responses: [
        {
          status: 200,
          description: 'The webhook and its new secret',
          schema: WebhookWithSecretSchema,
          headers: NO_STORE,
        },
      ],
      errors: ['WEBHOOK_NOT_FOUND'],
    },
    async (_ctx, { actor, params }) =>
      ok(presentWebhookWithSecret(await useCases.rotateWebhookSecret.execute(actor, params.id)), NO_STORE),
  );

  api.route(
    {
      method: 'get',
      path: `${API_PREFIX}/webhooks/:id/deliveries`,
      operationId: 'listWebhookDeliveries',
      summary: "A webhook's deliveries, newest first: attempts, status codes, next retry (admin)",
      description:
        'Every event owed to the receiver: PENDING (with its next retry), DELIVERED (a 2xx) or FAILED (after the last ' +
        'retry, or once the receiver answered 410). Finished deliveries are kept WEBHOOK_DELIVERY_RETENTION_HOURS.',
      tag: TAG,
      access: 'admin',
      params: IdParams,
      query: ListDeliveriesQuery,
      responses: [{ status: 200, description: 'One page of deliveries', schema: DeliveryPageSchema }],
      errors: ['WEBHOOK_NOT_FOUND'],
    },
    async (_ctx, { actor, params, query }) => {
      const page = await useCases.listWebhookDeliveries.execute(actor, params.id, query.page, query.size);
      return ok({ items: page.items.map(presentDelivery), page: page.page, size: page.size, total: page.total });
    },
  );
}
