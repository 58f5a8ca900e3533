// Private feedback: the review sessions where a customer left a message instead of a public
// review. Staff list it (newest first, with shop and employee names joined in) and mark it
// resolved; contacts are erased once the tenant's retention period has passed.
import { and, count, desc, eq, isNotNull, sql, type SQL } from 'drizzle-orm';
import { preparedQuery, queryRows, type Db } from '../db/index.ts';
import { notFound } from '../platform/errors.ts';
import { emitEvent } from '../platform/events.ts';
import { requireTenantExists } from '../platform/tenant-exists.ts';
import { BoundedMap } from '../platform/bounded-map.ts';
import { pageAndTotal, type Page } from '../platform/pagination.ts';
import { authorizeTenant, isPlatform, type ServiceContext } from '../platform/principal.ts';
import type { Runtime } from '../platform/runtime.ts';
import { employees, reviewSessions, shops } from './tables.ts';

interface FeedbackRow {
  id: string;
  shop_id: string;
  shop_name: string;
  employee_id: string;
  employee_name: string;
  rating: number | null;
  feedback_message: string | null;
  feedback_contact: string | null;
  resolved: boolean;
  resolved_at: Date | string | null;
  feedback_at: Date | string;
}

const iso = (v: Date | string) => new Date(v).toISOString();

export function feedbackItemView(r: FeedbackRow) {
  return {
    sessionId: r.id,
    shopId: r.shop_id,
    shopName: r.shop_name,
    employeeId: r.employee_id,
    employeeName: r.employee_name,
    rating: r.rating,
    message: r.feedback_message ?? '',
    contact: r.feedback_contact,
    resolved: r.resolved,
    resolvedAt: r.resolved_at === null ? null : iso(r.resolved_at),
    createdAt: iso(r.feedback_at),
  };
}
export type FeedbackItem = ReturnType<typeof feedbackItemView>;

export interface FeedbackFilter {
  resolved?: boolean;
  shopId?: string;
  employeeId?: string;
}

const selectItems = sql`select s.id, s.shop_id, sh.name as shop_name, s.employee_id, e.name as employee_name, s.rating,
         s.feedback_message, s.feedback_contact, s.resolved, s.resolved_at, s.feedback_at
    from review_sessions s
    join shops sh on sh.tenant_id = s.tenant_id and sh.id = s.shop_id
    join employees e on e.tenant_id = s.tenant_id and e.id = s.employee_id`;

function conditionsOf(tenantId: string, f: FeedbackFilter): SQL {
  const s = reviewSessions;
  // `feedback_at is not null` matches the partial index review_sessions_feedback_idx.
  const conditions = [eq(s.tenantId, tenantId), isNotNull(s.feedbackAt)];
  if (f.resolved !== undefined) conditions.push(eq(s.resolved, f.resolved));
  if (f.shopId) conditions.push(eq(s.shopId, f.shopId.toLowerCase()));
  if (f.employeeId) conditions.push(eq(s.employeeId, f.employeeId.toLowerCase()));
  return and(...conditions)!;
}

export interface FeedbackPage {
  items: FeedbackItem[];
  total: number;
}

const PAGE_FRESH_MS = 2000;
/** Pages kept per node (a first page of 100 is some 30 KB): bounds memory. */
const MAX_PAGES = 500;
interface CachedPage {
  result: FeedbackPage;
  version: number;
  at: number;
}
/** Per node: pages of feedback lists (see listFeedback for what may lag). */
export const newFeedbackPageCache = () => new BoundedMap<string, CachedPage>(MAX_PAGES);
export type FeedbackPageCache = ReturnType<typeof newFeedbackPageCache>;

/**
 * Newest first. Filters by another tenant's shop or employee simply match nothing.
 *
 * Dashboards poll this list, and `total` counts every matching row (thousands for a large
 * tenant), so each page is kept for PAGE_FRESH_MS, and dropped at once when the tenant's
 * feedback changes on any node (RollupWriter.changed, heard through the database). What can
 * lag by up to PAGE_FRESH_MS: renamed shops or employees, and contacts just erased.
 */
