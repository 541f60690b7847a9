import { randomUUID } from 'node:crypto';
import { Pool } from 'undici';
import { mapConcurrently } from './concurrency';
import { hallBody, type HallOptions, type PerformanceBody } from './performance-body';

export const API = '/api/v1';

/**
 * A parsed JSON body. Tests assert on bodies rather than type them, so this is the one
 * deliberate `any` of the API client.
 */
export type Json = any;

export interface ApiResponse<T = Json> {
  readonly status: number;
  readonly headers: Headers;
  /** Parsed JSON when the response is JSON (application/json or +json), else the text. */
  readonly body: T;
  readonly text: string;
  /** From sending the request to the end of the body. */
  readonly ms: number;
}

export interface RequestOptions {
  readonly token?: string;
  /** Sent as JSON (with Content-Type: application/json) unless it is already a string. */
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface ApiClientOptions {
  /** Keep-alive connections at most (a load generator's concurrency); unbounded by default. */
  readonly connections?: number;
  /**
   * Every request on a connection of its own, closed after the answer: what a client sees
   * when the service dies or restarts, with no pooled socket left from before.
   */
  readonly freshConnections?: boolean;
  /** For the answer's headers and, separately, its body. */
  readonly timeoutMs?: number;
}

export interface ApiMember {
  readonly id: string;
  readonly email: string;
  readonly password: string;
  readonly token: string;
}

/** A performance created over the API, with its seat ids in layout order. */
export interface Hall {
  readonly id: string;
  readonly seatIds: string[];
}

/**
 * The one client of the service's HTTP API for tests and load runs: JSON over a pool of
 * keep-alive connections (undici), and the journeys everybody needs (sign up, log in,
 * create a performance, read its seats). Requests that must be malformed on the wire are
 * the fuzzers' own raw client's business, not this one's.
 */
export class ApiClient {
  readonly #pool: Pool;
  readonly #fresh: boolean;
  readonly #timeoutMs: number;

  constructor(
    readonly baseUrl: string,
    options: ApiClientOptions = {},
  ) {
    this.#pool = new Pool(baseUrl, {
      connections: options.connections ?? null,
      pipelining: 1,
      keepAliveTimeout: 60_000,
    });
    this.#fresh = options.freshConnections ?? false;
    this.#timeoutMs = options.timeoutMs ?? 30_000;
  }

  /** Any answer is returned, whatever its status; only a failed connection throws. */
  async request<T = Json>(method: string, path: string, options: RequestOptions = {}): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...options.headers };
    const has = (name: string) => Object.keys(headers).some((key) => key.toLowerCase() === name);
    if (options.token !== undefined && !has('authorization')) headers['Authorization'] = `Bearer ${options.token}`;
    let body: string | undefined;
    if (options.body !== undefined) {
      body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
      if (!has('content-type')) headers['Content-Type'] = 'application/json';
    }
    const started = performance.now();
    const response = await this.#pool.request({
      method: method as 'GET',
      path,
      headers,
      body: body ?? null,
      reset: this.#fresh,
      headersTimeout: this.#timeoutMs,
      bodyTimeout: this.#timeoutMs,
    });
    const text = await response.body.text();
    const answer = new Headers();
    for (const [name, value] of Object.entries(response.headers)) {
      for (const item of Array.isArray(value) ? value : [value]) if (item !== undefined) answer.append(name, item);
    }
    const isJson = /[/+]json\b/.test(answer.get('content-type') ?? '');
    return {
      status: response.statusCode,
      headers: answer,
      body: (isJson && text ? JSON.parse(text) : text) as T,
      text,
      ms: performance.now() - started,
    };
  }

  /** The body of the answer, which must have `status`; anything else throws with what came back. */
  async expect<T = Json>(status: number, method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const response = await this.request<T>(method, path, options);
    if (response.status !== status) {
      throw new Error(`${method} ${path} answered ${response.status}, not ${status}: ${response.text.slice(0, 300)}`);
    }
    return response.body;
  }

  async logIn(email: string, password: string): Promise<string> {
    return (await this.expect(200, 'POST', `${API}/auth/login`, { body: { email, password } })).accessToken;
  }

  /** Signs a member up and logs it in; a unique email and password unless given. */
  async newMember(credentials: { email?: string; password?: string; name?: string } = {}): Promise<ApiMember> {
    const email = credentials.email ?? `member-${randomUUID()}@example.com`;
    const password = credentials.password ?? `pass-${randomUUID()}`;
    const name = credentials.name ?? 'Test Member';
    const member = await this.expect(201, 'POST', `${API}/members`, { body: { email, password, name } });
    return { id: member.id, email, password, token: await this.logIn(email, password) };
  }

  /** A STAFF member created by the admin, logged in: checks tickets in at the doors. */
  async newStaff(adminToken: string): Promise<ApiMember> {
    const email = `staff-${randomUUID()}@example.com`;
    const password = `pass-${randomUUID()}`;
    const staff = await this.expect(201, 'POST', `${API}/staff`, {
      token: adminToken,
      body: { email, password, name: 'Door Staff' },
    });
    return { id: staff.id, email, password, token: await this.logIn(email, password) };
  }

  /** Holds the seats as the member and confirms them; returns the confirmed reservation as GET answers it, tickets included. */
  async buyTickets(token: string, performanceId: string, seatIds: readonly string[]): Promise<Json> {
    const held = await this.expect(201, 'POST', `${API}/reservations`, { token, body: { performanceId, seatIds } });
    await this.expect(200, 'POST', `${API}/reservations/${held.id}/confirm`, { token });
    return this.expect(200, 'GET', `${API}/reservations/${held.id}`, { token });
  }

  /** `count` new members, `concurrency` at a time: hashing is CPU-bound, a flood would only queue. */
  newMembers(count: number, prefix: string, concurrency = 10): Promise<ApiMember[]> {
    return mapConcurrently(
      Array.from({ length: count }, (_, index) => index),
      concurrency,
      (index) => this.newMember({ email: `${prefix}-${index}-${randomUUID().slice(0, 8)}@example.com` }),
    );
  }

  /** Creates a performance as the admin; returns the 201 body. */
  createPerformance(adminToken: string, body: PerformanceBody): Promise<Json> {
    return this.expect(201, 'POST', `${API}/performances`, { token: adminToken, body });
  }

  /** The seat ids of a performance, in layout order. */
  async seatIds(performanceId: string): Promise<string[]> {
    const map = await this.expect(200, 'GET', `${API}/performances/${performanceId}/seats`);
    return map.seats.map((seat: { id: string }) => seat.id);
  }

  /** A one-section hall on sale now (see hallBody), with its seat ids. */
  async createHall(adminToken: string, options: HallOptions, now: Date | number = Date.now()): Promise<Hall> {
    const created = await this.createPerformance(adminToken, hallBody(now, options));
    return { id: created.id, seatIds: await this.seatIds(created.id) };
  }

  /** Registers a webhook receiver as the admin; returns the 201 body, secret included. */
  registerWebhook(adminToken: string, url: string, events: readonly string[]): Promise<Json> {
    return this.expect(201, 'POST', `${API}/webhooks`, { token: adminToken, body: { url, events } });
  }

  close(): Promise<void> {
    return this.#pool.close();
  }
}
