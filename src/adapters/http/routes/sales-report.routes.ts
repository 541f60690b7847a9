import type { ApiRouter } from '../api-router';
import type { UseCases } from '../http-dependencies';
import { presentSalesReport, salesReportCsv } from '../presenters/sales-report.presenter';
import { SalesReportCsvSchema, SalesReportSchema } from '../schemas/sales-report.schema';
import { IdParams, z } from '../schemas/zod';
import { API_PREFIX, NO_STORE, ok } from './respond';

const CSV = 'text/csv; charset=utf-8; header=present';

const AcceptHeader = z.object({
  Accept: z.string().max(1024).optional().openapi({
    description: 'text/csv for the report as CSV; application/json (or no Accept header, or anything else) for JSON',
    example: 'text/csv',
  }),
});

export function salesReportRoutes(api: ApiRouter, useCases: UseCases): void {
  api.route(
    {
      method: 'get',
      path: `${API_PREFIX}/performances/:id/sales`,
      operationId: 'getSalesReport',
      summary: 'What sold, what is held and what is left, per grade, with revenue (admin)',
      description:
        'Per grade of the performance: `sold` (seats of CONFIRMED reservations), `held` (seats of PENDING ' +
        "reservations whose hold has not run out), `available` (the rest) and `revenue` (the sold seats' prices as " +
        'they were held, in minor units, with the currency), plus the totals. Counted from the database at the ' +
        'moment of the request (`asOf`); cancelled, expired and refunded reservations count for nothing. ' +
        '`Accept: text/csv` answers the same as CSV. Admins only.',
      tag: 'Performances',
      access: 'admin',
      params: IdParams,
      headers: AcceptHeader,
      responses: [
        {
          status: 200,
          description: 'The sales report, as JSON or (Accept: text/csv) as CSV',
          schema: SalesReportSchema,
          alternatives: [{ contentType: 'text/csv', schema: SalesReportCsvSchema }],
          headers: { Vary: 'Accept: the answer is JSON or CSV by it', ...NO_STORE },
        },
      ],
      errors: ['PERFORMANCE_NOT_FOUND'],
    },
    async (ctx, { actor, params }) => {
      const report = await useCases.getSalesReport.execute(actor, params.id);
      const headers = { Vary: 'Accept', ...NO_STORE };
      // With no Accept header, or one naming neither, Koa's first choice (JSON) answers.
      if (ctx.accepts('application/json', 'text/csv') === 'text/csv') {
        return ok(salesReportCsv(report), {
          ...headers,
          'Content-Type': CSV,
          'Content-Disposition': `attachment; filename="sales-${report.performanceId}.csv"`,
        });
      }
      return ok(presentSalesReport(report), headers);
    },
  );
}
