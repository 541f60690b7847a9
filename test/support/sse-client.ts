import { request, type IncomingMessage } from 'node:http';

export interface SseEvent {
  readonly event: string;
  readonly id: string;
  /** The data field, parsed as JSON. */
  readonly data: any;
}

export interface SeatStreamState {
  version: number;
  readonly statuses: Map<string, string>;
}

/**
 * A server-sent-events client as a browser's EventSource parses the stream (event, id,
 * data, retry fields; comment lines), recording everything it reads. Tests wait on what
 * arrives, never on time.
 */
export class SseClient {
  readonly events: SseEvent[] = [];
  readonly comments: string[] = [];
  retry: number | undefined;
  ended = false;
  response!: IncomingMessage;
  #buffer = '';
  #field: { event?: string; id?: string; data: string[] } = { data: [] };
  #waiters = new Set<() => void>();
  #close!: () => void;

  private constructor() {}

  /** Opens the stream; resolves once the status line and headers arrived (any status). */
  static open(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
    const client = new SseClient();
    return new Promise((resolve, reject) => {
      const outgoing = request(url, { headers: { Accept: 'text/event-stream', ...headers } }, (response) => {
        client.response = response;
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => client.feed(chunk));
        const end = () => {
          client.ended = true;
          client.wake();
        };
        response.on('end', end);
        response.on('close', end);
        response.on('error', end);
        resolve(client);
      });
      outgoing.on('error', reject);
      client.#close = () => outgoing.destroy();
      outgoing.end();
    });
  }

  get status(): number {
    return this.response.statusCode ?? 0;
  }

  /** The body of a non-stream answer (a problem), read to its end. */
  async body(): Promise<string> {
    await this.until(() => this.ended);
    return this.#buffer;
  }

  /** The latest id received, as a browser would send it back in Last-Event-ID. */
  get lastEventId(): string | undefined {
    return this.events.at(-1)?.id;
  }

  /** Waits until `condition` holds, failing after `timeoutMs`. */
  async until(condition: () => boolean, timeoutMs = 5_000, what = 'a condition'): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}; events so far: ${JSON.stringify(this.events)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, left);
        const waiters = this.#waiters;
        function done() {
          clearTimeout(timer);
          waiters.delete(done);
          resolve();
        }
        this.#waiters.add(done);
      });
    }
  }

  /** Waits for the event count to reach `count`. */
  untilEvents(count: number): Promise<void> {
    return this.until(() => this.events.length >= count, 5_000, `${count} events`);
  }

  /** Waits until an event has an id of at least `version`. */
  untilVersion(version: number): Promise<void> {
    return this.until(() => this.events.some((event) => Number(event.id) >= version), 5_000, `version ${version}`);
  }

  close(): void {
    this.#close();
  }

  /** Applies the events in order, as a client keeping a seat map would. */
  static apply(events: readonly SseEvent[], from?: SeatStreamState): SeatStreamState {
    const state: SeatStreamState = from
      ? { version: from.version, statuses: new Map(from.statuses) }
      : { version: 0, statuses: new Map() };
    for (const event of events) {
      if (event.event === 'snapshot') {
        state.statuses.clear();
        for (const seat of event.data.seats) state.statuses.set(seat.id, seat.status);
      } else if (event.event === 'changes') {
        for (const seat of event.data.seats) state.statuses.set(seat.id, seat.status);
      }
      state.version = event.data.version;
    }
    return state;
  }

  private feed(chunk: string): void {
    if (this.status !== 200) {
      this.#buffer += chunk;
      return;
    }
    this.#buffer += chunk;
    let newline: number;
    while ((newline = this.#buffer.indexOf('\n')) >= 0) {
      const line = this.#buffer.slice(0, newline).replace(/\r$/, '');
      this.#buffer = this.#buffer.slice(newline + 1);
      this.line(line);
    }
  }

  private line(line: string): void {
    if (line === '') {
      if (this.#field.data.length > 0) {
        this.events.push({
          event: this.#field.event ?? 'message',
          id: this.#field.id ?? '',
          data: JSON.parse(this.#field.data.join('\n')),
        });
      }
      this.#field = { data: [] };
      this.wake();
      return;
    }
    if (line.startsWith(':')) {
      this.comments.push(line.slice(1).trim());
      this.wake();
      return;
    }
    const colon = line.indexOf(':');
    const name = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (name === 'event') this.#field.event = value;
    else if (name === 'id') this.#field.id = value;
    else if (name === 'data') this.#field.data.push(value);
    else if (name === 'retry') this.retry = Number(value);
  }

  private wake(): void {
    for (const waiter of [...this.#waiters]) waiter();
  }
}

/** A GET seats body as the same map: seat id → status. */
export function statusesOf(seatMap: { seats: { id: string; status: string }[] }): Map<string, string> {
  return new Map(seatMap.seats.map((seat) => [seat.id, seat.status]));
}
