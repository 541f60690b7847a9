import { randomUUID } from 'node:crypto';
import Stripe from 'stripe';
import type { Money } from '../../domain/shared/money';
import {
  PaymentRejectedError,
  type PaymentNotification,
  type PaymentProvider,
  type PaymentRequest,
  type StartedPayment,
} from '../../application/sales/ports/payment-provider';
import type { Clock } from '../../application/shared/ports/clock';
import { StoreUnavailableError } from '../../application/shared/errors';
import { readStripeShapedEvent } from './stripe-shaped-events';

/** The test card that pays. */
export const FAKE_SUCCEEDING_CARD = '4242 4242 4242 4242';
/** The test card the fake declines: the checkout starts, and a `payment_failed` webhook follows. */
export const FAKE_DECLINED_CARD = '4000 0000 0000 0002';

const digitsOf = (card: string) => card.replaceAll(' ', '');
const SUCCEEDING = digitsOf(FAKE_SUCCEEDING_CARD);
const DECLINED = digitsOf(FAKE_DECLINED_CARD);

/** The fake's id for the payment we call `paymentId`: one payment id, one provider payment. */
export function fakeProviderPaymentId(paymentId: string): string {
  return `pi_fake_${paymentId.replaceAll('-', '')}`;
}

/** Attempts of one webhook, the first after `delayMs`, then after these waits. */
const REDELIVERY_WAITS_MS = [100, 200, 400, 800, 1600];

export interface FakePaymentOptions {
  /** FAKE_PAYMENT_WEBHOOK_SECRET: signs the webhooks as Stripe signs its own. */
  readonly webhookSecret: string;
  /** FAKE_PAYMENT_DELAY_MS: how long after checkout (or a refund) the webhook comes. */
  readonly delayMs: number;
  readonly clock: Clock;
  /**
   * Where the webhooks go: the entry point behind POST /api/v1/payments/webhooks/fake (raw
   * body and Stripe-Signature header, verified there like any other). A rejection is
   * retried a few times (a webhook may overtake the commit of its checkout).
   */
  readonly deliver: (rawBody: string, signatureHeader: string) => Promise<unknown>;
  /** Told of a webhook that failed its every attempt. */
  readonly onDeliveryFailure?: (error: unknown) => void;
}

/**
 * The payment provider of tests and of the demo: no network, no money. It decides by the
 * test card (spaces optional): 4242 4242 4242 4242 succeeds, 4000 0000 0000 0002 is declined
 * (by webhook, as a real decline arrives), any other card is refused at once
 * (PaymentRejectedError). Like Stripe it answers the outcome later, by a webhook signed and
 * shaped as Stripe's, so the same reader and the same use case serve both. Refunds are
 * idempotent by our payment id and confirmed by a `charge.refunded` webhook.
 */
export class FakePaymentProvider implements PaymentProvider {
  readonly name = 'fake' as const;
  readonly #started = new Map<string, string>();
  readonly #refunded = new Set<string>();
  readonly #timers = new Set<NodeJS.Timeout>();
  /** Each webhook not yet delivered (or given up on), and what settles it. */
  readonly #inFlight = new Map<Promise<void>, () => void>();
  #reachable = true;
  #closed = false;

  constructor(private readonly options: FakePaymentOptions) {}

  async start(request: PaymentRequest): Promise<StartedPayment> {
    this.assertReachable();
    // One payment id, one payment: a retried start answers the first one.
    const known = this.#started.get(request.paymentId);
    if (known) return { providerPaymentId: known };
    const card = digitsOf(request.card ?? '');
    const type =
      card === SUCCEEDING ? 'payment_intent.succeeded' : card === DECLINED ? 'payment_intent.payment_failed' : null;
    if (!type) {
      throw new PaymentRejectedError(
        `The fake provider takes the test cards ${FAKE_SUCCEEDING_CARD} (pays) and ${FAKE_DECLINED_CARD} (declined), ` +
          (card ? 'not this one' : 'and needs one in "card"'),
      );
    }
    const providerPaymentId = fakeProviderPaymentId(request.paymentId);
    this.#started.set(request.paymentId, providerPaymentId);
    this.send(type, {
      id: providerPaymentId,
      object: 'payment_intent',
      amount: request.amount.amount,
      currency: request.amount.currency.toLowerCase(),
      status: type === 'payment_intent.succeeded' ? 'succeeded' : 'requires_payment_method',
      metadata: { paymentId: request.paymentId, reservationId: request.reservationId },
    });
    return { providerPaymentId };
  }

  async refund(payment: { readonly paymentId: string; readonly providerPaymentId: string; readonly amount: Money }) {
    this.assertReachable();
    if (this.#refunded.has(payment.paymentId)) return;
    this.#refunded.add(payment.paymentId);
    this.send('charge.refunded', {
      id: `ch_fake_${payment.paymentId.replaceAll('-', '')}`,
      object: 'charge',
      payment_intent: payment.providerPaymentId,
      amount: payment.amount.amount,
      amount_refunded: payment.amount.amount,
      currency: payment.amount.currency.toLowerCase(),
      refunded: true,
    });
  }

  readWebhook(rawBody: string, signatureHeader: string | undefined, now: Date): PaymentNotification {
    return readStripeShapedEvent(rawBody, signatureHeader, this.options.webhookSecret, now);
  }

  /** How many refunds it has done (each payment once, however often asked). */
  get refundCount(): number {
    return this.#refunded.size;
  }

  /** Tests: an outage of the provider. While unreachable, start and refund fail with 503. */
  setReachable(reachable: boolean): void {
    this.#reachable = reachable;
  }

  /** Resolves once every webhook sent so far has been delivered (or given up on). */
  async idle(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight.keys()]);
  }

  /** Sends nothing more: pending webhooks are dropped (the service is stopping). */
  close(): void {
    this.#closed = true;
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    for (const settle of this.#inFlight.values()) settle();
  }

  /** A Stripe-shaped event about `object`, delivered after the configured delay, signed when sent. */
  private send(type: string, object: Record<string, unknown>): void {
    const body = JSON.stringify({
      id: `evt_fake_${randomUUID().replaceAll('-', '')}`,
      object: 'event',
      type,
      created: unixSeconds(this.options.clock.now()),
      data: { object },
    });
    let settle = () => {};
    const delivered = new Promise<void>((resolve) => (settle = resolve));
    this.#inFlight.set(delivered, () => settle());
    void delivered.then(() => this.#inFlight.delete(delivered));
    const attempt = (index: number) => {
      if (this.#closed) return settle();
      const signature = Stripe.webhooks.generateTestHeaderString({
        payload: body,
        secret: this.options.webhookSecret,
        timestamp: unixSeconds(this.options.clock.now()),
      });
      this.options.deliver(body, signature).then(settle, (error: unknown) => {
        const wait = REDELIVERY_WAITS_MS[index];
        if (wait === undefined) {
          this.options.onDeliveryFailure?.(error);
          return settle();
        }
        this.later(wait, () => attempt(index + 1));
      });
    };
    this.later(this.options.delayMs, () => attempt(0));
  }

  private later(ms: number, run: () => void): void {
    if (this.#closed) return;
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      run();
    }, ms);
    timer.unref();
    this.#timers.add(timer);
  }

  private assertReachable(): void {
    if (!this.#reachable) throw new StoreUnavailableError('The payment provider');
  }
}

function unixSeconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}
