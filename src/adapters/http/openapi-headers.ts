import type { OpenAPIRegistry, ResponseConfig } from '@asteasolutions/zod-to-openapi';
import { REPLAYED_HEADER } from './idempotency/idempotency';
import { RATE_LIMIT_HEADER, RATE_LIMIT_POLICY_HEADER } from './rate-limits';

/**
 * The response headers the service sends, as reusable OpenAPI header components, and which
 * responses carry them: every response has X-Request-Id; routes that count against a rate
 * limit add the IETF RateLimit-Policy and RateLimit fields; 429 and 503 add Retry-After;
 * an idempotent route's replayed answer adds Idempotent-Replayed.
 */

interface HeaderObject {
  description: string;
  required?: boolean;
  schema: Record<string, unknown>;
}
type Headers = Record<string, HeaderObject | { $ref: string }>;
/** zod-to-openapi's own header types come from two OpenAPI typings; these objects fit both. */
const asResponseHeaders = (headers: Headers) => headers as unknown as ResponseConfig['headers'];

const ref = (name: string) => ({ $ref: `#/components/headers/${name}` });

const HEADERS: Record<string, HeaderObject> = {
  'X-Request-Id': {
    description:
      'Correlation id of this request: the caller\'s own X-Request-Id when it is 1–64 of "A-Za-z0-9._-", else ' +
      'the trace id or a new UUID. Also the `traceId` of problem details and of the log line.',
    required: true,
    schema: { type: 'string', minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9._-]{1,64}$' },
  },
  [RATE_LIMIT_POLICY_HEADER]: {
    description:
      'The quota policies this request counted against (IETF draft-ietf-httpapi-ratelimit-headers): per policy, ' +
      'its quota `q` of requests per window of `w` seconds, e.g. `"per-ip";q=1200;w=60`. Sent once the request ' +
      'has been counted: not on answers given before (401, 403), nor with RATE_LIMIT_ENABLED=false.',
    schema: {
      type: 'string',
      maxLength: 256,
      pattern: '^"[a-z-]+";q=[0-9]+;w=[0-9]+(, "[a-z-]+";q=[0-9]+;w=[0-9]+)*$',
    },
  },
  [RATE_LIMIT_HEADER]: {
    description:
      'What is left of each policy in RateLimit-Policy after this request: `r` requests remaining, `t` seconds ' +
      'until the window resets, e.g. `"per-ip";r=1187;t=42`.',
    schema: {
      type: 'string',
      maxLength: 256,
      pattern: '^"[a-z-]+";r=[0-9]+;t=[0-9]+(, "[a-z-]+";r=[0-9]+;t=[0-9]+)*$',
    },
  },
  'Retry-After': {
    description: 'Seconds to wait before trying again',
    schema: { type: 'integer', format: 'int64', minimum: 1, maximum: Number.MAX_SAFE_INTEGER },
  },
  [REPLAYED_HEADER]: {
    description:
      'Present on an answer replayed for a repeated Idempotency-Key (the first answer to that key, success or 4xx)',
    schema: { type: 'string', enum: ['true'] },
  },
  'WWW-Authenticate': {
    description: 'The Bearer challenge (RFC 6750), with `error="invalid_token"` when a token was sent but refused',
    required: true,
    schema: { type: 'string', maxLength: 100, pattern: '^Bearer realm="ticketing"' },
  },
};

export function registerResponseHeaders(registry: OpenAPIRegistry): void {
  for (const [name, header] of Object.entries(HEADERS)) {
    registry.registerComponent('headers', name, header as never);
  }
}

/** What a route does that shows in its response headers. */
export interface HeaderTraits {
  readonly rateLimited: boolean;
  readonly idempotent: boolean;
}

/** Adds the headers each response of a route carries, beside the ones it already documents. */
export function withResponseHeaders(
  responses: Record<string, ResponseConfig>,
  traits: HeaderTraits,
): Record<string, ResponseConfig> {
  const result: Record<string, ResponseConfig> = {};
  for (const [status, response] of Object.entries(responses)) {
    const code = Number(status);
    const names: string[] = ['X-Request-Id'];
    if (traits.rateLimited) names.push(RATE_LIMIT_POLICY_HEADER, RATE_LIMIT_HEADER);
    if (code === 401) names.push('WWW-Authenticate');
    if (code === 429 || code === 503) names.push('Retry-After');
    // IDEMPOTENCY_KEY_IN_USE (409) asks to retry after a second; the route's other 409s do not.
    if (traits.idempotent && code === 409) names.push('Retry-After');
    if (traits.idempotent && code < 500) names.push(REPLAYED_HEADER);
    result[status] = {
      ...response,
      headers: asResponseHeaders({
        ...Object.fromEntries(names.map((name) => [name, ref(name)])),
        ...(response.headers as Headers | undefined),
      }),
    };
  }
  return result;
}

/** Headers a success response sets itself (Location), name → description: each a URL path of this API. */
export function successHeaders(descriptions: Readonly<Record<string, string>>): ResponseConfig['headers'] {
  return asResponseHeaders(
    Object.fromEntries(
      Object.entries(descriptions).map(([name, description]) => [
        name,
        { description, required: true, schema: { type: 'string', format: 'uri-reference', maxLength: 2048 } },
      ]),
    ),
  );
}
