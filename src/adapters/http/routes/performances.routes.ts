import type { ApiRouter } from '../api-router';
import type { UseCases } from '../http-dependencies';
import {
  presentPerformance,
  presentPerformanceDetail,
  presentPerformancePage,
  serializeSeatMap,
} from '../presenters/performance.presenter';
import {
  CreatePerformanceBody,
  ListPerformancesQuery,
  PerformanceDetailSchema,
  PerformancePageSchema,
  PerformanceSchema,
  SeatMapSchema,
} from '../schemas/performance.schema';
import { IdParams } from '../schemas/zod';
import { API_PREFIX, LOCATION_HEADER, created, ok } from './respond';

export function performanceRoutes(api: ApiRouter, useCases: UseCases): void {
  api.route(
    {
      method: 'post',
      path: `${API_PREFIX}/performances`,
      operationId: 'createPerformance',
      summary: 'Create a performance with its price grades and hall layout (admin)',
      description:
        'Lays out the hall (every section gets rows × seatsPerRow seats, numbered from 1, each with a fixed id) ' +
        "and prices each seat by its section's grade. Admins only. A layout the domain refuses (see the request " +
        'schema) is 422 INVALID_PERFORMANCE.',
      tag: 'Performances',
      access: 'admin',
      body: CreatePerformanceBody,
      responses: [
        {
          status: 201,
          description: 'The performance (without its seat list)',
          schema: PerformanceSchema,
          headers: LOCATION_HEADER,
        },
      ],
      errors: ['INVALID_PERFORMANCE', 'VALIDATION_FAILED'],
    },
    async (_ctx, { actor, body }) => {
      const performance = await useCases.createPerformance.execute(actor, {
        ...body,
        startsAt: new Date(body.startsAt),
        salesOpenAt: new Date(body.salesOpenAt),
        salesCloseAt: new Date(body.salesCloseAt),
      });
      return created(`${API_PREFIX}/performances/${performance.id}`, presentPerformance(performance));
    },
  );

  api.route(
    {
      method: 'get',
      path: `${API_PREFIX}/performances`,
      operationId: 'listPerformances',
      summary: 'Upcoming performances, most recently opened sales first',
      description:
        'Performances that have not started yet, one page at a time, with their seat count and lowest price; ' +
        'a page past the end is empty.',
      tag: 'Performances',
      access: 'anyone',
      query: ListPerformancesQuery,
      responses: [{ status: 200, description: 'One page of performances', schema: PerformancePageSchema }],
    },
    async (_ctx, { query }) =>
      ok(presentPerformancePage(await useCases.listPerformances.execute(query.page, query.size))),
  );

  api.route(
    {
      method: 'get',
      path: `${API_PREFIX}/performances/:id`,
      operationId: 'getPerformance',
      summary: 'A performance with its availability per grade',
      description: 'The performance, its grades and sections, and how many seats of each grade are still available.',
      tag: 'Performances',
      access: 'anyone',
      params: IdParams,
      responses: [{ status: 200, description: 'The performance', schema: PerformanceDetailSchema }],
      errors: ['PERFORMANCE_NOT_FOUND'],
    },
    async (_ctx, { params }) => ok(presentPerformanceDetail(await useCases.getPerformance.execute(params.id))),
  );

  api.route(
    {
      method: 'get',
      path: `${API_PREFIX}/performances/:id/seats`,
      operationId: 'getSeatMap',
      summary: 'Every seat with its price and status right now',
      description:
        'Every seat of the hall (at most the largest hall allowed), with its price and whether it is AVAILABLE, ' +
        'HELD or RESERVED. The hot read of an on-sale. Statuses change every moment, so caches must revalidate: the ' +
        'ETag is the seat-state version, and a request with `If-None-Match` equal to it answers 304 with no body. ' +
        'GET .../seats/stream follows the same map live.',
      tag: 'Performances',
      access: 'anyone',
      params: IdParams,
      responses: [
        {
          status: 200,
          description: 'The seat map',
          schema: SeatMapSchema,
          headers: { ETag: '"<version>", absent while the version is null' },
        },
        { status: 304, description: 'Not modified: If-None-Match names the current version' },
      ],
      errors: ['PERFORMANCE_NOT_FOUND'],
    },
    async (ctx, { params }) => {
      const seatMap = await useCases.getSeatMap.execute(params.id);
      const headers: Record<string, string> = { 'Cache-Control': 'public, max-age=0, must-revalidate' };
      if (seatMap.version !== null) {
        const etag = `"${seatMap.version}"`;
        headers['ETag'] = etag;
        if (matchesEtag(ctx.get('If-None-Match'), etag)) return { status: 304, body: null, headers };
      }
      return ok(serializeSeatMap(seatMap), { ...headers, 'Content-Type': 'application/json' });
    },
  );
}

/** If-None-Match: `*`, or a list of (possibly weak) entity tags. */
function matchesEtag(header: string, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((candidate) => {
    const tag = candidate.trim();
    return tag === '*' || tag === etag || tag === `W/${etag}`;
  });
}
