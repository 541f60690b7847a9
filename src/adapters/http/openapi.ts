import { OpenApiGeneratorV31, type OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { API_CONTACT, API_LICENSE, API_SERVERS, API_TAGS } from './openapi-info';

/**
 * The OpenAPI 3.1 document, generated from the same zod schemas that validate requests
 * (ApiRouter registers every route in the registry as it mounts it).
 */
export function buildOpenApiDocument(registry: OpenAPIRegistry): object {
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
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
