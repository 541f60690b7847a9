import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { StripeApiBase } from '../../src/adapters/payments/stripe-payment.provider';

/** One request the stub received, its form body decoded (`metadata[paymentId]` stays a flat key). */
export interface StubbedStripeRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly form: Readonly<Record<string, string>>;
}

/** What the stub does with the next request to a path instead of answering it as Stripe would. */
export type StubFault =
  | { readonly status: number; readonly body: unknown }
  /** The connection is destroyed without an answer. */
  | 'close'
  /** No answer ever: the client's timeout decides. */
  | 'hang';

interface StoredAnswer {
  readonly status: number;
  readonly body: unknown;
}

/**
 * A local stand-in for the two Stripe endpoints the adapter calls, on 127.0.0.1 and a free
 * port, behaving as Stripe documents them: POST /v1/payment_intents creates an intent, POST
 * /v1/refunds refunds one (400 `charge_already_refunded` the second time under another key),
 * and a repeated Idempotency-Key replays the first answer. Faults are queued per path.
 */
export class StripeStub {
  readonly requests: StubbedStripeRequest[] = [];
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  readonly #faults = new Map<string, StubFault[]>();
  readonly #answersByKey = new Map<string, StoredAnswer>();
  readonly #refundsByIntent = new Map<string, string[]>();
  readonly #intents = new Map<string, Record<string, unknown>>();
  #sequence = 0;

  private constructor() {
    this.#server = createServer((request, response) => void this.#handle(request, response));
    this.#server.on('connection', (socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
    });
  }

  static async start(): Promise<StripeStub> {
    const stub = new StripeStub();
    await new Promise<void>((resolve) => stub.#server.listen(0, '127.0.0.1', resolve));
    return stub;
  }

  get apiBase(): StripeApiBase {
    return { host: '127.0.0.1', port: (this.#server.address() as AddressInfo).port, protocol: 'http' };
  }

  /** The next request to `path` gets `fault` instead of its answer (several queue up in order). */
  failNext(path: '/v1/payment_intents' | '/v1/refunds', fault: StubFault): void {
    this.#faults.set(path, [...(this.#faults.get(path) ?? []), fault]);
  }

  /** The refunds the stub made of a PaymentIntent (each a distinct Refund, as Stripe would). */
  refundsOf(paymentIntentId: string): readonly string[] {
    return this.#refundsByIntent.get(paymentIntentId) ?? [];
  }

  requestsTo(path: string): StubbedStripeRequest[] {
    return this.requests.filter((request) => request.path === path);
  }

  async stop(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  async #handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const path = (request.url ?? '').split('?')[0]!;
    const form = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
    this.requests.push({ method: request.method ?? '', path, headers: request.headers, form });

    const fault = this.#faults.get(path)?.shift();
    if (fault === 'close') return void request.socket.destroy();
    if (fault === 'hang') return;
    if (fault) return this.#answer(response, fault);

    const key = request.headers['idempotency-key'];
    const idempotencyKey = typeof key === 'string' ? `${path}:${key}` : null;
    const replayed = idempotencyKey ? this.#answersByKey.get(idempotencyKey) : undefined;
    if (replayed) return this.#answer(response, replayed, { 'Idempotent-Replayed': 'true' });

    const answer = this.#route(request.method ?? '', path, form);
    if (idempotencyKey && answer.status < 500) this.#answersByKey.set(idempotencyKey, answer);
    this.#answer(response, answer);
  }

  #route(method: string, path: string, form: Record<string, string>): StoredAnswer {
    if (method === 'POST' && path === '/v1/payment_intents') return this.#createIntent(form);
    if (method === 'POST' && path === '/v1/refunds') return this.#createRefund(form);
    return stripeError(
      404,
      'invalid_request_error',
      'resource_missing',
      `Unrecognized request URL (${method}: ${path})`,
    );
  }

  #createIntent(form: Record<string, string>): StoredAnswer {
    const id = `pi_stub${++this.#sequence}`;
    const intent = {
      id,
      object: 'payment_intent',
      amount: Number(form['amount']),
      currency: form['currency'],
      status: 'requires_payment_method',
      client_secret: `${id}_secret_stub${this.#sequence}`,
      metadata: Object.fromEntries(
        Object.entries(form)
          .filter(([name]) => name.startsWith('metadata['))
          .map(([name, value]) => [name.slice('metadata['.length, -1), value]),
      ),
    };
    this.#intents.set(id, intent);
    return { status: 200, body: intent };
  }

  #createRefund(form: Record<string, string>): StoredAnswer {
    const intentId = form['payment_intent'] ?? '';
    if (!this.#intents.has(intentId)) {
      return stripeError(404, 'invalid_request_error', 'resource_missing', `No such payment_intent: '${intentId}'`);
    }
    const refunds = this.#refundsByIntent.get(intentId) ?? [];
    if (refunds.length > 0) {
      return stripeError(400, 'invalid_request_error', 'charge_already_refunded', 'Charge has already been refunded.');
    }
    const id = `re_stub${++this.#sequence}`;
    this.#refundsByIntent.set(intentId, [...refunds, id]);
    return { status: 200, body: { id, object: 'refund', payment_intent: intentId, status: 'succeeded' } };
  }

  #answer(response: ServerResponse, answer: StoredAnswer, headers: Record<string, string> = {}): void {
    // A string body goes as it is (a proxy's HTML error page, say), anything else as JSON.
    const text = typeof answer.body === 'string';
    response.writeHead(answer.status, {
      'Content-Type': text ? 'text/html' : 'application/json',
      'Request-Id': 'req_stub',
      ...headers,
    });
    response.end(text ? answer.body : JSON.stringify(answer.body));
  }
}

/** A Stripe error answer: `{"error": {type, code, message}}`. */
export function stripeError(status: number, type: string, code: string, message: string): StoredAnswer {
  return { status, body: { error: { type, code, message } } };
}
