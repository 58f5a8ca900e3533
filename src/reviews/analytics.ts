// Funnel analytics (docs/reviews-api-contract.md §8): totals, per employee, per shop and per day over a window
// of 7, 30 or 90 days ending today in the tenant's time zone. It reads only the daily rollups
// (at most `days` rows per employee), the employee and shop labels, and one count of unresolved
// feedback — all aggregated by PostgreSQL in one statement after the tenant's time zone is read.
// Reports are cached briefly per node (ReportCache below), because dashboards poll them.
import { sql } from 'drizzle-orm';
import { queryRows } from '../db/index.ts';
import { notFound } from '../platform/errors.ts';
import { BoundedMap } from '../platform/bounded-map.ts';
import { authorizeTenant, type ServiceContext } from '../platform/principal.ts';
import type { Runtime } from '../platform/runtime.ts';
import { localDay } from './funnel.ts';
import { zeroCounts, type FunnelCounts } from './rollups.ts';

export const ANALYTICS_WINDOWS = [7, 30, 90] as const;
export type AnalyticsDays = (typeof ANALYTICS_WINDOWS)[number];
export const DEFAULT_ANALYTICS_DAYS: AnalyticsDays = 30;

/** The contract: any other or missing value means 30. */
export function analyticsDays(raw: unknown): AnalyticsDays {
  return raw === '7' ? 7 : raw === '90' ? 90 : DEFAULT_ANALYTICS_DAYS;
}

const round = (v: number, places: number) => Math.round(v * 10 ** places) / 10 ** places;
/** A fraction from 0 to 1 with four decimals; null without a denominator. Day boundaries (a
 * click after midnight of a rating before it) and two channels per visit can push a raw ratio
 * past 1 within a window, so it is capped. */
const rate = (num: number, den: number) => (den === 0 ? null : round(Math.min(1, num / den), 4));

export function funnelMetrics(c: FunnelCounts) {
  const reviewClicks = c.googleClicks + c.xhsClicks;
  return {
    scans: c.scans,
    ratings: c.ratings,
    positive: c.positive,
    negative: c.negative,
    reviewClicks,
    googleClicks: c.googleClicks,
    xhsClicks: c.xhsClicks,
    feedback: c.feedback,
    averageRating: c.ratings === 0 ? null : round(c.ratingSum / c.ratings, 2),
    ratingRate: rate(c.ratings, c.scans),
    reviewRate: rate(reviewClicks, c.ratings),
  };
}
export type FunnelMetrics = ReturnType<typeof funnelMetrics>;

