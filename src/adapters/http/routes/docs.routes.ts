import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { ApiRouter } from '../api-router';
import { z } from '../schemas/zod';
import { ok } from './respond';

export const DOCS_PATH = '/docs';
export const OPENAPI_PATH = '/openapi.json';

/** Only these files of swagger-ui-dist are served; nothing else of node_modules is reachable. */
const SWAGGER_ASSETS: Readonly<Record<string, string>> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'index.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'swagger-ui-standalone-preset.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
  'favicon-16x16.png': 'image/png',
};

// Loaded from a file, not inline, so the docs page needs no 'unsafe-inline' script source.
const INITIALIZER = `window.onload = function () {
  window.ui = SwaggerUIBundle({
    url: '${OPENAPI_PATH}',
    dom_id: '#swagger-ui',
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    plugins: [SwaggerUIBundle.plugins.DownloadUrl],
    layout: 'StandaloneLayout',
  });
};
`;

const PAGE = `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="UTF-8">
    <title>Ticketing API</title>
    <link rel="stylesheet" type="text/css" href="${DOCS_PATH}/swagger-ui.css">
    <link rel="stylesheet" type="text/css" href="${DOCS_PATH}/index.css">
    <link rel="icon" type="image/png" href="${DOCS_PATH}/favicon-32x32.png" sizes="32x32">
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="${DOCS_PATH}/swagger-ui-bundle.js" charset="UTF-8"></script>
    <script src="${DOCS_PATH}/swagger-ui-standalone-preset.js" charset="UTF-8"></script>
    <script src="${DOCS_PATH}/swagger-initializer.js" charset="UTF-8"></script>
  </body>
</html>
`;

const assetCache = new Map<string, Promise<Buffer>>();

function swaggerAsset(name: string): Promise<Buffer> {
  let file = assetCache.get(name);
  if (!file) {
    // package.json resolves without loading swagger-ui-dist's index, which evaluates the 1.5 MB bundle.
    file = readFile(join(dirname(require.resolve('swagger-ui-dist/package.json')), name));
    file.catch(() => assetCache.delete(name));
    assetCache.set(name, file);
  }
  return file;
}

/** What `GET /` answers: where a newcomer (or a curl) goes next. */
const IndexSchema = z
  .object({
    name: z.string().max(64),
    links: z.object({
      docs: z.string().max(64).openapi({ description: 'Interactive API documentation' }),
      openapi: z.string().max(64).openapi({ description: 'The OpenAPI document' }),
      performances: z.string().max(64).openapi({ description: 'Where browsing starts' }),
      liveness: z.string().max(64).openapi({ description: 'The liveness probe' }),
      readiness: z.string().max(64).openapi({ description: 'The readiness probe' }),
    }),
  })
  .openapi('Index');

const INDEX: z.infer<typeof IndexSchema> = {
  name: 'Ticketing API',
  links: {
    docs: DOCS_PATH,
    openapi: OPENAPI_PATH,
    performances: '/api/v1/performances',
    liveness: '/healthz',
    readiness: '/readyz',
  },
};

export function docsRoutes(api: ApiRouter): void {
  let document: string | undefined;

  api.route(
    {
      method: 'get',
      path: '/',
      operationId: 'index',
      summary: 'Links to the API documentation, the OpenAPI document and the probes',
      tag: 'Documentation',
      access: 'anyone',
      description: 'A starting point for a person or a crawler that opens the bare address of the service.',
      responses: [{ status: 200, description: 'Where to go next', schema: IndexSchema }],
    },
    () => ok(INDEX),
  );

  api.route(
    {
      method: 'get',
      path: OPENAPI_PATH,
      operationId: 'openApiDocument',
      summary: 'This OpenAPI 3.1 document',
      description: 'The OpenAPI 3.1 description of every route, generated from the schemas that validate requests.',
      tag: 'Documentation',
      access: 'anyone',
      responses: [
        {
          status: 200,
          description: 'The OpenAPI document',
          schema: z.looseObject({ openapi: z.string().max(20).openapi({ pattern: '^3\\.1\\.[0-9]+$' }) }),
        },
      ],
    },
    () => {
      // Generated on first use: every route is registered by then.
      document ??= JSON.stringify(api.openApi.document());
      return ok(document, { 'Content-Type': 'application/json' });
    },
  );

  api.route(
    {
      method: 'get',
      path: DOCS_PATH,
      operationId: 'swaggerUi',
      summary: 'Interactive API documentation (Swagger UI)',
      description: 'Swagger UI over this document; its scripts and styles are served from the same origin.',
      tag: 'Documentation',
      access: 'anyone',
      responses: [
        {
          status: 200,
          description: 'HTML page',
          schema: z.string().max(PAGE.length).openapi({ pattern: '^<!DOCTYPE html>' }),
          contentType: 'text/html',
        },
      ],
    },
    () => ok(PAGE, { 'Content-Type': 'text/html; charset=utf-8' }),
  );

  api.router.get(`${DOCS_PATH}/:asset`, async (ctx, next) => {
    const asset = ctx.params['asset']!;
    if (asset === 'swagger-initializer.js') {
      ctx.body = INITIALIZER;
      ctx.type = 'text/javascript; charset=utf-8';
      return;
    }
    const type = SWAGGER_ASSETS[asset];
    if (!type) return next();
    ctx.body = await swaggerAsset(asset);
    ctx.type = type;
    ctx.set('Cache-Control', 'public, max-age=86400');
  });
}
