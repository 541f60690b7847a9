import type { Middleware } from 'koa';
import { RequestError } from './error-codes';

/**
 * Answers 503 REQUEST_TIMEOUT when the handler takes longer than `ms`, so a stuck store
 * never holds a client forever. The handler is not cancelled: what it was doing may still
 * complete, which the problem detail tells the client.
 */
export function requestTimeout(ms: number): Middleware {
  return async (_ctx, next) => {
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(
        () =>
          reject(new RequestError('REQUEST_TIMEOUT', `No answer within ${ms} ms; the request may still take effect`)),
        ms,
      );
    });
    try {
      await Promise.race([next(), expired]);
    } finally {
      clearTimeout(timer);
    }
  };
}
