import Stripe from 'stripe';
import {
  type PaymentNotification,
  type PaymentProvider,
  type PaymentRequest,
  PaymentRejectedError,
  type StartedPayment,
} from '../../application/sales/ports/payment-provider';
import { StoreUnavailableError } from '../../application/shared/errors';
import type { Money } from '../../domain/shared/money';
import { toStripeAmount } from './stripe-amounts';
import { readStripeShapedEvent } from './stripe-shaped-events';

/** Where the Stripe API is, when not at api.stripe.com (STRIPE_API_BASE: a test stub or a proxy). */
export interface StripeApiBase {
  readonly host: string;
  readonly port: number;
  readonly protocol: 'http' | 'https';
}

/** STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET and STRIPE_API_BASE, as the configuration reads them. */
export interface StripeSettings {
  readonly secretKey: string;
  readonly webhookSecret: string;
  /** null: Stripe itself. */
  readonly apiBase: StripeApiBase | null;
}

export interface StripeClientOptions {
  /** One attempt's limit. */
  readonly timeoutMs: number;
  /** Retries of a connection failure, 409 or 5xx; safe because every call carries our idempotency key. */
  readonly maxNetworkRetries: number;
}

/**
 * Two attempts of 4 s and the SDK's back-off (0.5–1 s) stay within the 10 s REQUEST_TIMEOUT_MS
 * of the checkout request that waits for them, so a slow Stripe is our 503, not a timeout
 * that leaves the client guessing.
 */
export const DEFAULT_STRIPE_CLIENT_OPTIONS: StripeClientOptions = { timeoutMs: 4000, maxNetworkRetries: 1 };

const PROVIDER = 'The payment provider (Stripe)';

/** The idempotency key of a refund: one refund per payment of ours, however often it is asked for. */
export function refundIdempotencyKey(paymentId: string): string {
  return `refund:${paymentId}`;
}

/**
 * The PaymentProvider port on Stripe, through the official SDK: a payment is a PaymentIntent
 * (its client_secret lets the browser finish it with Stripe.js), a refund is a Refund of that
 * intent, and the outcome comes back as Stripe-signed webhooks.
 *
 * Stripe unreachable, slow (past `timeoutMs`), rate limiting us or failing (5xx), or refusing
 * our credentials is StoreUnavailableError (503: try again); a card or request Stripe refuses
 * outright is PaymentRejectedError (422). The secret key is in no message: Stripe's messages
 * are passed on only with anything shaped like a key taken out.
 */
export class StripePaymentProvider implements PaymentProvider {
  readonly name = 'stripe' as const;
  readonly #stripe: Stripe;
  readonly #webhookSecret: string;
  readonly #secretKey: string;

  constructor(settings: StripeSettings, options: StripeClientOptions = DEFAULT_STRIPE_CLIENT_OPTIONS) {
    this.#secretKey = settings.secretKey;
    this.#webhookSecret = settings.webhookSecret;
    this.#stripe = new Stripe(settings.secretKey, {
      timeout: options.timeoutMs,
      maxNetworkRetries: options.maxNetworkRetries,
      // No request metrics riding on later requests: nothing of ours leaves but the call itself.
      telemetry: false,
      ...(settings.apiBase && {
        host: settings.apiBase.host,
        port: settings.apiBase.port,
        protocol: settings.apiBase.protocol,
      }),
    });
  }

  async start(request: PaymentRequest): Promise<StartedPayment> {
    try {
      const intent = await this.#stripe.paymentIntents.create(
        {
          amount: toStripeAmount(request.amount),
          currency: request.amount.currency.toLowerCase(),
          metadata: { paymentId: request.paymentId, reservationId: request.reservationId },
        },
        // A retried start (ours or the SDK's) gets the same PaymentIntent back, never a second one.
        { idempotencyKey: request.paymentId },
      );
      return {
        providerPaymentId: intent.id,
        ...(intent.client_secret ? { clientSecret: intent.client_secret } : {}),
      };
    } catch (error) {
      throw this.#translated(error, 'start the payment');
    }
  }

  async refund(payment: {
    readonly paymentId: string;
    readonly providerPaymentId: string;
    readonly amount: Money;
  }): Promise<void> {
    try {
      await this.#stripe.refunds.create(
        { payment_intent: payment.providerPaymentId },
        { idempotencyKey: refundIdempotencyKey(payment.paymentId) },
      );
    } catch (error) {
      // Refunded already, by an earlier call whose idempotency key Stripe has forgotten (after
      // a day) or from the dashboard: what refund promises holds.
      if (error instanceof Stripe.errors.StripeInvalidRequestError && error.code === 'charge_already_refunded') return;
      throw this.#translated(error, 'refund the payment');
    }
  }

  readWebhook(rawBody: string, signatureHeader: string | undefined, now: Date): PaymentNotification {
    return readStripeShapedEvent(rawBody, signatureHeader, this.#webhookSecret, now);
  }

  #translated(error: unknown, action: string): Error {
    if (!(error instanceof Stripe.errors.StripeError)) return error instanceof Error ? error : new Error(String(error));
    if (
      error instanceof Stripe.errors.StripeCardError ||
      error instanceof Stripe.errors.StripeInvalidRequestError ||
      error instanceof Stripe.errors.StripeIdempotencyError
    ) {
      return new PaymentRejectedError(`Stripe refused to ${action}: ${this.#withoutKeys(error.message)}`);
    }
    // The SDK's error object carries the raw answer and headers: the log gets a summary only.
    const summary = [error.type, error.statusCode, error.code, error.requestId, this.#withoutKeys(error.message)]
      .filter((part) => part !== undefined && part !== null && part !== '')
      .join(' ');
    return new StoreUnavailableError(PROVIDER, new Error(`Stripe could not ${action}: ${summary}`));
  }

  #withoutKeys(message: string): string {
    const withoutOurs = this.#secretKey ? message.split(this.#secretKey).join('[key]') : message;
    return withoutOurs.replace(/\b(sk|rk|pk)_(live|test)_[A-Za-z0-9*]+/g, '[key]');
  }
}

/** The Stripe adapter from its settings: what the container calls when PAYMENT_PROVIDER=stripe. */
export function createStripePaymentProvider(
  settings: StripeSettings,
  options: StripeClientOptions = DEFAULT_STRIPE_CLIENT_OPTIONS,
): StripePaymentProvider {
  return new StripePaymentProvider(settings, options);
}
