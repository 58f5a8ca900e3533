// Spreadsheet exports (`?format=csv`) of funnel analytics and private feedback: the same data
// as the JSON of those routes, each file one rectangular table, named after the tenant's slug.
import { sql } from 'drizzle-orm';
import { queryRows } from '../db/index.ts';
import { csvFilename, toCsv, type CsvCell, type CsvFile } from '../platform/csv.ts';
import { notFound } from '../platform/errors.ts';
import { authorizeTenant, type ServiceContext } from '../platform/principal.ts';
import { getAnalytics, type AnalyticsDays, type FunnelMetrics } from './analytics.ts';
import type { AnalyticsCsvRows } from './analytics-schemas.ts';
import { exportFeedback, type FeedbackFilter } from './feedback.ts';
import { localDay } from './funnel.ts';

/** Rows one feedback export holds (newest first); beyond, the file says it is truncated. */
export const MAX_FEEDBACK_EXPORT_ROWS = 50_000;

/** Every metric of the JSON rows, in their order. */
const METRICS = [
  'scans',
  'ratings',
  'positive',
  'negative',
  'reviewClicks',
  'googleClicks',
  'xhsClicks',
  'feedback',
  'averageRating',
  'ratingRate',
  'reviewRate',
] as const satisfies readonly (keyof FunnelMetrics)[];

const metricsOf = (m: FunnelMetrics): CsvCell[] => METRICS.map((k) => m[k]);

async function tenantLabel(ctx: ServiceContext, tenantId: string) {
  const [t] = await queryRows<{ slug: string; timezone: string }>(ctx.rt.db, sql`select slug, timezone from tenants where id = ${tenantId}`);
  if (!t) throw notFound();
  return t;
}

/** One table of the report: per employee (the default), per shop or per day. */
export async function analyticsCsv(ctx: ServiceContext, tenantIdParam: string, days: AnalyticsDays, rows: AnalyticsCsvRows): Promise<CsvFile> {
  const tenantId = authorizeTenant(ctx, tenantIdParam, 'analytics:read');
  const report = await getAnalytics(ctx, tenantId, days);
  const { slug } = await tenantLabel(ctx, tenantId);
  const table =
    rows === 'shops'
      ? { header: ['shopId', 'name'], rows: report.shops.map((s) => [s.shopId, s.name, ...metricsOf(s)]) }
      : rows === 'daily'
        ? { header: ['date'], rows: report.daily.map((d) => [d.date, ...metricsOf(d)]) }
        : {
            header: ['employeeId', 'name', 'shopId', 'shopName'],
            rows: report.employees.map((e) => [e.employeeId, e.name, e.shopId, e.shopName, ...metricsOf(e)]),
          };
  const name = ['analytics', slug || tenantId, `${days}d`, report.to, ...(rows === 'employees' ? [] : [rows])];
  return { filename: csvFilename(...name), body: toCsv([...table.header, ...METRICS], table.rows) };
}

/** Every feedback the filter matches (not one page), newest first, up to `max`. */
export async function feedbackCsv(ctx: ServiceContext, tenantIdParam: string, filter: FeedbackFilter, max = MAX_FEEDBACK_EXPORT_ROWS): Promise<CsvFile> {
  const tenantId = authorizeTenant(ctx, tenantIdParam, 'feedback:read');
  const { items, truncated } = await exportFeedback(ctx, tenantId, filter, max);
  const { slug, timezone } = await tenantLabel(ctx, tenantId);
  const body = toCsv(
    ['createdAt', 'shopName', 'employeeName', 'rating', 'message', 'contact', 'resolved', 'resolvedAt', 'sessionId'],
    items.map((f) => [f.createdAt, f.shopName, f.employeeName, f.rating, f.message, f.contact, f.resolved, f.resolvedAt, f.sessionId]),
  );
  return { filename: csvFilename('feedback', slug || tenantId, localDay(new Date(), timezone)), body, truncated };
}
