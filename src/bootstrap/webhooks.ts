import type { Container, ResolutionContext, ServiceIdentifier } from 'inversify';
import { DeleteWebhook } from '../application/integrations/delete-webhook/delete-webhook.use-case';
import { ListWebhookDeliveries } from '../application/integrations/list-webhook-deliveries/list-webhook-deliveries.use-case';
import { ListWebhooks } from '../application/integrations/list-webhooks/list-webhooks.use-case';
import { PurgeWebhookDeliveries } from '../application/integrations/purge-webhook-deliveries/purge-webhook-deliveries.use-case';
import { RegisterWebhook } from '../application/integrations/register-webhook/register-webhook.use-case';
import { RelayWebhooks } from '../application/integrations/relay-webhooks/relay-webhooks.use-case';
import { RotateWebhookSecret } from '../application/integrations/rotate-webhook-secret/rotate-webhook-secret.use-case';
import { StandardWebhooksSigner } from '../adapters/security/standard-webhooks.signer';
import { NodeHttpWebhookSender, WEBHOOK_TIMEOUT_MS } from '../adapters/webhooks/node-http-webhook.sender';
import { SsrfGuard } from '../adapters/webhooks/ssrf-guard';
import { STANDARD_RETRY_SCHEDULE_SECONDS } from '../domain/integrations/retry-schedule';
import type { Config } from './config';
import type { Stores } from './stores';
import type { PeriodicJob } from './periodic-job';
import { TOKENS as T } from './tokens';

type BindUseCase = <U extends object, A extends unknown[]>(
  id: ServiceIdentifier<U>,
  UseCase: new (...args: A) => U,
  dependencies: ServiceIdentifier[],
) => unknown;

/** Deliveries claimed per round, and requests in flight at once per instance. */
const RELAY_BATCH_SIZE = 500;
const RELAY_CONCURRENCY = 50;
/** A delivery whose instance died mid-send is sent again after this long: past the 10 s time limit. */
const RELAY_LEASE_MS = 3 * WEBHOOK_TIMEOUT_MS;
const PURGE_INTERVAL_MS = 60_000;

/**
 * Outgoing webhooks: the SSRF guard, signer and sender, the admin use cases, and two jobs
 * every instance runs: the relay (outbox → deliveries → receivers) and the purge of finished
 * deliveries. Returns the jobs, for the container's list.
 */
export function bindWebhooks(
  container: Container,
  config: Config,
  stores: Stores,
  bindUseCase: BindUseCase,
): (context: ResolutionContext) => PeriodicJob[] {
  const guard = new SsrfGuard(config.webhooks.allowPrivate);
  container.bind(T.WebhookEndpointRepository).toConstantValue(stores.webhookEndpoints);
  container.bind(T.WebhookDeliveryStore).toConstantValue(stores.webhookDeliveries);
  container.bind(T.WebhookUrlGuard).toConstantValue(guard);
  container.bind(T.WebhookSigner).toConstantValue(new StandardWebhooksSigner());
  container.bind(T.WebhookSender).toConstantValue(new NodeHttpWebhookSender(guard));

  bindUseCase(T.RegisterWebhook, RegisterWebhook, [
    T.WebhookEndpointRepository,
    T.MemberRepository,
    T.WebhookUrlGuard,
    T.WebhookSigner,
    T.IdGenerator,
    T.Clock,
  ]);
  bindUseCase(T.ListWebhooks, ListWebhooks, [T.WebhookEndpointRepository, T.MemberRepository]);
  bindUseCase(T.DeleteWebhook, DeleteWebhook, [T.WebhookEndpointRepository, T.MemberRepository]);
  bindUseCase(T.RotateWebhookSecret, RotateWebhookSecret, [
    T.WebhookEndpointRepository,
    T.MemberRepository,
    T.WebhookSigner,
    T.Clock,
  ]);
  bindUseCase(T.ListWebhookDeliveries, ListWebhookDeliveries, [
    T.WebhookEndpointRepository,
    T.WebhookDeliveryStore,
    T.MemberRepository,
  ]);
  container.bind(T.RelayWebhooks).toResolvedValue(
    (...deps: unknown[]) =>
      new RelayWebhooks(...(deps as [never, never, never, never, never]), {
        retryScheduleSeconds: config.webhooks.retryScheduleSeconds ?? STANDARD_RETRY_SCHEDULE_SECONDS,
        batchSize: RELAY_BATCH_SIZE,
        concurrency: RELAY_CONCURRENCY,
        leaseMs: RELAY_LEASE_MS,
      }),
    [T.WebhookDeliveryStore, T.WebhookEndpointRepository, T.WebhookSender, T.WebhookSigner, T.Clock],
  );
  container
    .bind(T.PurgeWebhookDeliveries)
    .toResolvedValue(
      (deliveries: unknown, clock: unknown) =>
        new PurgeWebhookDeliveries(
          deliveries as ConstructorParameters<typeof PurgeWebhookDeliveries>[0],
          clock as ConstructorParameters<typeof PurgeWebhookDeliveries>[1],
          config.webhooks.deliveryRetentionHours * 3600 * 1000,
        ),
      [T.WebhookDeliveryStore, T.Clock],
    );

  return (context) => [
    {
      intervalMs: config.webhooks.relayIntervalMs,
      // Logged: deliveries that failed for good (the ones an operator must look at).
      run: async () => (await context.get<RelayWebhooks>(T.RelayWebhooks).execute()).failed,
      countField: 'failed',
      doneMessage: 'webhook deliveries failed after their last attempt',
      failedMessage: 'webhook relay failed; will retry',
    },
    {
      intervalMs: PURGE_INTERVAL_MS,
      run: () => context.get<PurgeWebhookDeliveries>(T.PurgeWebhookDeliveries).execute(),
      countField: 'purged',
      doneMessage: 'purged finished webhook deliveries',
      failedMessage: 'webhook delivery purge failed; will retry',
    },
  ];
}
