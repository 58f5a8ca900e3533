// Funnel events of the public review page: a scan opens a review session, then the customer may
// rate, click through to Google or Xiaohongshu, or leave private feedback. The session row is the
// source of truth and is written before we answer; the daily rollups get their increments in
// memory (rollups.ts). The page resolves tenant and employee from the employee's public code and
// calls this with no principal: it is a plain service, not an authenticated operation.
//
// Reloads and repeats count once per session: a scan with a live sessionId is not a new visit;
// a second click on the same channel and a second feedback change nothing. A changed rating
// replaces the session's rating (and its positive/negative class, by the threshold in force at
// the change) but still counts as one rating, on the day of the first one: its rollup delta
// moves rating_sum and positive/negative on that day, so a rebuild from sessions stays equal.
import { sql } from 'drizzle-orm';
import { queryRows } from '../db/index.ts';
import { badRequest, notFound } from '../platform/errors.ts';
import { emitEvent, insertEventsSql } from '../platform/events.ts';
import { uuidv7 } from '../platform/ids.ts';
import { isUuid } from '../platform/principal.ts';
import type { Runtime } from '../platform/runtime.ts';
import type { QueuedMail } from '../platform/mailer.ts';
import { queueNegativeFeedbackAlerts } from './feedback-alerts.ts';
import type { FunnelCounts } from './rollups.ts';
import { reviewSessions } from './tables.ts';

export type FunnelEventType = 'scan' | 'rating' | 'review_click' | 'feedback';
export type ReviewChannel = 'google' | 'xhs';

export interface FunnelEventInput {
  tenantId: string;
  employeeId: string;
  /** The visit being continued; required except for a scan (a scan with it is a reload). */
  sessionId?: string | null;
  type: FunnelEventType;
  rating?: number;
  channel?: ReviewChannel;
  message?: string;
  contact?: string | null;
  /** When it happened (default now); tests and imports pass past times. */
  at?: Date;
}

export interface FunnelEventResult {
  sessionId: string;
  /** False when the event repeated a stage this session already had (nothing was counted). */
  counted: boolean;
  rating: number | null;
  positive: boolean | null;
}

export const MAX_FEEDBACK_MESSAGE = 2000;
export const MAX_FEEDBACK_CONTACT = 200;

const dayFormats = new Map<string, Intl.DateTimeFormat>();

