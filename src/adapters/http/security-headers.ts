import cors from '@koa/cors';
import type { Middleware } from 'koa';
import helmet from 'koa-helmet';
import { DOCS_PATH } from './routes/docs.routes';

/**
 * Helmet everywhere. JSON responses get the strictest CSP (they load nothing); only the
 * Swagger UI pages get helmet's default policy, without upgrade-insecure-requests so the
 * docs work over plain http on a developer machine.
 *
 * Helmet's headers depend on nothing in the request, so each set is worked out once, at
 * start-up, and every answer gets the same list: koa-helmet per request costs a promise and
 * a dozen small middlewares (measured on losers in RESULTS.md).
 */
export function securityHeaders(): Middleware {
  const api = fixedHeadersOf(
    helmet({
      contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
    }),
  );
  const docs = fixedHeadersOf(
    helmet({ contentSecurityPolicy: { directives: { upgradeInsecureRequests: null, imgSrc: ["'self'", 'data:'] } } }),
  );
  return (ctx, next) => {
    const headers = ctx.path === DOCS_PATH || ctx.path.startsWith(`${DOCS_PATH}/`) ? docs : api;
    const res = ctx.res;
    for (let index = 0; index < headers.length; index++) res.setHeader(headers[index]![0], headers[index]![1]);
    return next();
  };
}

/**
 * The headers a helmet middleware sets, read by running it once against a response that only
 * records. Helmet sets them synchronously (koa-helmet's promise resolves later, with nothing
 * left to do); if a version ever set none that way, start-up fails here rather than serving
 * answers without them.
 */
function fixedHeadersOf(middleware: Middleware): readonly (readonly [string, string])[] {
  const headers: [string, string][] = [];
  const recorder = {
    setHeader: (name: string, value: unknown) => headers.push([name, String(value)]),
    // Koa never sets X-Powered-By, the one header helmet removes.
    removeHeader: () => undefined,
  };
  void Promise.resolve(middleware({ req: {}, res: recorder } as never, async () => undefined)).catch(() => undefined);
  if (!headers.some(([name]) => name.toLowerCase() === 'content-security-policy')) {
    throw new Error('helmet set no headers synchronously: securityHeaders() needs revisiting for this version');
  }
  return headers;
}

/** CORS only for the configured origins ('*' allows any); no CORS headers at all when none are. */
export function corsFor(origins: readonly string[]): Middleware | undefined {
  if (origins.length === 0) return undefined;
  const allowed = new Set(origins);
  return cors({
    origin: (ctx) => {
      if (allowed.has('*')) return '*';
      const origin = ctx.get('Origin');
      return allowed.has(origin) ? origin : '';
    },
    allowMethods: ['GET', 'HEAD', 'POST'],
    allowHeaders: ['Authorization', 'Content-Type', 'X-Request-Id', 'Idempotency-Key'],
    exposeHeaders: ['Location', 'X-Request-Id', 'Retry-After', 'WWW-Authenticate', 'Idempotent-Replayed'],
    maxAge: 600,
  });
}
