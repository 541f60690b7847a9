import { Pool } from 'undici';

export interface Reply<T = unknown> {
  readonly status: number;
  readonly body: T;
  readonly ms: number;
}

/** JSON over one undici Pool of keep-alive connections to the target. */
export class HttpClient {
  readonly #pool: Pool;

  constructor(origin: string, connections: number) {
    this.#pool = new Pool(origin, {
      connections,
      pipelining: 1,
      headersTimeout: 30_000,
      bodyTimeout: 30_000,
      keepAliveTimeout: 60_000,
    });
  }

  async call<T = unknown>(
    method: 'GET' | 'POST',
    path: string,
    options: { token?: string; body?: unknown } = {},
  ): Promise<Reply<T>> {
    const reply = await this.text(method, path, options);
    return { ...reply, body: (reply.body ? JSON.parse(reply.body) : undefined) as T };
  }

  /** The body as text, unparsed. */
  async text(
    method: 'GET' | 'POST',
    path: string,
    options: { token?: string; body?: unknown } = {},
  ): Promise<Reply<string>> {
    const started = performance.now();
    const headers: Record<string, string> = {};
    if (options.token) headers['authorization'] = `Bearer ${options.token}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const response = await this.#pool.request({
      method,
      path,
      headers,
      body: options.body === undefined ? null : JSON.stringify(options.body),
    });
    const text = await response.body.text();
    const ms = performance.now() - started;
    return { status: response.statusCode, body: text, ms };
  }

  close(): Promise<void> {
    return this.#pool.close();
  }
}
