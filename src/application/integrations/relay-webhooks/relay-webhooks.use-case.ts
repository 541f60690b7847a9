import type { WebhookEndpoint } from '../../../domain/integrations/webhook-endpoint';
import type { WebhookEndpointRepository } from '../../../domain/integrations/webhook-endpoint.repository';
import { nextAttemptAt } from '../../../domain/integrations/retry-schedule';
import type { Clock } from '../../shared/ports/clock';
import type { AttemptOutcome, AttemptRecord, DueDelivery, WebhookDeliveryStore } from '../ports/webhook-deliveries';
import type { SendResult, WebhookSender, WebhookSigner } from '../ports/webhook-transport';

export interface RelaySettings {
  /** Seconds between attempts (WEBHOOK_RETRY_SCHEDULE); after the last retry a delivery fails. */
  readonly retryScheduleSeconds: readonly number[];
  /** Messages fanned out and deliveries claimed per round. */
  readonly batchSize: number;
  /** Requests in flight at once. */
  readonly concurrency: number;
  /** A claimed delivery is due again after this long if its instance died mid-send. */
  readonly leaseMs: number;
}

/** How one round went, for the log and the metrics. */
export interface RelayRound {
  readonly fannedOut: number;
  readonly delivered: number;
  readonly retried: number;
  readonly failed: number;
}

/**
 * The relay, run on every instance: moves committed outbox messages into deliveries, then
 * sends the due ones, signed, and records each attempt. Delivery is at least once: an
 * instance that dies after sending and before recording leaves the delivery to be sent again
 * once its lease ends (the receiver deduplicates by webhook-id).
 */
export class RelayWebhooks {
  constructor(
    private readonly deliveries: WebhookDeliveryStore,
    private readonly endpoints: WebhookEndpointRepository,
    private readonly sender: WebhookSender,
    private readonly signer: WebhookSigner,
    private readonly clock: Clock,
    private readonly settings: RelaySettings,
  ) {}

  /** Rounds until the backlog is smaller than a batch; returns the total of the rounds. */
  async execute(): Promise<RelayRound> {
    const total = { fannedOut: 0, delivered: 0, retried: 0, failed: 0 };
    for (;;) {
      const round = await this.round();
      total.fannedOut += round.fannedOut;
      total.delivered += round.delivered;
      total.retried += round.retried;
      total.failed += round.failed;
      const sent = round.delivered + round.retried + round.failed;
      if (round.fannedOut < this.settings.batchSize && sent < this.settings.batchSize) return total;
    }
  }

  private async round(): Promise<RelayRound> {
    const now = this.clock.now();
    const fannedOut = await this.deliveries.fanOut(now, this.settings.batchSize);
    const due = await this.deliveries.claimDue(
      now,
      this.settings.batchSize,
      new Date(now.getTime() + this.settings.leaseMs),
    );
    const round = { fannedOut, delivered: 0, retried: 0, failed: 0 };
    if (due.length === 0) return round;
    const endpoints = new Map((await this.endpoints.list()).map((endpoint) => [endpoint.id, endpoint]));
    const records: AttemptRecord[] = [];
    /** Endpoints that answered 410 Gone in this round. */
    const disabled = new Set<string>();
    let next = 0;
    const worker = async () => {
      while (next < due.length) {
        const delivery = due[next++]!;
        const record = await this.deliver(delivery, endpoints.get(delivery.endpointId), disabled);
        records.push(record);
        if (record.outcome.status === 'DELIVERED') round.delivered++;
        else if (record.outcome.status === 'PENDING') round.retried++;
        else round.failed++;
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.settings.concurrency, due.length) }, worker));
    // Recorded together: a round costs the database a few statements, not a few per delivery.
    await this.deliveries.recordAttempts(records);
    for (const id of disabled) {
      await this.endpoints.save(endpoints.get(id)!);
      await this.deliveries.failPending(id, this.clock.now());
    }
    return round;
  }

  private async deliver(
    delivery: DueDelivery,
    endpoint: WebhookEndpoint | undefined,
    disabled: Set<string>,
  ): Promise<AttemptRecord> {
    const started = this.clock.now();
    if (!endpoint || endpoint.status !== 'ENABLED') {
      // Deleted or disabled since it was claimed: nothing is sent to it any more.
      return {
        deliveryId: delivery.id,
        attempt: { attemptedAt: started, statusCode: null, error: 'endpoint disabled', durationMs: 0 },
        outcome: { status: 'FAILED' },
      };
    }
    const timestamp = Math.floor(started.getTime() / 1000);
    const result = await this.sender.send({
      url: endpoint.url,
      body: delivery.body,
      headers: {
        'content-type': 'application/json',
        'webhook-id': delivery.messageId,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': this.signer.sign(
          endpoint.signingSecrets(started),
          delivery.messageId,
          timestamp,
          delivery.body,
        ),
      },
    });
    const finished = this.clock.now();
    if (result.kind === 'answered' && result.statusCode === 410) {
      // 410 Gone: the receiver asks never to be called again; saved once the round is recorded.
      endpoint.disable('the receiver answered 410 Gone', finished);
      disabled.add(endpoint.id);
    }
    return {
      deliveryId: delivery.id,
      attempt: {
        attemptedAt: started,
        statusCode: result.kind === 'answered' ? result.statusCode : null,
        error: result.kind === 'failed' ? result.error : result.kind === 'forbidden' ? result.reason : null,
        durationMs: Math.max(0, finished.getTime() - started.getTime()),
      },
      outcome: this.outcomeOf(result, delivery.attemptsMade + 1, finished),
    };
  }

  private outcomeOf(result: SendResult, attemptsMade: number, now: Date): AttemptOutcome {
    if (result.kind === 'answered' && result.statusCode >= 200 && result.statusCode < 300)
      return { status: 'DELIVERED' };
    if (result.kind === 'answered' && result.statusCode === 410) return { status: 'FAILED' };
    const retryAfter =
      result.kind === 'answered' && (result.statusCode === 429 || result.statusCode === 503)
        ? result.retryAfterSeconds
        : undefined;
    const at = nextAttemptAt(attemptsMade, now, this.settings.retryScheduleSeconds, retryAfter);
    return at ? { status: 'PENDING', nextAttemptAt: at } : { status: 'FAILED' };
  }
}
