import {
  OpenApiGeneratorV31,
  OpenAPIRegistry,
  type ResponseConfig,
  type RouteConfig,
} from '@asteasolutions/zod-to-openapi';
import type { z } from 'zod';
import { ADAPTER_ERRORS, type AdapterErrorCode, DOMAIN_ERRORS, type DomainErrorCode } from './error-codes';
import { IDEMPOTENCY_KEY_HEADER } from './idempotency/idempotency';
import { API_CONTACT, API_LICENSE, API_SERVERS, API_TAGS } from './openapi-info';
import { registerResponseHeaders, successHeaders, withResponseHeaders } from './openapi-headers';
import type { AnyRouteSpec } from './route-spec';
import { ProblemSchema } from './schemas/problem.schema';
import { z as zod } from './schemas/zod';

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
 * The OpenAPI 3.1 description of the API, generated from the same zod schemas that validate
 * requests: ApiRouter adds every route's spec here as it mounts it, so the document cannot
 * miss a route or describe a schema other than the one that validates.
 */
export class OpenApiDescription {
  readonly #registry = new OpenAPIRegistry();

  constructor() {
    this.#registry.registerComponent('securitySchemes', 'bearerAuth', {
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
      description:
        'Access token from POST /api/v1/auth/login: a JWS signed with HS256, following the JWT best current ' +
        'practices of RFC8725: verification pins the algorithm (no `none`, no other algorithm), the issuer and the ' +
        'audience, and requires an expiry (`exp`, TOKEN_TTL_SECONDS after issue); an expired or altered token is ' +
        '401 INVALID_TOKEN.',
    });
    this.#registry.registerComponent('securitySchemes', 'providerSignature', {
      type: 'apiKey',
      in: 'header',
      name: 'Stripe-Signature',
      description:
        "A payment provider's signature over the raw body: t=<unix seconds>,v1=<hex HMAC-SHA256 of " +
        '"<t>.<raw body>"> with the webhook secret shared with that provider (STRIPE_WEBHOOK_SECRET, ' +
        'FAKE_PAYMENT_WEBHOOK_SECRET). A missing or wrong signature, or one more than 300 s from our clock, is ' +
        '400 INVALID_SIGNATURE and changes nothing.',
    });
    this.#registry.register('Problem', ProblemSchema);
    registerResponseHeaders(this.#registry);
  }

  add(spec: AnyRouteSpec): void {
    this.#registry.registerPath(openApiRoute(spec));
  }

  document(): object {
    return new OpenApiGeneratorV31(this.#registry.definitions).generateDocument({
      openapi: '3.1.0',
      info: {
        title: 'Ticketing API',
        version: '1.0.0',
        description: [
          'Concert ticketing: browse performances, hold seats, confirm or cancel reservations.',
          "Dates are ISO-8601 strings; money is an integer in the currency's smallest unit next to a `currency` code.",
          'Every error is RFC 9457 problem details (`application/problem+json`) with a stable `code`.',
          'A malformed id in a path is 400 INVALID_ID. A request that takes too long is 503 REQUEST_TIMEOUT with Retry-After;',
          'it may still have taken effect, so read the resource before retrying.',
          'Every response carries X-Request-Id; rate-limited routes report their quotas in RateLimit-Policy and RateLimit.',
        ].join(' '),
        contact: API_CONTACT,
        license: API_LICENSE,
      },
      servers: API_SERVERS,
      tags: API_TAGS,
    });
  }
}

function openApiRoute(spec: AnyRouteSpec): RouteConfig {
  const responses: Record<string, ResponseConfig> = {};
  for (const success of spec.responses) {
    responses[String(success.status)] = {
      description: success.description,
      ...(success.headers && { headers: successHeaders(success.headers) }),
      ...(success.schema && {
        content: {
          [success.contentType ?? 'application/json']: { schema: success.schema },
          ...Object.fromEntries(
            (success.alternatives ?? []).map((alternative) => [
              alternative.contentType,
              { schema: alternative.schema },
            ]),
          ),
        },
      }),
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
    ...(spec.signedByProvider && { security: [{ providerSignature: [] }] }),
    request: {
      // Path and query schemas are always z.object(...): the generator turns their keys into parameters.
      ...(spec.params && { params: spec.params as unknown as z.ZodObject }),
      ...(spec.query && { query: spec.query as unknown as z.ZodObject }),
      ...((spec.idempotent || spec.headers) && {
        headers: zod.object({
          ...(spec.idempotent ? IdempotencyKeyHeaders.shape : {}),
          ...spec.headers?.shape,
        }),
      }),
      ...(spec.body && { body: { required: true, content: { 'application/json': { schema: spec.body } } } }),
    },
    responses: withResponseHeaders(responses, {
      rateLimited: (spec.rateLimit ?? 'default') !== 'none',
      idempotent: spec.idempotent === true,
    }),
  };
}

/** Every problem a route can answer with, by status: the generic ones follow from the spec. */
function problemCodesOf(spec: AnyRouteSpec): Map<number, Set<string>> {
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
  if (spec.access === 'admin' || spec.access === 'staff') domain('FORBIDDEN');
  if (spec.params) adapter('INVALID_ID');
  if (spec.body) {
    adapter('MALFORMED_JSON');
    adapter('PAYLOAD_TOO_LARGE');
    adapter('UNSUPPORTED_MEDIA_TYPE');
  }
  if ((spec.body && !spec.rawBody) || spec.query) adapter('VALIDATION_FAILED');
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
