import Router from '@koa/router';
import { OpenAPIRegistry, type ResponseConfig, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import type { Middleware } from 'koa';
import type { z } from 'zod';
import type { Actor } from '../../application/shared/actor';
import type { TokenService } from '../../application/identity/ports/token-service';
import { type Access, authenticate } from './auth';
import {
  ADAPTER_ERRORS,
  type AdapterErrorCode,
  DOMAIN_ERRORS,
  type DomainErrorCode,
  RequestError,
} from './error-codes';
import type { HttpContext, RequestState } from './http-context';
import { IDEMPOTENCY_KEY_HEADER, type Idempotency } from './idempotency';
import { registerResponseHeaders, successHeaders, withResponseHeaders } from './openapi-headers';
import { NO_RATE_LIMITS, type HttpRateLimits, type RateLimitRule } from './rate-limits';
import { type Reply, writeReply } from './reply';
import type { JsonBodyReader } from './request-body';
import { ProblemSchema } from './schemas/problem.schema';
import { z as zod } from './schemas/zod';
import { parseInput, parseParams } from './validation';

export interface SuccessResponse {
  readonly status: number;
  readonly description: string;
  /** Response body schema; documentation only: responses are never validated on the way out. */
  readonly schema?: z.ZodType;
  readonly contentType?: string;
  /** Response header name → description. */
  readonly headers?: Readonly<Record<string, string>>;
}

type Schema = z.ZodType | undefined;
type Parsed<S extends Schema> = S extends z.ZodType ? z.output<S> : undefined;

export interface RouteSpec<P extends Schema, Q extends Schema, B extends Schema, A extends Access> {
  readonly method: 'get' | 'post';
  /** Koa path with :params, e.g. /api/v1/performances/:id */
  readonly path: string;
  readonly operationId: string;
  readonly summary: string;
  readonly description?: string;
  readonly tag: string;
  readonly access: A;
  readonly params?: P;
  readonly query?: Q;
  readonly body?: B;
  readonly responses: readonly SuccessResponse[];
  /** Domain error codes this route answers with; the generic ones are added from the spec. */
  readonly errors?: readonly DomainErrorCode[];
  /** The rate limits the route counts against ('default': the per-IP limit of every route). */
  readonly rateLimit?: RateLimitRule;
  /**
   * Honours an Idempotency-Key header (member routes only). The handler must return its
   * answer as a Reply instead of writing it, so that the answer can be recorded.
   */
  readonly idempotent?: boolean;
}

export interface RouteInput<P extends Schema, Q extends Schema, B extends Schema, A extends Access> {
  readonly actor: A extends 'anyone' ? undefined : Actor;
  readonly params: Parsed<P>;
  readonly query: Parsed<Q>;
  readonly body: Parsed<B>;
}

/** Writes its answer to ctx, or returns it as a Reply (which idempotent routes must). */
export type RouteHandler<P extends Schema, Q extends Schema, B extends Schema, A extends Access> = (
  ctx: HttpContext,
  input: RouteInput<P, Q, B, A>,
) => Promise<void | Reply> | void | Reply;

export interface ApiRouterOptions {
  readonly rateLimits?: HttpRateLimits;
  /** Without it, Idempotency-Key headers are ignored. */
  readonly idempotency?: Idempotency;
}

const IdempotencyKeyHeaders = zod.object({
  [IDEMPOTENCY_KEY_HEADER]: zod
    .string()
    .min(1)
    .max(255)
    .optional()
    .openapi({
      pattern: '^[\\x20-\\x7E]{1,255}$',
      description:
        'Makes a retry safe: the first answer to this key (success or 4xx) is replayed, with Idempotent-Replayed: true, ' +
        'to any later request of the member with the same key, method, path and body; 1–255 printable ASCII characters',
      example: 'c5b1f7d0-3c1e-4f7e-9a55-0f9f1d2e4b6a',
    }),
});

/**
 * Registers each route twice from one spec: on the Koa router and in the OpenAPI registry,
 * so the document cannot miss a route or describe a schema other than the one that validates.
 * Per request it does only what the spec asks for, in the order clients expect:
 * 401/403 before 429 before 400 INVALID_ID before 415/413/400 on the body, then the
 * Idempotency-Key (400, 409, 422, or a replay) before the handler.
 */
export class ApiRouter {
  readonly router = new Router<RequestState>();
  readonly registry = new OpenAPIRegistry();
  private readonly rateLimits: HttpRateLimits;
  private readonly idempotency: Idempotency | undefined;

  constructor(
    private readonly tokens: TokenService,
    private readonly readBody: JsonBodyReader,
    options: ApiRouterOptions = {},
  ) {
    this.rateLimits = options.rateLimits ?? NO_RATE_LIMITS;
    this.idempotency = options.idempotency;
    this.registry.registerComponent('securitySchemes', 'bearerAuth', {
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
      description:
        'Access token from POST /api/v1/auth/login: a JWS signed with HS256, following the JWT best current ' +
        'practices of RFC8725: verification pins the algorithm (no `none`, no other algorithm), the issuer and the ' +
        'audience, and requires an expiry (`exp`, TOKEN_TTL_SECONDS after issue); an expired or altered token is ' +
        '401 INVALID_TOKEN.',
    });
    this.registry.register('Problem', ProblemSchema);
    registerResponseHeaders(this.registry);
  }

  route<
    P extends Schema = undefined,
    Q extends Schema = undefined,
    B extends Schema = undefined,
    A extends Access = 'anyone',
  >(spec: RouteSpec<P, Q, B, A>, handler: RouteHandler<P, Q, B, A>): this {
    if (spec.idempotent && spec.access === 'anyone') throw new Error(`${spec.operationId}: idempotency needs a member`);
    this.registry.registerPath(openApiRoute(spec));
    const { access, params, query, body } = spec;
    const rateLimit = spec.rateLimit ?? 'default';
    const idempotency = spec.idempotent ? this.idempotency : undefined;
    this.router[spec.method](spec.path, async (ctx) => {
      const actor = access === 'anyone' ? undefined : await authenticate(ctx, this.tokens, access);
      await this.rateLimits.check(rateLimit, ctx, actor);
      const parsedParams = params ? parseParams(params, ctx.params) : undefined;
      const parsedBody = body ? parseInput(body, await this.readBody(ctx), 'body') : undefined;
      const parsedQuery = query ? parseInput(query, ctx.query, 'query') : undefined;
      const input = { actor, params: parsedParams, query: parsedQuery, body: parsedBody } as RouteInput<P, Q, B, A>;
      if (idempotency && actor) {
        await idempotency.run(ctx, actor, { params: parsedParams, body: parsedBody }, async () => {
          const reply = await handler(ctx, input);
          if (!reply) throw new Error(`${spec.operationId} is idempotent but wrote its answer instead of returning it`);
          return reply;
        });
        return;
      }
      const reply = await handler(ctx, input);
      if (reply) writeReply(ctx, reply);
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
    const allow = [...allowed, 'OPTIONS'].join(', ');
    if (ctx.method === 'OPTIONS') {
      ctx.status = 204;
      ctx.set('Allow', allow);
      return;
    }
    throw new RequestError(
      'METHOD_NOT_ALLOWED',
      `${ctx.method} is not allowed here`,
      { allow: allowed },
      { Allow: allow },
    );
  };
}

function openApiRoute<P extends Schema, Q extends Schema, B extends Schema, A extends Access>(
  spec: RouteSpec<P, Q, B, A>,
): RouteConfig {
  const responses: Record<string, ResponseConfig> = {};
  for (const success of spec.responses) {
    responses[String(success.status)] = {
      description: success.description,
      ...(success.headers && {
        headers: successHeaders(success.headers),
      }),
      ...(success.schema && { content: { [success.contentType ?? 'application/json']: { schema: success.schema } } }),
    };
  }
  for (const [status, codes] of problemCodesOf(spec)) {
    // A status that is also a documented answer (the 503 of /readyz) keeps that answer's
    // body and gains the problem body beside it, instead of losing it.
    const existing = responses[String(status)];
    responses[String(status)] = {
      description: existing
        ? `${existing.description}; or problem details, code: ${[...codes].join(' | ')}`
        : `Problem details; code: ${[...codes].join(' | ')}`,
      ...(existing?.headers && { headers: existing.headers }),
      content: { ...existing?.content, 'application/problem+json': { schema: ProblemSchema } },
    };
  }
  return {
    method: spec.method,
    path: spec.path.replace(/:(\w+)/g, '{$1}'),
    operationId: spec.operationId,
    summary: spec.summary,
    ...(spec.description && { description: spec.description }),
    tags: [spec.tag],
    ...(spec.access !== 'anyone' && { security: [{ bearerAuth: [] }] }),
    request: {
      // Path and query schemas are always z.object(...): the generator turns their keys into parameters.
      ...(spec.params && { params: spec.params as unknown as z.ZodObject }),
      ...(spec.query && { query: spec.query as unknown as z.ZodObject }),
      ...(spec.idempotent && { headers: IdempotencyKeyHeaders }),
      ...(spec.body && { body: { required: true, content: { 'application/json': { schema: spec.body } } } }),
    },
    responses: withResponseHeaders(responses, {
      rateLimited: (spec.rateLimit ?? 'default') !== 'none',
      idempotent: spec.idempotent === true,
    }),
  };
}

/** Every problem a route can answer with, by status: the generic ones follow from the spec. */
function problemCodesOf(spec: RouteSpec<Schema, Schema, Schema, Access>): Map<number, Set<string>> {
  const byStatus = new Map<number, Set<string>>();
  const add = (code: string, status: number) => {
    if (!byStatus.has(status)) byStatus.set(status, new Set());
    byStatus.get(status)!.add(code);
  };
  const adapter = (code: AdapterErrorCode) => add(code, ADAPTER_ERRORS[code].status);
  const domain = (code: DomainErrorCode) => add(code, DOMAIN_ERRORS[code].status);
  if (spec.access !== 'anyone') {
    adapter('UNAUTHENTICATED');
    domain('INVALID_TOKEN');
  }
  if (spec.access === 'admin') domain('FORBIDDEN');
  if (spec.params) adapter('INVALID_ID');
  if (spec.body) {
    adapter('MALFORMED_JSON');
    adapter('PAYLOAD_TOO_LARGE');
    adapter('UNSUPPORTED_MEDIA_TYPE');
  }
  if (spec.body || spec.query) adapter('VALIDATION_FAILED');
  if ((spec.rateLimit ?? 'default') !== 'none') adapter('RATE_LIMITED');
  if (spec.idempotent) {
    adapter('INVALID_IDEMPOTENCY_KEY');
    adapter('IDEMPOTENCY_KEY_IN_USE');
    adapter('IDEMPOTENCY_KEY_REUSED');
  }
  for (const code of spec.errors ?? []) domain(code);
  adapter('INTERNAL_ERROR');
  adapter('REQUEST_TIMEOUT');
  domain('SERVICE_UNAVAILABLE');
  return new Map([...byStatus].sort(([a], [b]) => a - b));
}
