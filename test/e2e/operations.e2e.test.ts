import { startTestApp, type TestApp } from '../support/service';
import type { Json } from '../../testkit/api-client';
import { expectProblem } from '../support/problem-assertions';

/** Every route of the API, as OpenAPI spells it. */
const ROUTES = [
  'post /api/v1/members',
  'post /api/v1/auth/login',
  'get /api/v1/members/me',
  'post /api/v1/performances',
  'get /api/v1/performances',
  'get /api/v1/performances/{id}',
  'get /api/v1/performances/{id}/seats',
  'get /api/v1/performances/{id}/seats/stream',
  'post /api/v1/reservations',
  'post /api/v1/reservations/{id}/confirm',
  'post /api/v1/reservations/{id}/cancel',
  'post /api/v1/reservations/{id}/checkout',
  'post /api/v1/payments/webhooks/{provider}',
  'get /api/v1/reservations/{id}',
  'get /api/v1/members/me/reservations',
  'post /api/v1/staff',
  'get /api/v1/tickets/{id}/qr.svg',
  'post /api/v1/check-ins',
  'post /api/v1/performances/{id}/queue',
  'get /api/v1/performances/{id}/queue/me',
  'get /api/v1/performances/{id}/queue/me/stream',
  'get /api/v1/performances/{id}/sales',
  'get /.well-known/jwks.json',
  'post /api/v1/webhooks',
  'get /api/v1/webhooks',
  'delete /api/v1/webhooks/{id}',
  'post /api/v1/webhooks/{id}/rotate-secret',
  'get /api/v1/webhooks/{id}/deliveries',
  'get /healthz',
  'get /readyz',
  // Served as in production: the test app is built by the same container.
  'get /metrics',
  'get /openapi.json',
  'get /docs',
  'get /',
];

describe('health probes', () => {
  let app: TestApp;
  let ready = true;
  let failing = false;

  beforeAll(async () => {
    app = await startTestApp({
      readiness: async () => {
        if (failing) throw new Error('probe exploded');
        return { ready, checks: { database: ready ? 'up' : 'down', redis: 'up' } };
      },
    });
  });
  afterAll(() => app.close());

  it('answers liveness with status ok, uncached', async () => {
    const response = await app.request('GET', '/healthz');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ status: 'ok' });
    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  it('answers readiness 200 with the report while every dependency is up', async () => {
    ready = true;
    const response = await app.request('GET', '/readyz');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ status: 'ready', checks: { database: 'up', redis: 'up' } });
  });

  it('answers readiness 503 naming the dependency that is down', async () => {
    ready = false;
    const response = await app.request('GET', '/readyz');
    expect(response.status).toBe(503);
    expect(response.body).toEqual({ status: 'unavailable', checks: { database: 'down', redis: 'up' } });
  });

  it('answers readiness 503 when the check itself fails', async () => {
    failing = true;
    const response = await app.request('GET', '/readyz');
    failing = false;
    expect(response.status).toBe(503);
    expect(response.body).toEqual({ status: 'unavailable', checks: {} });
  });
});

