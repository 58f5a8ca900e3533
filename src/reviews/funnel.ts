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
import { emitEvent } from '../platform/events.ts';
import { isUuid } from '../platform/principal.ts';
import { uuidv7 } from '../platform/ids.ts';
import type { Runtime } from '../platform/runtime.ts';
import type { FunnelCounts } from './rollups.ts';
import { reviewSessions } from './schema.ts';

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
  const id = uuidv7(at.getTime());
  const day = localDay(at, who.timezone);
  await rt.db.insert(reviewSessions).values({ tenantId, id, shopId: who.shop_id, employeeId, scannedAt: at, scanDay: day });
  rt.rollups.add({ tenantId, day, shopId: who.shop_id, employeeId }, { scans: 1 });
  return { sessionId: id, counted: true, rating: null, positive: null };
}

interface SessionState {
  shop_id: string;
  rating: number | null;
  positive: boolean | null;
  rating_day: string | null;
  google_clicked: boolean;
  xhs_clicked: boolean;
  has_feedback: boolean;
  timezone: string;
  rating_threshold: number;
}

interface StageOutcome {
  shopId: string;
  counted: boolean;
  rating: number | null;
  positive: boolean | null;
  /** The increment for the rollups, added once the transaction has committed. */
  rollup: { day: string; delta: Partial<FunnelCounts> } | null;
}

async function recordStage(
  rt: Runtime,
  e: { tenantId: string; employeeId: string; sessionId: string; at: Date } & StageInput,
): Promise<FunnelEventResult> {
  const { tenantId, employeeId, sessionId, at } = e;
  const outcome = await rt.db.transaction(async (tx): Promise<StageOutcome> => {
    // The row lock orders concurrent events of one visit (a double-tapped button counts once).
    const [s] = await queryRows<SessionState>(
      tx,
      sql`select s.shop_id, s.rating, s.positive, s.rating_day::text as rating_day,
                 s.google_clicked_at is not null as google_clicked, s.xhs_clicked_at is not null as xhs_clicked,
                 s.feedback_at is not null as has_feedback, t.timezone, t.rating_threshold
            from review_sessions s join tenants t on t.id = s.tenant_id
           where s.tenant_id = ${tenantId} and s.id = ${sessionId} and s.employee_id = ${employeeId}
           for update of s`,
    );
    if (!s) throw notFound();
    const day = localDay(at, s.timezone);
    const base = { sessionId, employeeId, shopId: s.shop_id };
    const unchanged: StageOutcome = { shopId: s.shop_id, counted: false, rating: s.rating, positive: s.positive, rollup: null };

    if (e.type === 'rating') {
      const positive = e.rating >= s.rating_threshold;
      if (s.rating === e.rating && s.positive === positive) return unchanged;
      const first = s.rating === null;
      if (first) {
        await tx.execute(sql`update review_sessions set rating = ${e.rating}, positive = ${positive}, rated_at = ${at.toISOString()}, rating_day = ${day}
                             where tenant_id = ${tenantId} and id = ${sessionId}`);
      } else {
        await tx.execute(sql`update review_sessions set rating = ${e.rating}, positive = ${positive} where tenant_id = ${tenantId} and id = ${sessionId}`);
      }
      await emitEvent(tx, tenantId, 'review.rated', { ...base, rating: e.rating, positive, previousRating: s.rating, ratedAt: at.toISOString() });
      const wasPositive = s.positive ? 1 : 0;
      const wasNegative = first || s.positive ? 0 : 1;
      const delta = {
        ratings: first ? 1 : 0,
        ratingSum: e.rating - (s.rating ?? 0),
        positive: (positive ? 1 : 0) - wasPositive,
        negative: (positive ? 0 : 1) - wasNegative,
      };
      return { ...unchanged, counted: first, rating: e.rating, positive, rollup: { day: first ? day : s.rating_day!, delta } };
    }

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
    return { ...unchanged, counted: true, rollup: { day, delta: { feedback: 1 } } };
  });
  // Only after the commit: a rolled-back event must not be counted.
  if (outcome.rollup) rt.rollups.add({ tenantId, employeeId, shopId: outcome.shopId, day: outcome.rollup.day }, outcome.rollup.delta);
  // New feedback shows in lists at once: cached feedback pages must not wait for the flush.
  if (e.type === 'feedback' && outcome.counted) {
    await rt.rollups.changed(tenantId).catch((err) => rt.log.warn({ err, tenantId }, 'feedback change notification failed'));
  }
  return { sessionId, counted: outcome.counted, rating: outcome.rating, positive: outcome.positive };
}
