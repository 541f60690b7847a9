import { ApiRouter } from '../../../src/adapters/http/api-router';
import { ok } from '../../../src/adapters/http/routes/respond';
import type { TokenService } from '../../../src/application/identity/ports/token-service';

// Neither is reached: the test only mounts routes and reads their description.
const tokens = {} as TokenService;
const readBody = async () => undefined;

const spec = (operationId: string) =>
  ({
    method: 'post',
    path: `/things/${operationId}`,
    operationId,
    summary: operationId,
    tag: 'Things',
    responses: [{ status: 200, description: 'The thing' }],
  }) as const;

/*
 * Wirings the types refuse; `npm run typecheck` fails if any of them compiles (an unused
 * @ts-expect-error is an error), so these are checked without running.
 */
export function wiringsTheTypesRefuse(api: ApiRouter): void {
  // @ts-expect-error Idempotency-Key records are kept per member: a route open to anyone cannot be idempotent.
  api.route({ ...spec('a'), access: 'anyone', idempotent: true }, () => ok({}));
  // @ts-expect-error A handler answers by returning its Reply, never by writing to ctx.
  api.route({ ...spec('b'), access: 'member', idempotent: true }, (ctx) => {
    ctx.body = {};
  });
  // @ts-expect-error Not on routes that are not idempotent either.
  api.route({ ...spec('c'), access: 'member' }, async (ctx) => {
    ctx.status = 204;
  });
}

describe('route definitions', () => {
  it('mount member routes as idempotent and document their Idempotency-Key header', () => {
    const api = new ApiRouter(tokens, readBody);
    api.route({ ...spec('member'), access: 'member', idempotent: true }, () => ok({}));
    api.route({ ...spec('anyone'), access: 'anyone' }, () => ok({}));

    const paths = (api.openApi.document() as { paths: Record<string, { post: { parameters?: { name: string }[] } }> })
      .paths;
    expect(paths['/things/member']!.post.parameters?.map((parameter) => parameter.name)).toContain('Idempotency-Key');
    expect(paths['/things/anyone']!.post.parameters ?? []).toEqual([]);
  });
});
