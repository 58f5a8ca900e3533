import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { contextOf } from '../../platform/authenticate.ts';
import { csvResponse, sendCsv } from '../../platform/csv.ts';
import { badRequest } from '../../platform/errors.ts';
import type { Runtime } from '../../platform/runtime.ts';
import { analyticsDays, getAnalytics } from '../analytics.ts';
import { analyticsQuery, analyticsReportSchema } from '../analytics-schemas.ts';
import { analyticsCsv } from '../exports.ts';
import { tenantIdParams } from '../../platform/tenant-schemas.ts';

export function analyticsRoutes(app: FastifyInstance, rt: Runtime) {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/api/v1/tenants/:tenantId/analytics',
    {
      config: { permission: 'analytics:read' },
      schema: {
        operationId: 'getAnalytics',
        tags: ['Analytics'],
        summary: 'Funnel analytics over 7, 30 or 90 days',
        description:
          "Scans, ratings, positive/negative, review clicks (Google, Xiaohongshu) and private feedback, as totals, per employee, per shop and per day, over a window ending today in the tenant's time zone. " +
          'Any `days` other than 7, 30 or 90 (or none) means 30. Events reach these numbers within a second (the daily rollups are written in batches). ' +
          '`format=csv` downloads one table of the report instead — `rows=employees` (default), `shops` or `daily`, with the columns of those JSON rows — as `analytics-<slug>-<days>d-<to>.csv`.',
        params: tenantIdParams,
        querystring: analyticsQuery,
        response: {
          200: {
            description: 'The report (JSON), or one table of it (format=csv)',
            content: {
              'application/json': { schema: analyticsReportSchema },
              'text/csv': csvResponse('One row per employee, shop or day (rows=); the metric columns of the JSON rows'),
            },
          },
        },
      },
    },
    async (req, reply) => {
      const { days, format, rows } = req.query;
      if (format === 'csv') return sendCsv(reply, await analyticsCsv(contextOf(req, rt), req.params.tenantId, analyticsDays(days), rows ?? 'employees'));
      if (rows !== undefined) throw badRequest({ rows: ['Only with format=csv'] });
      const report = await getAnalytics(contextOf(req, rt), req.params.tenantId, analyticsDays(days));
      // Cached reports are shared and never mutated, so each is validated and serialized once
      // (by the route's own response schema) and its JSON reused: a 90-day report of a large
      // tenant is tens of kilobytes, too costly to re-encode on every poll.
      let body = serialized.get(report);
      if (body === undefined) serialized.set(report, (body = reply.serializeInput(report, '200', 'application/json') as string));
      // A string with a JSON content type is sent as is (the schema already ran on it above).
      return (reply as FastifyReply).type('application/json; charset=utf-8').send(body);
    },
  );
}

const serialized = new WeakMap<object, string>();