describe('OpenAPI document and Swagger UI', () => {
  let app: TestApp;
  let doc: Json;

  beforeAll(async () => {
    app = await startTestApp();
    const response = await app.request('GET', '/openapi.json');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    doc = response.body;
  });
  afterAll(() => app.close());

  it('is an OpenAPI 3 document with info and paths', () => {
    expect(doc.openapi).toMatch(/^3\.\d+\.\d+$/);
    expect(doc.info).toEqual(expect.objectContaining({ title: expect.any(String), version: expect.any(String) }));
    expect(Object.keys(doc.paths).length).toBeGreaterThan(0);
  });

  it('lists every route and nothing else', () => {
    const listed = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.keys(item as object).map((method) => `${method} ${path}`),
    );
    expect(listed.sort()).toEqual([...ROUTES].sort());
  });

  it('gives every operation a unique id, a success response and declared path parameters', () => {
    const operationIds = new Set<string>();
    for (const [path, item] of Object.entries<Json>(doc.paths)) {
      for (const operation of Object.values<Json>(item)) {
        expect(operationIds.has(operation.operationId)).toBe(false);
        operationIds.add(operation.operationId);
        expect(Object.keys(operation.responses).some((status) => /^2\d\d$/.test(status))).toBe(true);
        for (const response of Object.values<Json>(operation.responses))
          expect(response.description).toEqual(expect.any(String));
        const templated = [...path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]);
        const declared = (operation.parameters ?? []).filter((p: Json) => p.in === 'path').map((p: Json) => p.name);
        expect(declared.sort()).toEqual(templated.sort());
      }
    }
  });

  it('describes every error response with the one Problem schema', () => {
    expect(doc.components.schemas.Problem).toMatchObject({
      type: 'object',
      properties: expect.objectContaining({
        type: expect.any(Object),
        title: expect.any(Object),
        status: expect.any(Object),
        detail: expect.any(Object),
        code: expect.any(Object),
      }),
      required: expect.arrayContaining(['type', 'title', 'status', 'detail', 'code']),
    });
    let errorResponses = 0;
    for (const item of Object.values<Json>(doc.paths)) {
      for (const operation of Object.values<Json>(item)) {
        for (const [status, response] of Object.entries<Json>(operation.responses)) {
          if (Number(status) < 400 || operation.operationId === 'readiness') continue;
          errorResponses++;
          expect(response.content['application/problem+json'].schema).toEqual({ $ref: '#/components/schemas/Problem' });
        }
      }
    }
    expect(errorResponses).toBeGreaterThan(ROUTES.length);
  });

  it('documents the request schemas that validate, and their error codes', () => {
    const hold = doc.paths['/api/v1/reservations'].post;
    expect(hold.requestBody.content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/HoldSeatsRequest',
    });
    const holdRequest = doc.components.schemas.HoldSeatsRequest;
    expect(holdRequest.additionalProperties).toBe(false);
    expect(holdRequest.required).toEqual(['performanceId']);
    // Exactly one of seatIds (these seats) and quantity (the best available).
    expect(holdRequest.oneOf.map((way: { required: string[] }) => way.required)).toEqual([['seatIds'], ['quantity']]);
    expect(hold.responses['409'].description).toContain('NOT_ENOUGH_SEATS_TOGETHER');
    expect(hold.responses['409'].description).toContain('SEAT_UNAVAILABLE');
    expect(hold.responses['409'].description).toContain('SEATS_ALREADY_CLAIMED');
    expect(hold.responses['422'].description).toEqual(expect.stringContaining('TOO_MANY_SEATS'));
    const list = doc.paths['/api/v1/performances'].get;
    expect(list.parameters.map((p: Json) => `${p.in}:${p.name}`).sort()).toEqual(['query:page', 'query:size']);
    const size = list.parameters.find((p: Json) => p.name === 'size');
    expect(size.schema).toMatchObject({ minimum: 1, maximum: 100, default: 20 });
  });

  it('declares bearer authentication and requires it exactly on member, staff and admin routes, and the provider signature on its webhook', () => {
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    const secured = Object.entries<Json>(doc.paths)
      .flatMap(([path, item]) =>
        Object.entries<Json>(item).map(([method, operation]) => ({ route: `${method} ${path}`, operation })),
      )
      .filter(({ operation }) => operation.security)
      .filter(({ route, operation }) => {
        if (route !== 'post /api/v1/payments/webhooks/{provider}') return true;
        // The one caller that is not a member: a payment provider, proven by its signature.
        expect(operation.security).toEqual([{ providerSignature: [] }]);
        expect(doc.components.securitySchemes.providerSignature).toMatchObject({
          type: 'apiKey',
          in: 'header',
          name: 'Stripe-Signature',
        });
        return false;
      })
      .map(({ route, operation }) => {
        expect(operation.security).toEqual([{ bearerAuth: [] }]);
        expect(operation.responses['401']).toBeDefined();
        return route;
      });
    expect(secured.sort()).toEqual(
      [
        'get /api/v1/members/me',
        'post /api/v1/performances',
        'post /api/v1/reservations',
        'post /api/v1/reservations/{id}/confirm',
        'post /api/v1/reservations/{id}/cancel',
        'post /api/v1/reservations/{id}/checkout',
        'get /api/v1/reservations/{id}',
        'get /api/v1/members/me/reservations',
        'post /api/v1/staff',
        'get /api/v1/tickets/{id}/qr.svg',
        'post /api/v1/check-ins',
        'post /api/v1/performances/{id}/queue',
        'get /api/v1/performances/{id}/queue/me',
        'get /api/v1/performances/{id}/queue/me/stream',
        'get /api/v1/performances/{id}/sales',
        'post /api/v1/webhooks',
        'get /api/v1/webhooks',
        'delete /api/v1/webhooks/{id}',
        'post /api/v1/webhooks/{id}/rotate-secret',
        'get /api/v1/webhooks/{id}/deliveries',
      ].sort(),
    );
    expect(doc.paths['/api/v1/performances'].post.responses['403']).toBeDefined();
  });

  it('has no dangling $ref', () => {
    const refs = JSON.stringify(doc).match(/"\$ref":"[^"]+"/g) ?? [];
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of new Set(refs)) {
      const pointer = ref.slice('"$ref":"#/'.length, -1).split('/');
      const target = pointer.reduce<Json>((node, key) => node?.[key], doc);
      expect({ ref, found: target !== undefined }).toEqual({ ref, found: true });
    }
  });

  it('serves Swagger UI whose assets are all served locally', async () => {
    const page = await app.request('GET', '/docs');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const assets = [...(page.body as string).matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]!);
    expect(assets.length).toBeGreaterThanOrEqual(4);
    for (const asset of assets) {
      expect(asset).toMatch(/^\/docs\//);
      const response = await app.request('GET', asset);
      expect({ asset, status: response.status }).toEqual({ asset, status: 200 });
      expect(Buffer.byteLength(response.text)).toBeGreaterThan(100);
    }
    const initializer = await app.request('GET', '/docs/swagger-initializer.js');
    expect(initializer.body).toContain("url: '/openapi.json'");
    // The client reads every body whole: a response left unread would hold its connection open past the test.
    const bundle = await app.request('GET', '/docs/swagger-ui-bundle.js');
    expect(bundle.headers.get('content-type')).toMatch(/javascript/);
  });

  it('relaxes the content security policy for /docs only', async () => {
    const docs = await app.request('GET', '/docs');
    const api = await app.request('GET', '/healthz');
    expect(docs.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(api.headers.get('content-security-policy')).toBe("default-src 'none';frame-ancestors 'none'");
  });

  it('answers the root with links to the docs, the document and the probes, each of which answers', async () => {
    const index = await app.request('GET', '/');
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toMatch(/^application\/json/);
    expect(index.body).toEqual({
      name: 'Ticketing API',
      links: {
        docs: '/docs',
        openapi: '/openapi.json',
        performances: '/api/v1/performances',
        liveness: '/healthz',
        readiness: '/readyz',
      },
    });
    for (const link of Object.values<string>(index.body.links)) {
      expect({ link, status: (await app.request('GET', link)).status }).toEqual({ link, status: 200 });
    }
  });

  it('answers 404 for files of swagger-ui-dist that are not served and for paths outside it', async () => {
    expectProblem(await app.request('GET', '/docs/package.json'), 404, 'NOT_FOUND');
    expectProblem(await app.request('GET', '/docs/..%2Fpackage.json'), 404, 'NOT_FOUND');
  });
});
