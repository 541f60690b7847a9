import type { Clock } from '../../shared/ports/clock';
import type { WebhookDeliveryStore } from '../ports/webhook-deliveries';

const PURGE_BATCH = 1000;

/** Delivered and failed deliveries stay visible for `retentionMs`, then go. */
export class PurgeWebhookDeliveries {
  constructor(
    private readonly deliveries: WebhookDeliveryStore,
    private readonly clock: Clock,
    private readonly retentionMs: number,
  ) {}

  async execute(): Promise<number> {
    const before = new Date(this.clock.now().getTime() - this.retentionMs);
    let total = 0;
    for (;;) {
      const purged = await this.deliveries.purgeFinished(before, PURGE_BATCH);
      total += purged;
      if (purged < PURGE_BATCH) return total;
    }
  }
}
