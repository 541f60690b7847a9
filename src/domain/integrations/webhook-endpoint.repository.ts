import { WebhookEndpoint } from './webhook-endpoint';

/** At most this many endpoints: every event is fanned out to each of them. */
export const MAX_WEBHOOK_ENDPOINTS = 100;

export interface WebhookEndpointRepository {
  add(endpoint: WebhookEndpoint): Promise<void>;
  save(endpoint: WebhookEndpoint): Promise<void>;
  findById(id: string): Promise<WebhookEndpoint | null>;
  /** Every endpoint, oldest first. */
  list(): Promise<WebhookEndpoint[]>;
  /** Removes the endpoint and every delivery still owed to it; false when there was none. */
  remove(id: string): Promise<boolean>;
}
