import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import type { SendResult, WebhookRequest, WebhookSender } from '../../application/integrations/ports/webhook-transport';
import { WebhookUrlForbiddenError } from '../../domain/integrations/webhook.errors';
import type { ResolvedAddress, SsrfGuard } from './ssrf-guard';

/** The Standard Webhooks time limit: no answer within it counts as a failed attempt. */
export const WEBHOOK_TIMEOUT_MS = 10_000;

/**
 * POSTs webhooks with node:http(s). Before every send the guard resolves the host and checks
 * each address; the connection is then made to those very addresses (the socket's lookup is
 * pinned to them), so a name that resolves to a public address at the check and to a private
 * one a moment later (DNS rebinding) cannot slip through. Redirects are not followed.
 */
export class NodeHttpWebhookSender implements WebhookSender {
  readonly #agents = {
    'http:': new http.Agent({ keepAlive: true, maxSockets: 64 }),
    'https:': new https.Agent({ keepAlive: true, maxSockets: 64 }),
  };

  constructor(
    private readonly guard: SsrfGuard,
    private readonly timeoutMs = WEBHOOK_TIMEOUT_MS,
  ) {}

  async send(request: WebhookRequest): Promise<SendResult> {
    let addresses: ResolvedAddress[];
    try {
      addresses = await this.guard.resolveAllowed(request.url);
    } catch (error) {
      if (error instanceof WebhookUrlForbiddenError) return { kind: 'forbidden', reason: error.message };
      throw error;
    }
    const url = new URL(request.url);
    const transport = url.protocol === 'https:' ? https : http;
    const agent = this.#agents[url.protocol as 'http:' | 'https:'];
    const lookup: LookupFunction = (_hostname, options, callback) => {
      if ((options as { all?: boolean }).all) {
        (callback as unknown as (error: null, addresses: ResolvedAddress[]) => void)(null, addresses);
      } else {
        callback(null, addresses[0]!.address, addresses[0]!.family);
      }
    };
    return new Promise<SendResult>((resolve) => {
      let settled = false;
      const settle = (result: SendResult) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(result);
      };
      const outgoing = transport.request(
        url,
        {
          method: 'POST',
          agent,
          lookup,
          headers: { ...request.headers, 'content-length': String(Buffer.byteLength(request.body)) },
        },
        (response) => {
          const statusCode = response.statusCode ?? 0;
          const retryAfterSeconds = parseRetryAfter(response.headers['retry-after']);
          // The body is not read; drain it so the socket can be reused.
          response.resume();
          response.on('error', () => {});
          settle(
            retryAfterSeconds === undefined
              ? { kind: 'answered', statusCode }
              : { kind: 'answered', statusCode, retryAfterSeconds },
          );
        },
      );
      const timer = setTimeout(() => {
        outgoing.destroy(new Error(`no answer within ${this.timeoutMs} ms`));
      }, this.timeoutMs);
      outgoing.on('error', (error) => settle({ kind: 'failed', error: error.message.slice(0, 200) }));
      outgoing.end(request.body);
    });
  }

  close(): void {
    this.#agents['http:'].destroy();
    this.#agents['https:'].destroy();
  }
}

/** Retry-After: delay-seconds or an HTTP-date (RFC 9110), as whole seconds from now. */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (!text) return undefined;
  if (/^\d+$/.test(text.trim())) return Number(text.trim());
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}
