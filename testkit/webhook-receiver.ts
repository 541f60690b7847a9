import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One webhook as a receiver got it. */
export interface ReceivedWebhook {
  readonly id: string;
  readonly timestamp: string;
  readonly signature: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  readonly receivedAt: number;
}

/** What the receiver answers: a status and headers, chosen per request (the nth request of its webhook-id). */
export type Responder = (
  webhook: ReceivedWebhook,
  nthForId: number,
) => { status: number; headers?: Record<string, string> };

export const ALWAYS_OK: Responder = () => ({ status: 204 });

/**
 * A webhook receiver on loopback for tests and load runs: records every request and answers
 * as told. `waitFor` resolves on the request that makes its condition true (no polling).
 */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  #waiters: { check: () => boolean; resolve: () => void }[] = [];
  responder: Responder;

  private constructor(
    private readonly server: Server,
    responder: Responder,
  ) {
    this.responder = responder;
  }

  static async start(responder: Responder = ALWAYS_OK): Promise<WebhookReceiver> {
    const server = createServer();
    const receiver = new WebhookReceiver(server, responder);
    server.on('request', (request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const webhook: ReceivedWebhook = {
          id: String(request.headers['webhook-id']),
          timestamp: String(request.headers['webhook-timestamp']),
          signature: String(request.headers['webhook-signature']),
          headers: request.headers,
          body: Buffer.concat(chunks).toString('utf8'),
          receivedAt: Date.now(),
        };
        receiver.received.push(webhook);
        const nth = receiver.received.filter((other) => other.id === webhook.id).length;
        const answer = receiver.responder(webhook, nth);
        response.writeHead(answer.status, answer.headers).end();
        receiver.#wake();
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return receiver;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks`;
  }

  /** Requests by webhook-id, in arrival order. */
  byId(): Map<string, ReceivedWebhook[]> {
    const ids = new Map<string, ReceivedWebhook[]>();
    for (const webhook of this.received) ids.set(webhook.id, [...(ids.get(webhook.id) ?? []), webhook]);
    return ids;
  }

  /** The event types of the distinct webhooks received, in order of first arrival. */
  types(): string[] {
    return [...this.byId().values()].map((copies) => JSON.parse(copies[0]!.body).type as string);
  }

  waitFor(what: string, condition: () => boolean, timeoutMs = 20_000): Promise<void> {
    if (condition()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((waiter) => waiter.check !== condition);
        reject(new Error(`webhook receiver: ${what} not within ${timeoutMs} ms (got ${this.received.length})`));
      }, timeoutMs);
      this.#waiters.push({
        check: condition,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  }

  /** Resolves once `count` distinct webhook-ids arrived. */
  waitForIds(count: number, timeoutMs?: number): Promise<void> {
    return this.waitFor(`${count} distinct webhooks`, () => this.byId().size >= count, timeoutMs);
  }

  #wake(): void {
    for (const waiter of [...this.#waiters]) {
      if (waiter.check()) {
        this.#waiters = this.#waiters.filter((other) => other !== waiter);
        waiter.resolve();
      }
    }
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
