/** What became of one HTTP request to a receiver. */
export type SendResult =
  | { readonly kind: 'answered'; readonly statusCode: number; readonly retryAfterSeconds?: number }
  /** No answer: connection refused, reset, TLS failure, or the time limit. */
  | { readonly kind: 'failed'; readonly error: string }
  /** Not sent: the URL now resolves to an address the service refuses to call. */
  | { readonly kind: 'forbidden'; readonly reason: string };

export interface WebhookRequest {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** POSTs a webhook, checking where the URL resolves to right before connecting. */
export interface WebhookSender {
  send(request: WebhookRequest): Promise<SendResult>;
}

/** Refuses URLs the service must not call (throws WebhookUrlForbiddenError); resolves names to check their addresses. */
export interface WebhookUrlGuard {
  assertAllowed(url: string): Promise<void>;
}

/** Standard Webhooks signing. */
export interface WebhookSigner {
  /** `v1,<base64 HMAC-SHA256>` per secret, space-separated, over `${id}.${timestamp}.${body}`. */
  sign(secrets: readonly string[], messageId: string, timestampSeconds: number, body: string): string;
  /** A new secret: `whsec_` and the base64 of 32 random bytes. */
  newSecret(): string;
}
