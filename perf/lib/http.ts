import { Pool } from 'undici';

export interface Reply<T = unknown> {
  readonly status: number;
  readonly body: T;
  readonly ms: number;
}

/** JSON over an undici Pool: one keep-alive pool per target, as a browser fleet would not, but cheaply. */
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
    return { status: response.statusCode, body: (text ? JSON.parse(text) : undefined) as T, ms };
  }

  close(): Promise<void> {
    return this.#pool.close();
  }
}