export async function listFeedback(ctx: ServiceContext, tenantIdParam: string, filter: FeedbackFilter, page: Page): Promise<FeedbackPage> {
  const tenantId = authorizeTenant(ctx, tenantIdParam, 'feedback:read');
  const rt = ctx.rt;
  const cache = rt.feedbackPages;
  const key = `${tenantId}|${filter.resolved ?? ''}|${filter.shopId?.toLowerCase() ?? ''}|${filter.employeeId?.toLowerCase() ?? ''}|${page.limit}|${page.offset}`;
  const version = rt.rollups.version(tenantId);
  const hit = cache.get(key);
  if (hit && hit.version === version && Date.now() - hit.at < PAGE_FRESH_MS) return hit.result;

  // A tenant credential's tenant exists (its keys go with it); only platform credentials can name a missing one.
  if (isPlatform(ctx.principal)) await requireTenantExists(rt.db, tenantId);
  // Unfiltered (the dashboard's default): two statements prepared once; a filter builds its own.
  const unfiltered = filter.resolved === undefined && !filter.shopId && !filter.employeeId;
  const where = unfiltered ? undefined : conditionsOf(tenantId, filter);
  const [rows, n] = !where
    ? await pageAndTotal(
        page,
        () => feedbackPage(rt.db).execute({ t: tenantId, limit: page.limit, offset: page.offset }) as Promise<FeedbackRow[]>,
        () => feedbackCount(rt.db).execute({ t: tenantId }),
      )
    : await pageAndTotal(
        page,
        () => pageOf(rt.db, where, page),
        () => rt.db.select({ n: count() }).from(reviewSessions).where(where).prepare('count_feedback').execute(),
      );
  const result = { items: rows.map(feedbackItemView), total: n };
  cache.set(key, { result, version, at: Date.now() });
  return result;
}

/**
 * Every matching feedback for an export (`?format=csv`), newest first: at most `max` items, and
 * whether more matched. One statement (the page's, with a large limit), not cached: exports
 * are rare and must be complete.
 */
export async function exportFeedback(
  ctx: ServiceContext,
  tenantIdParam: string,
  filter: FeedbackFilter,
  max: number,
): Promise<{ items: FeedbackItem[]; truncated: boolean }> {
  const tenantId = authorizeTenant(ctx, tenantIdParam, 'feedback:read');
  if (isPlatform(ctx.principal)) await requireTenantExists(ctx.rt.db, tenantId);
  const rows = await pageOf(ctx.rt.db, conditionsOf(tenantId, filter), { limit: max + 1, offset: 0 });
  return { items: rows.slice(0, max).map(feedbackItemView), truncated: rows.length > max };
}

/**
 * The page: a backward range scan of review_sessions_feedback_idx joined to the labels by
 * primary key. Prepared (the SQL text depends only on which filters are set), because planning
 * this join costs as much as running it.
 */
async function pageOf(db: Db, where: SQL, page: Page): Promise<FeedbackRow[]> {
  const rows = await selectFeedback(db)
    .where(where)
    .orderBy(...newestFeedbackFirst)
    .limit(page.limit)
    .offset(page.offset)
    .prepare('list_feedback')
    .execute();
  return rows as FeedbackRow[]; // feedback_at is not null: the filter says so
}

/** Feedback items with their shop's and employee's names. */
function selectFeedback(db: Db) {
  const s = reviewSessions;
  return db
    .select({
      id: s.id,
      shop_id: s.shopId,
      shop_name: shops.name,
      employee_id: s.employeeId,
      employee_name: employees.name,
      rating: s.rating,
      feedback_message: s.feedbackMessage,
      feedback_contact: s.feedbackContact,
      resolved: s.resolved,
      resolved_at: s.resolvedAt,
      feedback_at: s.feedbackAt,
    })
    .from(s)
    .innerJoin(shops, and(eq(shops.tenantId, s.tenantId), eq(shops.id, s.shopId)))
    .innerJoin(employees, and(eq(employees.tenantId, s.tenantId), eq(employees.id, s.employeeId)));
}

