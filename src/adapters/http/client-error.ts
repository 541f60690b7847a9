import type { Socket } from 'node:net';
import { ADAPTER_ERRORS, problemType } from './error-codes';

/**
 * Requests Node's HTTP parser refuses (headers over its limit, bytes no request line may
 * hold) never reach Koa. Without this they get a bare status line; with it they get the
 * same problem details as every other error, and the connection is closed, since the
 * parser cannot tell where the next request would start.
 */
export function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const code = error.code === 'HPE_HEADER_OVERFLOW' ? 'HEADERS_TOO_LARGE' : 'BAD_REQUEST';
  const kind = ADAPTER_ERRORS[code];
  const body = JSON.stringify({
    type: problemType(code),
    title: kind.title,
    status: kind.status,
    detail:
      code === 'HEADERS_TOO_LARGE' ? 'The request headers are too large' : 'The request could not be parsed as HTTP',
    code,
  });
  socket.end(
    `HTTP/1.1 ${kind.status} ${kind.title}\r\n` +
      'Content-Type: application/problem+json\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      'Cache-Control: no-store\r\n' +
      'Connection: close\r\n\r\n' +
      body,
  );
}
