import type { z } from 'zod';
import type { Actor } from '../../application/shared/actor';
import type { Access } from './auth';
import type { DomainErrorCode } from './error-codes';
import type { HttpContext } from './http-context';
import type { RateLimitRule } from './rate-limits';
import type { Reply } from './reply';

/*
 * What a route is, as data: the request pipeline (api-router.ts) mounts it and the OpenAPI
 * description (openapi.ts) documents it, both from the same spec.
 */

export interface SuccessResponse {
  readonly status: number;
  readonly description: string;
  /** Response body schema; documentation only: responses are never validated on the way out. */
  readonly schema?: z.ZodType;
  readonly contentType?: string;
  /** The same answer in other media types, chosen by the request's Accept header (documentation only). */
  readonly alternatives?: readonly { readonly contentType: string; readonly schema: z.ZodType }[];
  /** Response header name → description. */
  readonly headers?: Readonly<Record<string, string>>;
}

export type Schema = z.ZodType | undefined;
type Parsed<S extends Schema> = S extends z.ZodType ? z.output<S> : undefined;

interface RouteSpecFields<P extends Schema, Q extends Schema, B extends Schema, A extends Access> {
  readonly method: 'get' | 'post' | 'delete';
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
  /**
   * The body is read as JSON (type, size and syntax checked) but handed to the handler as its
   * exact text (`rawBody`) instead of validated: a signature over it must see every byte as
   * sent. `body` then only documents it.
   */
  readonly rawBody?: boolean;
  /** Request headers the handler reads, for the document only (a z.object of optional strings). */
  readonly headers?: z.ZodObject;
  /**
   * The caller is not a member but a payment provider, proven by its signature over the body
   * (`Stripe-Signature`) that the handler verifies: documented as the `providerSignature`
   * security scheme. Only for routes open to `anyone` at the HTTP layer.
   */
  readonly signedByProvider?: boolean;
  readonly responses: readonly SuccessResponse[];
  /** Domain error codes this route answers with; the generic ones are added from the spec. */
  readonly errors?: readonly DomainErrorCode[];
  /** The rate limits the route counts against ('default': the per-IP limit of every route). */
  readonly rateLimit?: RateLimitRule;
}

/**
 * `idempotent`: honours an Idempotency-Key header. Its records are kept per member, so a
 * route open to anyone cannot be idempotent: the types refuse `idempotent: true` there.
 */
export type RouteSpec<P extends Schema, Q extends Schema, B extends Schema, A extends Access> = RouteSpecFields<
  P,
  Q,
  B,
  A
> &
  (A extends 'anyone' ? { readonly idempotent?: false } : { readonly idempotent?: boolean });

/** Any route, as the OpenAPI description sees it. */
export type AnyRouteSpec = RouteSpec<Schema, Schema, Schema, Access>;

export interface RouteInput<P extends Schema, Q extends Schema, B extends Schema, A extends Access> {
  readonly actor: A extends 'anyone' ? undefined : Actor;
  readonly params: Parsed<P>;
  readonly query: Parsed<Q>;
  readonly body: Parsed<B>;
  /** The body's exact text, on routes with `rawBody`. */
  readonly rawBody?: string;
}

/**
 * A handler reads the request (ctx, and its input parsed by the spec's schemas) and answers
 * in one way only: it returns its Reply, and the pipeline writes it, or records it first on
 * an idempotent route. So no route can be wired to answer in a way that escapes the record.
 */
export type RouteHandler<P extends Schema, Q extends Schema, B extends Schema, A extends Access> = (
  ctx: HttpContext,
  input: RouteInput<P, Q, B, A>,
) => Promise<Reply> | Reply;
