import type { Reply } from '../reply';

export const API_PREFIX = '/api/v1';

export const LOCATION_HEADER = { Location: 'URL of the created resource' } as const;

/** For answers that are about this moment or carry a secret: never stored by a cache. */
export const NO_STORE = { 'Cache-Control': 'no-store' } as const;

export function ok(body: unknown, headers?: Readonly<Record<string, string>>): Reply {
  return headers ? { status: 200, headers, body } : { status: 200, body };
}

/** 201 with the Location of the new resource. */
export function created(location: string, body: unknown): Reply {
  return { status: 201, headers: { Location: location }, body };
}