/** The calendar date (YYYY-MM-DD) of `at` in an IANA time zone; unknown zones count as UTC. */
export function localDay(at: Date, timeZone: string): string {
  let fmt = dayFormats.get(timeZone);
  if (!fmt) {
    try {
      fmt = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    } catch {
      return localDay(at, 'UTC');
    }
    dayFormats.set(timeZone, fmt);
  }
  const parts = Object.fromEntries(fmt.formatToParts(at).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day}`;
}

export async function recordFunnelEvent(rt: Runtime, input: FunnelEventInput): Promise<FunnelEventResult> {
  if (!isUuid(input.tenantId) || !isUuid(input.employeeId)) throw notFound();
  const tenantId = input.tenantId.toLowerCase();
  const employeeId = input.employeeId.toLowerCase();
  const at = input.at ?? new Date();
  const sessionId = input.sessionId && isUuid(input.sessionId) ? input.sessionId.toLowerCase() : null;
  if (input.type === 'scan') return recordScan(rt, tenantId, employeeId, sessionId, at);
  const checked = checkStageInput(input);
  if (!sessionId) throw input.sessionId ? notFound() : badRequest({ sessionId: ['Required: the session opened by the scan'] });
  if (checked.type === 'rating') return recordRating(rt, { tenantId, employeeId, sessionId, at, rating: checked.rating });
  return recordStage(rt, { tenantId, employeeId, sessionId, at, ...checked });
}

type StageInput =
  | { type: 'rating'; rating: number }
  | { type: 'review_click'; channel: ReviewChannel }
  | { type: 'feedback'; message: string; contact: string | null };

function checkStageInput(input: FunnelEventInput): StageInput {
  switch (input.type) {
    case 'rating':
      if (!Number.isInteger(input.rating) || input.rating! < 1 || input.rating! > 5) throw badRequest({ rating: ['Must be a whole number from 1 to 5'] });
      return { type: 'rating', rating: input.rating! };
    case 'review_click':
      if (input.channel !== 'google' && input.channel !== 'xhs') throw badRequest({ channel: ['Must be google or xhs'] });
      return { type: 'review_click', channel: input.channel };
    case 'feedback': {
      const message = input.message?.trim() ?? '';
      const contact = input.contact?.trim() || null;
      const errors: Record<string, string[]> = {};
      if (!message) errors.message = ['Required'];
      else if (message.length > MAX_FEEDBACK_MESSAGE) errors.message = [`At most ${MAX_FEEDBACK_MESSAGE} characters`];
      if (contact && contact.length > MAX_FEEDBACK_CONTACT) errors.contact = [`At most ${MAX_FEEDBACK_CONTACT} characters`];
      if (Object.keys(errors).length) throw badRequest(errors);
      return { type: 'feedback', message, contact };
    }
    default:
      throw badRequest({ type: ['Must be scan, rating, review_click or feedback'] });
  }
}

async function recordScan(rt: Runtime, tenantId: string, employeeId: string, sessionId: string | null, at: Date): Promise<FunnelEventResult> {
  if (sessionId) {
    // A reload of the page within a visit: the visit was already counted.
    const [live] = await queryRows<{ rating: number | null; positive: boolean | null }>(
      rt.db,
      sql`select rating, positive from review_sessions where tenant_id = ${tenantId} and id = ${sessionId} and employee_id = ${employeeId}`,
    );
    if (live) return { sessionId, counted: false, rating: live.rating, positive: live.positive };
  }
  const [who] = await queryRows<{ shop_id: string; timezone: string }>(
    rt.db,
    sql`select e.shop_id, t.timezone from employees e join tenants t on t.id = e.tenant_id
        where e.tenant_id = ${tenantId} and e.id = ${employeeId}`,
  );
  if (!who) throw notFound();
  const id = await openReviewSession(rt, { tenantId, employeeId, shopId: who.shop_id, timezone: who.timezone, at });
  return { sessionId: id, counted: true, rating: null, positive: null };
}

/**
 * A new visit (a counted scan) of an employee whose shop and tenant time zone the caller already
 * knows: the review page has them cached, so a first view costs one INSERT.
 */
export async function openReviewSession(
  rt: Runtime,
  v: { tenantId: string; employeeId: string; shopId: string; timezone: string; at?: Date },
): Promise<string> {
  const at = v.at ?? new Date();
  const id = uuidv7(at.getTime());
  const day = localDay(at, v.timezone);
  await rt.db.insert(reviewSessions).values({ tenantId: v.tenantId, id, shopId: v.shopId, employeeId: v.employeeId, scannedAt: at, scanDay: day });
  rt.rollups.add({ tenantId: v.tenantId, day, shopId: v.shopId, employeeId: v.employeeId }, { scans: 1 });
  return id;
}

interface RatingRow {
  shop_id: string;
  old_rating: number | null;
  old_positive: boolean | null;
  old_day: string | null;
  day: string;
  positive: boolean;
  changed: boolean;
}

/**
 * A rating, the busiest stage, in one statement: lock the visit, compare, update it and write the
 * `review.rated` outbox row only when something changed, and return what was there before (for
 * the rollup delta). One round trip instead of a six-statement transaction; a single statement is
 * its own transaction, so the row and its event still commit together or not at all. The row lock
 * orders concurrent ratings of one visit (a double-tapped star counts once). The event's data is
 * what emitEvent would write for it.
 */
async function recordRating(
  rt: Runtime,
  e: { tenantId: string; employeeId: string; sessionId: string; at: Date; rating: number },
): Promise<FunnelEventResult> {
  const { tenantId, employeeId, sessionId, rating } = e;
  const at = e.at.toISOString();
  const [r] = await queryRows<RatingRow>(
    rt.db,
    sql`with prev as (
          select s.shop_id, s.rating, s.positive, s.rating_day, rs.rating_threshold,
                 timezone(t.timezone, ${at}::timestamptz)::date as day
            from review_sessions s join tenants t on t.id = s.tenant_id
            join review_settings rs on rs.tenant_id = s.tenant_id
           where s.tenant_id = ${tenantId} and s.id = ${sessionId} and s.employee_id = ${employeeId}
             for update of s
        ),
        next as (select ${rating}::smallint >= rating_threshold as positive from prev),
        upd as (
          update review_sessions r
             set rating = ${rating}::smallint, positive = next.positive,
                 rated_at = coalesce(r.rated_at, ${at}::timestamptz), rating_day = coalesce(r.rating_day, prev.day)
            from prev, next
           where r.tenant_id = ${tenantId} and r.id = ${sessionId}
             and (prev.rating is distinct from ${rating}::smallint or prev.positive is distinct from next.positive)
          returning r.id
        ),
        evt as (
          ${insertEventsSql(tenantId, [
            {
              type: 'review.rated',
              data: sql`jsonb_build_object('sessionId', ${sessionId}::text, 'employeeId', ${employeeId}::text, 'shopId', prev.shop_id,
                          'rating', ${rating}::int, 'positive', next.positive, 'previousRating', prev.rating, 'ratedAt', ${at}::text)`,
              from: sql`upd, prev, next`,
            },
          ])}
        )
        select prev.shop_id, prev.rating as old_rating, prev.positive as old_positive, prev.rating_day::text as old_day,
               prev.day::text as day, next.positive, exists (select 1 from upd) as changed
          from prev, next`,
  );
  if (!r) throw notFound();
  if (!r.changed) return { sessionId, counted: false, rating: r.old_rating, positive: r.old_positive };
  const first = r.old_rating === null;
  const delta = {
    ratings: first ? 1 : 0,
    ratingSum: rating - (r.old_rating ?? 0),
    positive: (r.positive ? 1 : 0) - (r.old_positive ? 1 : 0),
    negative: (r.positive ? 0 : 1) - (first || r.old_positive ? 0 : 1),
  };
  // A changed rating stays on the day of the first one, so a rebuild from sessions agrees.
  rt.rollups.add({ tenantId, employeeId, shopId: r.shop_id, day: first ? r.day : r.old_day! }, delta);
  return { sessionId, counted: first, rating, positive: r.positive };
}

interface SessionState {
  shop_id: string;
  rating: number | null;
  positive: boolean | null;
  google_clicked: boolean;
  xhs_clicked: boolean;
  has_feedback: boolean;
  timezone: string;
  notify: boolean;
  tenant_name: string;
  shop_name: string;
  employee_name: string;
}

interface StageOutcome {
  shopId: string;
  counted: boolean;
  rating: number | null;
  positive: boolean | null;
  /** The increment for the rollups, added once the transaction has committed. */
  rollup: { day: string; delta: Partial<FunnelCounts> } | null;
  /** Owner alerts written to the mail outbox, delivered once the transaction has committed. */
  mails?: QueuedMail[];
}

async function recordStage(
  rt: Runtime,
  e: { tenantId: string; employeeId: string; sessionId: string; at: Date } & Exclude<StageInput, { type: 'rating' }>,
): Promise<FunnelEventResult> {
  const { tenantId, employeeId, sessionId, at } = e;
  const outcome = await rt.db.transaction(async (tx): Promise<StageOutcome> => {
    // The row lock orders concurrent events of one visit (a double-tapped button counts once).
    const [s] = await queryRows<SessionState>(
      tx,
      sql`select s.shop_id, s.rating, s.positive,
                 s.google_clicked_at is not null as google_clicked, s.xhs_clicked_at is not null as xhs_clicked,
                 s.feedback_at is not null as has_feedback, t.timezone,
                 rs.notify_on_negative_feedback as notify, t.name as tenant_name, sh.name as shop_name, e.name as employee_name
            from review_sessions s join tenants t on t.id = s.tenant_id
            join review_settings rs on rs.tenant_id = s.tenant_id
            join shops sh on sh.tenant_id = s.tenant_id and sh.id = s.shop_id
            join employees e on e.tenant_id = s.tenant_id and e.id = s.employee_id
           where s.tenant_id = ${tenantId} and s.id = ${sessionId} and s.employee_id = ${employeeId}
           for update of s`,
    );
    if (!s) throw notFound();
    const day = localDay(at, s.timezone);
    const base = { sessionId, employeeId, shopId: s.shop_id };
    const unchanged: StageOutcome = { shopId: s.shop_id, counted: false, rating: s.rating, positive: s.positive, rollup: null };

    if (e.type === 'review_click') {
      if (e.channel === 'google' ? s.google_clicked : s.xhs_clicked) return unchanged;
      const set =
        e.channel === 'google'
          ? sql`google_clicked_at = ${at.toISOString()}, google_click_day = ${day}`
          : sql`xhs_clicked_at = ${at.toISOString()}, xhs_click_day = ${day}`;
      await tx.execute(sql`update review_sessions set ${set} where tenant_id = ${tenantId} and id = ${sessionId}`);
      await emitEvent(tx, tenantId, 'review.clicked', { ...base, channel: e.channel, clickedAt: at.toISOString() });
      return { ...unchanged, counted: true, rollup: { day, delta: e.channel === 'google' ? { googleClicks: 1 } : { xhsClicks: 1 } } };
    }

    // The first feedback of a visit is kept; a resubmission does not overwrite what staff may be handling.
    if (s.has_feedback) return unchanged;
    await tx.execute(sql`update review_sessions set feedback_message = ${e.message}, feedback_contact = ${e.contact},
                           feedback_at = ${at.toISOString()}, feedback_day = ${day}, resolved = false, resolved_at = null
                         where tenant_id = ${tenantId} and id = ${sessionId}`);
    // The contact stays out of the outbox: events are kept, while contacts are erased after the
    // tenant's retention period.
    await emitEvent(tx, tenantId, 'feedback.created', {
      ...base,
      rating: s.rating,
      positive: s.positive,
      message: e.message,
      hasContact: e.contact !== null,
      createdAt: at.toISOString(),
    });
    const mails = s.positive === false && s.notify ? await queueNegativeFeedbackAlerts(tx, rt, { ...s, tenantId, rating: s.rating!, message: e.message, hasContact: e.contact !== null }) : [];
    return { ...unchanged, counted: true, rollup: { day, delta: { feedback: 1 } }, mails };
  });
  // Only after the commit: a rolled-back event must not be counted.
  if (outcome.rollup) rt.rollups.add({ tenantId, employeeId, shopId: outcome.shopId, day: outcome.rollup.day }, outcome.rollup.delta);
  // Never awaited: the customer's page does not wait for the owner's mail server.
  for (const mail of outcome.mails ?? []) void rt.mailer.deliver(mail);
  // New feedback shows in lists at once: cached feedback pages must not wait for the flush.
  if (e.type === 'feedback' && outcome.counted) {
    await rt.rollups.changed(tenantId).catch((err) => rt.log.warn({ err, tenantId }, 'feedback change notification failed'));
  }
  return { sessionId, counted: outcome.counted, rating: outcome.rating, positive: outcome.positive };
}
