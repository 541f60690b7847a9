import { ValidationError } from '../shared/domain-error';
import { WebhookEventType } from './webhook-events';

export type WebhookEndpointStatus = 'ENABLED' | 'DISABLED';

/** How long the secret a rotation replaced keeps signing beside the new one. */
export const SECRET_ROTATION_OVERLAP_MS = 24 * 3600 * 1000;
/** `whsec_` and the base64 of 32 random bytes (the Standard Webhooks secret format). */
export const WEBHOOK_SECRET_PATTERN = /^whsec_[A-Za-z0-9+/]{43}=$/;
export const MAX_WEBHOOK_URL_LENGTH = 2000;

export interface WebhookEndpointSnapshot {
  readonly id: string;
  readonly url: string;
  readonly events: readonly WebhookEventType[];
  readonly secret: string;
  /** The secret the last rotation replaced, still signing until `previousSecretExpiresAt`. */
  readonly previousSecret: string | null;
  readonly previousSecretExpiresAt: Date | null;
  readonly status: WebhookEndpointStatus;
  readonly disabledReason: string | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface NewWebhookEndpoint {
  readonly id: string;
  readonly url: string;
  readonly events: readonly WebhookEventType[];
  readonly secret: string;
  readonly now: Date;
}

/** A receiver of webhooks: where events of the subscribed types are delivered, and how they are signed. */
export class WebhookEndpoint {
  private constructor(private props: WebhookEndpointSnapshot) {}

  static register(request: NewWebhookEndpoint): WebhookEndpoint {
    if (request.events.length === 0) throw new ValidationError('A webhook subscribes to at least one event type');
    assertSecret(request.secret);
    return new WebhookEndpoint({
      id: request.id,
      url: request.url,
      events: [...new Set(request.events)],
      secret: request.secret,
      previousSecret: null,
      previousSecretExpiresAt: null,
      status: 'ENABLED',
      disabledReason: null,
      createdAt: request.now,
      updatedAt: request.now,
    });
  }

  static restore(snapshot: WebhookEndpointSnapshot): WebhookEndpoint {
    return new WebhookEndpoint(snapshot);
  }

  get id(): string {
    return this.props.id;
  }
  get url(): string {
    return this.props.url;
  }
  get status(): WebhookEndpointStatus {
    return this.props.status;
  }

  /**
   * Whether an event of `type` that happened at `occurredAt` is owed to this endpoint: it is
   * enabled, subscribed to the type, and was registered by then. Events committed before an
   * endpoint existed (the outbox keeps them until the relay moves them) are not replayed to it.
   */
  subscribesTo(type: string, occurredAt: Date): boolean {
    return (
      this.props.status === 'ENABLED' &&
      (this.props.events as readonly string[]).includes(type) &&
      this.props.createdAt.getTime() <= occurredAt.getTime()
    );
  }

  /** The secrets a delivery at `now` is signed with: the current one, and the replaced one during its overlap. */
  signingSecrets(now: Date): string[] {
    const { secret, previousSecret, previousSecretExpiresAt } = this.props;
    return previousSecret && previousSecretExpiresAt && now < previousSecretExpiresAt
      ? [secret, previousSecret]
      : [secret];
  }

  /** The new secret signs at once; the old one goes on signing beside it for a day, so receivers can switch. */
  rotateSecret(newSecret: string, now: Date): void {
    assertSecret(newSecret);
    this.props = {
      ...this.props,
      secret: newSecret,
      previousSecret: this.props.secret,
      previousSecretExpiresAt: new Date(now.getTime() + SECRET_ROTATION_OVERLAP_MS),
      updatedAt: now,
    };
  }

  /** The receiver answered 410 Gone: nothing more is sent to it. */
  disable(reason: string, now: Date): void {
    if (this.props.status === 'DISABLED') return;
    this.props = { ...this.props, status: 'DISABLED', disabledReason: reason, updatedAt: now };
  }

  toSnapshot(): WebhookEndpointSnapshot {
    return this.props;
  }
}

function assertSecret(secret: string): void {
  if (!WEBHOOK_SECRET_PATTERN.test(secret))
    throw new ValidationError('A webhook secret is whsec_ and 32 bytes in base64');
}
