import { MAX_WEBHOOK_URL_LENGTH } from '../../../domain/integrations/webhook-endpoint';
import { MAX_WEBHOOK_ENDPOINTS } from '../../../domain/integrations/webhook-endpoint.repository';
import { WEBHOOK_EVENT_TYPES } from '../../../domain/integrations/webhook-events';
import { int32, isoInstant, pageQuery, uuid, z } from './zod';

/** A delivery is tried at most this often: the first attempt and up to 20 retries (WEBHOOK_RETRY_SCHEDULE). */
const MAX_ATTEMPTS = 21;
const SECRET = '^whsec_[A-Za-z0-9+/]{43}=$';

const eventType = () => z.enum(WEBHOOK_EVENT_TYPES).openapi({ example: 'reservation.confirmed' });
const url = () =>
  z.string().max(MAX_WEBHOOK_URL_LENGTH).openapi({
    minLength: 1,
    format: 'uri',
    example: 'https://crm.example.com/hooks/ticketing',
  });

export const RegisterWebhookBody = z
  .strictObject({
    url: url().openapi({
      description:
        'An https URL whose host resolves only to public addresses (else 422 WEBHOOK_URL_FORBIDDEN); no user or password',
    }),
    events: z
      .array(eventType())
      .min(1)
      .max(WEBHOOK_EVENT_TYPES.length)
      .openapi({ uniqueItems: true, description: 'The event types to receive' }),
  })
  .openapi('RegisterWebhookRequest');

const webhookFields = {
  id: uuid(),
  url: url(),
  events: z.array(eventType()).min(1).max(WEBHOOK_EVENT_TYPES.length),
  status: z.enum(['ENABLED', 'DISABLED']).openapi({ description: 'DISABLED once the receiver answered 410 Gone' }),
  disabledReason: z.string().max(200).nullable(),
  createdAt: isoInstant(),
  secretRotatedAt: isoInstant().nullable(),
};

export const WebhookSchema = z.object(webhookFields).openapi('Webhook');

export const WebhookWithSecretSchema = z
  .object({
    ...webhookFields,
    secret: z.string().max(50).openapi({
      pattern: SECRET,
      description:
        'The signing secret, `whsec_` and the base64 of 32 random bytes: shown in this answer only, keep it safe',
    }),
  })
  .openapi('WebhookWithSecret');

export const WebhookListSchema = z
  .object({ items: z.array(WebhookSchema).max(MAX_WEBHOOK_ENDPOINTS) })
  .openapi('WebhookList');

export const ListDeliveriesQuery = pageQuery(100);

const AttemptSchema = z
  .object({
    attemptedAt: isoInstant(),
    statusCode: int32(100, 599)
      .nullable()
      .openapi({ description: "The receiver's status; null when it did not answer" }),
    error: z
      .string()
      .max(300)
      .nullable()
      .openapi({ description: 'Why there was no answer (time-out, refused, forbidden URL)' }),
    durationMs: int32(0, 2 ** 31 - 1),
  })
  .openapi('WebhookDeliveryAttempt');

export const DeliveryPageSchema = z
  .object({
    items: z
      .array(
        z
          .object({
            id: uuid(),
            webhookId: z
              .string()
              .max(40)
              .openapi({ description: 'The webhook-id header: one per event, the same on every retry' }),
            eventType: eventType(),
            status: z.enum(['PENDING', 'DELIVERED', 'FAILED']),
            attempts: z.array(AttemptSchema).max(MAX_ATTEMPTS),
            nextAttemptAt: isoInstant()
              .nullable()
              .openapi({ description: 'The next retry; null once DELIVERED or FAILED' }),
            createdAt: isoInstant(),
            deliveredAt: isoInstant().nullable(),
          })
          .openapi('WebhookDelivery'),
      )
      .max(100),
    page: int32(1, 100_000),
    size: int32(1, 100),
    total: int32(0, 2 ** 31 - 1),
  })
  .openapi('WebhookDeliveryPage');
