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
    async (ctx, { actor, body }) => {
      const performance = await useCases.createPerformance.execute(actor, {
        ...body,
        startsAt: new Date(body.startsAt),
        salesOpenAt: new Date(body.salesOpenAt),
        salesCloseAt: new Date(body.salesCloseAt),
      });
      created(ctx, `${API_PREFIX}/performances/${performance.id}`, presentPerformance(performance));
    },
  );

  api.route(
    {
      method: 'get',
      path: `${API_PREFIX}/performances`,
      operationId: 'listPerformances',
      summary: 'Upcoming performances, most recently opened sales first',
      tag: 'Performances',
      access: 'anyone',
      query: ListPerformancesQuery,
      responses: [{ status: 200, description: 'One page of performances', schema: PerformancePageSchema }],
    },
    async (ctx, { query }) => {
      ok(ctx, presentPerformancePage(await useCases.listPerformances.execute(query.page, query.size)));
    },
  );

  api.route(
    {
      method: 'get',
      path: `${API_PREFIX}/performances/:id`,
      operationId: 'getPerformance',
      summary: 'A performance with its availability per grade',
      tag: 'Performances',
      access: 'anyone',
      params: IdParams,
      responses: [{ status: 200, description: 'The performance', schema: PerformanceDetailSchema }],
      errors: ['PERFORMANCE_NOT_FOUND'],
    },
    async (ctx, { params }) => {
      ok(ctx, presentPerformanceDetail(await useCases.getPerformance.execute(params.id)));
    },
  );

  api.route(
    {
      method: 'get',
      path: `${API_PREFIX}/performances/:id/seats`,
      operationId: 'getSeatMap',
      summary: 'Every seat with its price and status right now',
      description:
        'The hot read of an on-sale. Statuses change every moment, so caches must revalidate: the ETag is the ' +
        'seat-state version, and a request with `If-None-Match` equal to it answers 304 with no body. ' +
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
      ctx.set('Cache-Control', 'public, max-age=0, must-revalidate');
      if (seatMap.version !== null) {
        const etag = `"${seatMap.version}"`;
        ctx.set('ETag', etag);
        if (matchesEtag(ctx.get('If-None-Match'), etag)) {
          ctx.status = 304;
          return;
        }
      }
      ctx.status = 200;
      ctx.body = serializeSeatMap(seatMap);
      ctx.type = 'application/json';
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