const newestFeedbackFirst = [desc(reviewSessions.feedbackAt), desc(reviewSessions.id)];
// The unfiltered list's page and count, prepared once per database (conditionsOf's tenant and
// feedback-given conditions, with the tenant a placeholder).
const everyFeedback = and(eq(reviewSessions.tenantId, sql.placeholder('t')), isNotNull(reviewSessions.feedbackAt));
export const feedbackPage = preparedQuery((db) =>
  selectFeedback(db)
    .where(everyFeedback)
    .orderBy(...newestFeedbackFirst)
    .limit(sql.placeholder('limit'))
    .offset(sql.placeholder('offset'))
    .prepare('feedback_page'),
);
export const feedbackCount = preparedQuery((db) => db.select({ n: count() }).from(reviewSessions).where(everyFeedback).prepare('feedback_count'));

/**
 * Marks one feedback resolved or unresolved. An unknown session, another tenant's, or a session
 * without feedback is the same 404. The event is written only when the state changes.
 */
export async function resolveFeedback(ctx: ServiceContext, tenantIdParam: string, sessionId: string, resolved: boolean): Promise<FeedbackItem> {
  const tenantId = authorizeTenant(ctx, tenantIdParam, 'feedback:write');
  const id = sessionId.toLowerCase();
  const { item, changed } = await ctx.rt.db.transaction(async (tx) => {
    const [row] = await queryRows<FeedbackRow>(
      tx,
      sql`${selectItems} where s.tenant_id = ${tenantId} and s.id = ${id} and s.feedback_at is not null for update of s`,
    );
    if (!row) throw notFound();
    if (row.resolved === resolved) return { item: feedbackItemView(row), changed: false };
    const [updated] = await queryRows<{ resolved_at: Date | string | null }>(
      tx,
      sql`update review_sessions set resolved = ${resolved}, resolved_at = ${resolved ? sql`now()` : null}
           where tenant_id = ${tenantId} and id = ${id} returning resolved_at`,
    );
    const item = feedbackItemView({ ...row, resolved, resolved_at: updated.resolved_at });
    await emitEvent(tx, tenantId, 'feedback.resolved', {
      sessionId: item.sessionId,
      shopId: item.shopId,
      employeeId: item.employeeId,
      resolved,
      resolvedAt: item.resolvedAt,
      byKind: ctx.principal.kind,
      byId: ctx.principal.credentialId,
    });
    return { item, changed: true };
  });
  // Cached feedback pages and analytics reports are out of date, here and on other nodes.
  if (changed) await ctx.rt.rollups.changed(tenantId).catch((err) => ctx.rt.log.warn({ err, tenantId }, 'feedback change notification failed'));
  return item;
}

const ERASE_BATCH = 5000;

/**
 * Nulls the contact details customers left with feedback once they are older than their
 * tenant's `feedbackContactRetentionDays`; the message and the counts stay. Runs with the
 * periodic purge, in batches so a backlog never holds long locks.
 */
export async function eraseExpiredFeedbackContacts(db: Db): Promise<number> {
  let total = 0;
  for (;;) {
    const [{ n }] = await queryRows<{ n: number }>(
      db,
      sql`with due as (
            select s.tenant_id, s.id from review_sessions s join review_settings rs on rs.tenant_id = s.tenant_id
             where s.feedback_contact is not null
               and s.feedback_at < now() - make_interval(days => rs.feedback_contact_retention_days)
             limit ${ERASE_BATCH}
          ), erased as (
            update review_sessions r set feedback_contact = null from due
             where r.tenant_id = due.tenant_id and r.id = due.id returning 1
          ) select count(*)::int as n from erased`,
    );
    total += Number(n);
    if (Number(n) < ERASE_BATCH) return total;
  }
}
