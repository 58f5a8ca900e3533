// The funnel report: JSON, or one of its tables as a CSV download.
import { csvDownload, csvResponse } from '../../platform/csv.ts';
import { badRequest } from '../../platform/errors.ts';
import { defineOperation } from '../../platform/operations.ts';
import { tenantIdParams } from '../../platform/tenant-schemas.ts';
import { analyticsDays, getAnalytics } from '../analytics.ts';
import { analyticsQuery, analyticsReportSchema } from '../analytics-schemas.ts';
import { analyticsCsv } from '../exports.ts';

export const getAnalyticsOperation = defineOperation({
  id: 'getAnalytics',
  method: 'GET',
  path: '/tenants/:tenantId/analytics',
  permission: 'analytics:read',
  tags: ['Analytics'],
  summary: 'Funnel analytics over 7, 30 or 90 days',
  description:
    "Scans, ratings, positive/negative, review clicks (Google, Xiaohongshu) and private feedback, as totals, per employee, per shop and per day, over a window ending today in the tenant's time zone. " +
    'Any `days` other than 7, 30 or 90 (or none) means 30. Events reach these numbers within a second (the daily rollups are written in batches). ' +
    '`format=csv` downloads one table of the report instead — `rows=employees` (default), `shops` or `daily`, with the columns of those JSON rows — as `analytics-<slug>-<days>d-<to>.csv`.',
  input: { params: tenantIdParams, query: analyticsQuery },
  output: {
    description: 'The report (JSON), or one table of it (format=csv)',
    content: {
      'application/json': { schema: analyticsReportSchema },
      'text/csv': csvResponse('One row per employee, shop or day (rows=); the metric columns of the JSON rows'),
    },
  },
  // Reports come from a per-node cache (rt.analyticsReports) and are never mutated: a 90-day
  // report of a large tenant is tens of kilobytes, so each is encoded once.
  sharedAnswers: true,
  async run(ctx, { params, query }) {
    const { days, format, rows } = query;
    if (format === 'csv') return csvDownload(await analyticsCsv(ctx, params.tenantId, analyticsDays(days), rows ?? 'employees'));
    if (rows !== undefined) throw badRequest({ rows: ['Only with format=csv'] });
    // The cached report itself, so the door reuses its JSON.
    return getAnalytics(ctx, params.tenantId, analyticsDays(days));
  },
});

export const analyticsOperations = [getAnalyticsOperation];
