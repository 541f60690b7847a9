import cors from '@koa/cors';
import type { Middleware } from 'koa';
import helmet from 'koa-helmet';
import { DOCS_PATH } from './routes/docs.routes';

/**
 * Helmet everywhere. JSON responses get the strictest CSP (they load nothing); only the
 * Swagger UI pages get helmet's default policy, without upgrade-insecure-requests so the
 * docs work over plain http on a developer machine.
 */
export function securityHeaders(): Middleware {
  const api = helmet({
    contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
  });
  const docs = helmet({
    contentSecurityPolicy: { directives: { upgradeInsecureRequests: null, imgSrc: ["'self'", 'data:'] } },
  });
  return (ctx, next) => (ctx.path === DOCS_PATH || ctx.path.startsWith(`${DOCS_PATH}/`) ? docs : api)(ctx, next);
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
