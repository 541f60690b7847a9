import type { HttpContext } from '../http-context';
import type { Reply } from '../reply';

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

/** 201 with Location, as a Reply: for idempotent routes, whose answers are recorded before they are written. */
export function createdReply(location: string, body: unknown): Reply {
  return { status: 201, headers: { Location: location }, body };
}

export function okReply(body: unknown): Reply {
  return { status: 200, body };
}
