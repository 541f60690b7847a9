import http from 'node:http';
import net from 'node:net';

/**
 * An HTTP client that sends exactly what a test gives it: any method, duplicate or malformed
 * headers, a body on a GET, a chunked body, bytes that are not UTF-8. fetch normalises or
 * refuses all of these, and a fuzzer must be able to say them.
 */
export interface RawRequest {
  readonly method: string;
  /** Sent as is: may hold malformed percent-escapes or non-ASCII bytes. */
  readonly path: string;
  /** A header with an array value is sent once per element. */
  readonly headers?: Readonly<Record<string, string | readonly string[]>>;
  readonly body?: string | Buffer;
  /** Transfer-Encoding: chunked (no Content-Length), written in pieces of this many bytes. */
  readonly chunkBytes?: number;
  /**
   * A connection of its own, closed after the answer, instead of a pooled keep-alive one: for
   * bodies the server may refuse half-read, so one stuck connection cannot stall later cases
   * (that the server handles such a connection well is tested on its own).
   */
  readonly freshConnection?: boolean;
}

export interface RawResponse {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly text: string;
  /** Parsed JSON when the content type is JSON (application/json or +json), else undefined. */
  readonly json: any;
  readonly elapsedMs: number;
}

// Keep-alive: thousands of fuzz cases on one app would otherwise spend their time in connects.
const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });

export async function rawRequest(baseUrl: string, request: RawRequest, timeoutMs = 10_000): Promise<RawResponse> {
  try {
    return await sendOnce(baseUrl, request, timeoutMs);
  } catch (error) {
    // A keep-alive socket the server closed just as it was reused (after a 413, say): the
    // request never reached the server, so sending it again is what any client does.
    if (error instanceof StaleSocketError) return sendOnce(baseUrl, request, timeoutMs);
    throw error;
  }
}

class StaleSocketError extends Error {}

function sendOnce(baseUrl: string, request: RawRequest, timeoutMs: number): Promise<RawResponse> {
  const url = new URL(baseUrl);
  const started = performance.now();
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(request.headers ?? {})) {
    headers[name] = typeof value === 'string' ? value : [...value];
  }
  const body = request.body === undefined ? undefined : Buffer.from(request.body);
  if (body && request.chunkBytes === undefined && !hasHeader(headers, 'content-length')) {
    headers['Content-Length'] = String(body.length);
  }
  return new Promise((resolve, reject) => {
    let answer: { status: number; headers: http.IncomingHttpHeaders; chunks: Buffer[] } | undefined;
    let settled = false;
    const finish = () => {
      if (settled || !answer) return;
      settled = true;
      const text = Buffer.concat(answer.chunks).toString('utf8');
      const type = String(answer.headers['content-type'] ?? '');
      let json: unknown;
      if (/[/+]json\b/.test(type) && text) {
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
      }
      resolve({ status: answer.status, headers: answer.headers, text, json, elapsedMs: performance.now() - started });
    };
    const failed = (error: Error) => {
      // A server may answer (413) and reset the connection while the body is still being
      // written: the answer it gave counts. Without one, the request failed.
      if (answer) finish();
      else if (!settled) {
        settled = true;
        const code = (error as NodeJS.ErrnoException).code;
        const stale = outgoing.reusedSocket && (code === 'ECONNRESET' || code === 'EPIPE');
        reject(stale ? new StaleSocketError(error.message) : error);
      }
    };
    const outgoing = http.request(
      {
        host: url.hostname,
        port: url.port,
        method: request.method,
        path: sendablePath(request.path),
        headers,
        agent: request.freshConnection ? false : agent,
      },
      (response) => {
        answer = { status: response.statusCode ?? 0, headers: response.headers, chunks: [] };
        response.on('data', (chunk: Buffer) => answer!.chunks.push(chunk));
        response.on('error', failed);
        response.on('aborted', finish);
        response.on('end', finish);
      },
    );
    outgoing.setTimeout(timeoutMs, () => outgoing.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    outgoing.on('error', failed);
    if (!body) {
      outgoing.end();
    } else if (request.chunkBytes !== undefined) {
      for (let offset = 0; offset < body.length; offset += request.chunkBytes) {
        outgoing.write(body.subarray(offset, offset + request.chunkBytes));
      }
      outgoing.end();
    } else {
      outgoing.end(body);
    }
  });
}

function sendablePath(path: string): string {
  return path.replace(/[^\u0021-\u007e]/gu, (character) =>
    encodeURIComponent(character.replace(/[\ud800-\udfff]/, '\ufffd')),
  );
}

function hasHeader(headers: Record<string, unknown>, name: string): boolean {
  return Object.keys(headers).some((key) => key.toLowerCase() === name);
}

/** Closes the idle keep-alive sockets, so Jest sees no open handles at the end of a file. */
export function closeRawConnections(): void {
  agent.destroy();
}

export type FollowUp = 'answered' | 'closed' | 'no answer';

/**
 * Writes `first` (raw HTTP/1.1 bytes) on one connection, waits for its status line, then
 * sends a GET of `followUpPath` on the same connection and reports what became of it within
 * `waitMs`: answered, closed by the server (fine: the client reconnects), or no answer (a
 * connection the server keeps open but will never serve again).
 */
export async function followUpOnSameConnection(
  baseUrl: string,
  first: readonly (string | Buffer)[],
  followUpPath: string,
  waitMs = 2_000,
): Promise<{ firstStatus: number; followUp: FollowUp }> {
  const url = new URL(baseUrl);
  const socket = net.connect(Number(url.port), url.hostname);
  socket.on('error', () => {});
  let received = '';
  let closed = false;
  socket.on('data', (data: Buffer) => (received += data.toString('latin1')));
  socket.on('close', () => (closed = true));
  const waitFor = async (condition: () => boolean, ms: number) => {
    const deadline = Date.now() + ms;
    while (!condition() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    return condition();
  };
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('error', reject);
    });
    for (const piece of first) if (!socket.destroyed) socket.write(piece);
    const finalStatus = () =>
      [...received.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((match) => Number(match[1])).find((code) => code >= 200);
    if (!(await waitFor(() => finalStatus() !== undefined || closed, waitMs)))
      throw new Error(`no answer to the first request: ${received.slice(0, 200)}`);
    const firstStatus = finalStatus() ?? 0;
    // Let the first answer's body arrive, then ask again on the same connection.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const before = received.length;
    if (!closed) socket.write(`GET ${followUpPath} HTTP/1.1\r\nHost: ${url.host}\r\n\r\n`);
    await waitFor(() => closed || /HTTP\/1\.1 \d{3}/.test(received.slice(before)), waitMs);
    const followUp: FollowUp = /HTTP\/1\.1 \d{3}/.test(received.slice(before))
      ? 'answered'
      : closed
        ? 'closed'
        : 'no answer';
    return { firstStatus, followUp };
  } finally {
    socket.destroy();
  }
}

/** A raw HTTP/1.1 POST with a chunked body, in pieces. */
export function chunkedPost(
  path: string,
  headers: Record<string, string>,
  body: Buffer,
  chunkBytes = 64 * 1024,
): Buffer[] {
  const head = [
    `POST ${path} HTTP/1.1`,
    'Host: fuzz',
    'Transfer-Encoding: chunked',
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
  ];
  const pieces: Buffer[] = [Buffer.from(`${head.join('\r\n')}\r\n\r\n`)];
  for (let offset = 0; offset < body.length; offset += chunkBytes) {
    const chunk = body.subarray(offset, offset + chunkBytes);
    pieces.push(Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')]));
  }
  pieces.push(Buffer.from('0\r\n\r\n'));
  return pieces;
}
