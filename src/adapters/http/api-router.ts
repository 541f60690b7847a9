import Router from '@koa/router';
import type { Middleware } from 'koa';
import type { TokenService } from '../../application/identity/ports/token-service';
import { type Access, authenticate } from './auth';
import { RequestError } from './error-codes';
import type { RequestState } from './http-context';
import type { Idempotency } from './idempotency/idempotency';
import { OpenApiDescription } from './openapi';
import { NO_RATE_LIMITS, type HttpRateLimits } from './rate-limits';
import { writeReply } from './reply';
import type { JsonBodyReader } from './request-body';
import type { RouteHandler, RouteInput, RouteSpec, Schema } from './route-spec';
import { parseInput, parseParams } from './validation';

export interface ApiRouterOptions {
  readonly rateLimits?: HttpRateLimits;
  /** Without it, Idempotency-Key headers are ignored. */
  readonly idempotency?: Idempotency;
}

/**
 * The request pipeline. Each route is mounted from its spec, which is also added to the
 * OpenAPI description. Per request it does only what the spec asks for, in the order clients
 * expect: 401/403 before 429 before 400 INVALID_ID before 415/413/400 on the body, then the
 * Idempotency-Key (400, 409, 422, or a replay) before the handler, whose Reply it writes.
 */
export class ApiRouter {
  readonly router = new Router<RequestState>();
  readonly openApi = new OpenApiDescription();
  private readonly rateLimits: HttpRateLimits;
  private readonly idempotency: Idempotency | undefined;

  constructor(
    private readonly tokens: TokenService,
    private readonly readBody: JsonBodyReader,
    options: ApiRouterOptions = {},
  ) {
    this.rateLimits = options.rateLimits ?? NO_RATE_LIMITS;
    this.idempotency = options.idempotency;
  }

  route<
    P extends Schema = undefined,
    Q extends Schema = undefined,
    B extends Schema = undefined,
    A extends Access = 'anyone',
  >(spec: RouteSpec<P, Q, B, A>, handler: RouteHandler<P, Q, B, A>): this {
    this.openApi.add(spec);
    const { access, params, query, body } = spec;
    const rateLimit = spec.rateLimit ?? 'default';
    const idempotency = spec.idempotent ? this.idempotency : undefined;
    this.router[spec.method](spec.path, async (ctx) => {
      const actor = access === 'anyone' ? undefined : await authenticate(ctx, this.tokens, access);
      await this.rateLimits.check(rateLimit, ctx, actor);
      const parsedParams = params ? parseParams(params, ctx.params) : undefined;
      let rawBody: string | undefined;
      if (spec.rawBody) {
        await this.readBody(ctx);
        rawBody = ctx.request.rawBody ?? '';
      }
      const parsedBody = body && !spec.rawBody ? parseInput(body, await this.readBody(ctx), 'body') : undefined;
      const parsedQuery = query ? parseInput(query, ctx.query, 'query') : undefined;
      const input = {
        actor,
        params: parsedParams,
        query: parsedQuery,
        body: parsedBody,
        ...(rawBody !== undefined && { rawBody }),
      } as RouteInput<P, Q, B, A>;
      const answer = async () => handler(ctx, input);
      // The spec's types keep idempotent routes to members, so `actor` is there.
      if (idempotency && actor) await idempotency.run(ctx, actor, { params: parsedParams, body: parsedBody }, answer);
      else writeReply(ctx, await answer());
    });
    return this;
  }

  /** Router middleware, then: OPTIONS/405 with Allow for known paths, 404 for the rest. */
  middleware(): Middleware<RequestState>[] {
    return [this.router.routes() as Middleware<RequestState>, unmatched()];
  }
}

function unmatched(): Middleware<RequestState> {
  return async (ctx) => {
    const layers = (ctx as { matched?: { methods: string[] }[] }).matched ?? [];
    const allowed = [...new Set(layers.flatMap((layer) => layer.methods))];
    // No layer for this path, or one that passed on it (an unknown docs asset): not found.
    if (allowed.length === 0 || allowed.includes(ctx.method)) {
      throw new RequestError('NOT_FOUND', `No route for ${ctx.method} ${ctx.path}`);
    }
    // The body's list and the Allow header are one list: OPTIONS is answered too.
    const methods = [...allowed, 'OPTIONS'];
    const allow = methods.join(', ');
    if (ctx.method === 'OPTIONS') {
      ctx.status = 204;
      ctx.set('Allow', allow);
      return;
    }
    throw new RequestError(
      'METHOD_NOT_ALLOWED',
      `${ctx.method} is not allowed here`,
      { allow: methods },
      { Allow: allow },
    );
  };
}
