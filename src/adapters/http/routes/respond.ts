import type { HttpContext } from '../http-context';

export const API_PREFIX = '/api/v1';

export function ok(ctx: HttpContext, body: unknown): void {
  ctx.status = 200;
  ctx.body = body;
}

export function created(ctx: HttpContext, location: string, body: unknown): void {
  ctx.status = 201;
  ctx.set('Location', location);
  ctx.body = body;
}

export const LOCATION_HEADER = { Location: 'URL of the created resource' } as const;
