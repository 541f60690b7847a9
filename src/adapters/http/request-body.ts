import { bodyParser } from '@koa/bodyparser';
import { RequestError } from './error-codes';
import type { HttpContext } from './http-context';

/** Reads a JSON body; returns what it parsed ({} when there is no body at all). */
export type JsonBodyReader = (ctx: HttpContext) => Promise<unknown>;

/**
 * Only JSON is accepted: a body of any other type is a 415 before a byte is read, a body
 * over the limit a 413 (raw-body refuses a too-large Content-Length up front), and
 * anything that is not one JSON object or array a 400.
 */
export function jsonBodyReader(limitBytes: number): JsonBodyReader {
  const parse = bodyParser({ enableTypes: ['json'], jsonLimit: limitBytes, jsonStrict: true });
  return async (ctx) => {
    // ctx.is() answers null when there is no body; Content-Length: 0 counts as none too.
    if (ctx.request.length !== 0 && ctx.request.is('application/json', 'application/*+json') === false) {
      throw new RequestError('UNSUPPORTED_MEDIA_TYPE', 'Send the body as application/json', {
        contentType: ctx.request.type,
      });
    }
    try {
      await parse(ctx, async () => {});
    } catch (error) {
      // A body refused half-read leaves unread bytes on the socket: never reuse it.
      if (!ctx.req.complete) ctx.set('Connection', 'close');
      throw translateParseError(error, limitBytes);
    }
    return ctx.request.body ?? {};
  };
}

/** raw-body / co-body errors carry a status and a type; the raw text (err.body) is dropped here. */
function translateParseError(error: unknown, limitBytes: number): unknown {
  const status = (error as { status?: unknown }).status;
  if (status === 413)
    return new RequestError('PAYLOAD_TOO_LARGE', `The body must be at most ${limitBytes} bytes`, { limitBytes });
  if (status === 415)
    return new RequestError('UNSUPPORTED_MEDIA_TYPE', 'The body encoding or charset is not supported');
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new RequestError('MALFORMED_JSON', 'The body is not a valid JSON object');
  }
  // zlib's errors for a body that does not decompress as its Content-Encoding says.
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && /^(Z_|ERR__ERROR_|ERR_BROTLI)/.test(code)) {
    return new RequestError('MALFORMED_JSON', 'The body could not be decompressed as its Content-Encoding says');
  }
  return error;
}