/** `day` shifted by `n` calendar days (dates only, so no time-zone arithmetic). */
export function addDays(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

interface ReportRow {
  kind: 'e' | 's' | 'd' | 'u';
  id: string | null;
  name: string | null;
  shop_id: string | null;
  shop_name: string | null;
  scans: number;
  ratings: number;
  rating_sum: number;
  positive: number;
  negative: number;
  google_clicks: number;
  xhs_clicks: number;
  feedback: number;
}

const countsOf = (r: ReportRow): FunnelCounts => ({
  scans: Number(r.scans),
  ratings: Number(r.ratings),
  ratingSum: Number(r.rating_sum),
  positive: Number(r.positive),
  negative: Number(r.negative),
  googleClicks: Number(r.google_clicks),
  xhsClicks: Number(r.xhs_clicks),
  feedback: Number(r.feedback),
});

export async function getAnalytics(ctx: ServiceContext, tenantIdParam: string, days: AnalyticsDays): Promise<AnalyticsReport> {
  const tenantId = authorizeTenant(ctx, tenantIdParam, 'analytics:read');
  return ctx.rt.analyticsReports.get(tenantId, days);
}

async function buildReport(rt: Runtime, tenantId: string, days: AnalyticsDays) {
  const [tenant] = await queryRows<{ timezone: string }>(rt.db, sql`select timezone from tenants where id = ${tenantId}`);
  if (!tenant) throw notFound();
  const to = localDay(new Date(), tenant.timezone);
  const from = addDays(to, -(days - 1));

  // One statement. The window's rollups are aggregated in a single pass by employee, by shop
  // and by day (grouping sets), then labelled: every active employee (zeros when idle) plus
  // inactive ones with activity, every live shop plus deleted ones with activity, the days with
  // activity, and the unresolved-feedback count (all time, not only the window). By name.
  const rows = await queryRows<ReportRow>(
    rt.db,
    sql`with g as (
          select employee_id, shop_id, day::text as day,
                 sum(scans)::int as scans, sum(ratings)::int as ratings, sum(rating_sum)::int as rating_sum,
                 sum(positive)::int as positive, sum(negative)::int as negative, sum(google_clicks)::int as google_clicks,
                 sum(xhs_clicks)::int as xhs_clicks, sum(feedback)::int as feedback
            from funnel_daily
           where tenant_id = ${tenantId} and day >= ${from}::date and day <= ${to}::date
           group by grouping sets ((employee_id), (shop_id), (day))
        )
        select 'e' as kind, e.id, e.name, e.shop_id, sh.name as shop_name,
               coalesce(g.scans, 0) as scans, coalesce(g.ratings, 0) as ratings, coalesce(g.rating_sum, 0) as rating_sum,
               coalesce(g.positive, 0) as positive, coalesce(g.negative, 0) as negative, coalesce(g.google_clicks, 0) as google_clicks,
               coalesce(g.xhs_clicks, 0) as xhs_clicks, coalesce(g.feedback, 0) as feedback
          from employees e
          join shops sh on sh.tenant_id = e.tenant_id and sh.id = e.shop_id
          left join g on g.employee_id = e.id
         where e.tenant_id = ${tenantId} and (e.active or g.employee_id is not null)
        union all
        select 's', sh.id, sh.name, null, null,
               coalesce(g.scans, 0), coalesce(g.ratings, 0), coalesce(g.rating_sum, 0), coalesce(g.positive, 0), coalesce(g.negative, 0),
               coalesce(g.google_clicks, 0), coalesce(g.xhs_clicks, 0), coalesce(g.feedback, 0)
          from shops sh left join g on g.shop_id = sh.id
         where sh.tenant_id = ${tenantId} and (sh.deleted_at is null or g.shop_id is not null)
        union all
        select 'd', null, g.day, null, null, g.scans, g.ratings, g.rating_sum, g.positive, g.negative, g.google_clicks, g.xhs_clicks, g.feedback
          from g where g.day is not null
        union all
        select 'u', null, null, null, null, count(*)::int, 0, 0, 0, 0, 0, 0, 0
          from review_sessions where tenant_id = ${tenantId} and feedback_at is not null and not resolved
        order by 1, 3, 2`,
  );

  const byDay = new Map<string, FunnelCounts>();
  const total = zeroCounts();
  const employees = [];
  const shops = [];
  let unresolvedFeedback = 0;
  for (const r of rows) {
    if (r.kind === 'u') unresolvedFeedback = Number(r.scans);
    else if (r.kind === 'd') byDay.set(r.name!, countsOf(r));
    else if (r.kind === 'e') employees.push({ employeeId: r.id!, name: r.name!, shopId: r.shop_id!, shopName: r.shop_name!, ...funnelMetrics(countsOf(r)) });
    else shops.push({ shopId: r.id!, name: r.name!, ...funnelMetrics(countsOf(r)) });
  }
  const daily = [];
  for (let i = 0; i < days; i++) {
    const date = addDays(from, i);
    const c = byDay.get(date) ?? zeroCounts();
    for (const k of Object.keys(total) as (keyof FunnelCounts)[]) total[k] += c[k];
    daily.push({ date, ...funnelMetrics(c) });
  }
  return { timezone: tenant.timezone, report: { days, from, to, summary: { ...funnelMetrics(total), unresolvedFeedback }, employees, shops, daily } };
}
export type AnalyticsReport = Awaited<ReturnType<typeof buildReport>>['report'];

/** Fresh this long; then served while one refresh runs in the background, up to STALE_MS. */
const FRESH_MS = 2000;
const STALE_MS = 10_000;
/** Entries kept (3 windows per tenant): bounds memory whatever the number of tenants. */
const MAX_ENTRIES = 500;

interface Entry {
  report: AnalyticsReport;
  timezone: string;
  version: number;
  at: number;
  refreshing: boolean;
}

/**
 * Reports per (tenant, window), because a 90-day report of a large tenant aggregates thousands
 * of rollup rows (tens of milliseconds of database time) while a dashboard polls it. An entry is
 * dropped as soon as this node changes the tenant's rollups or feedback (the writer's version),
 * and when the tenant's day rolls over. Changes made through other nodes show within
 * FRESH_MS, or STALE_MS when nobody asked in between, on top of their flush interval.
 * Concurrent misses share one computation.
 */
export class ReportCache {
  private entries = new BoundedMap<string, Entry>(MAX_ENTRIES);
  private inflight = new Map<string, Promise<Entry>>();

  constructor(private rt: Runtime) {}

  async get(tenantId: string, days: AnalyticsDays): Promise<AnalyticsReport> {
    const key = `${tenantId}|${days}`;
    const e = this.entries.get(key);
    const now = Date.now();
    if (e && e.version === this.rt.rollups.version(tenantId) && e.report.to === localDay(new Date(now), e.timezone)) {
      const age = now - e.at;
      if (age < FRESH_MS) return e.report;
      if (age < STALE_MS) {
        if (!e.refreshing) {
          e.refreshing = true;
          this.compute(key, tenantId, days).catch((err) => {
            e.refreshing = false;
            this.rt.log.warn({ err, tenantId }, 'analytics refresh failed');
          });
        }
        return e.report;
      }
    }
    return (await this.compute(key, tenantId, days)).report;
  }

  private compute(key: string, tenantId: string, days: AnalyticsDays): Promise<Entry> {
    // The version is read before the query: a flush landing meanwhile makes the entry stale, and
    // a request after that flush never joins a computation that started before it.
    const version = this.rt.rollups.version(tenantId);
    const flight = `${key}|${version}`;
    let p = this.inflight.get(flight);
    if (!p) {
      p = buildReport(this.rt, tenantId, days)
        .then(({ report, timezone }) => {
          const entry: Entry = { report, timezone, version, at: Date.now(), refreshing: false };
          this.entries.set(key, entry);
          return entry;
        })
        .finally(() => this.inflight.delete(flight));
      this.inflight.set(flight, p);
    }
    return p;
  }
}

