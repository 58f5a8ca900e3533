// Daily funnel rollups (funnel_daily), derived from review_sessions. Funnel events add their
// increments here in memory, aggregated per (tenant, day, shop, employee); a flush writes them
// all with one multi-row `col = funnel_daily.col + excluded.col` UPSERT, so a busy employee's
// scans never queue on one row lock. What a crash loses is at most one flush interval of
// increments: the sessions (written synchronously) keep every event, and rebuildRollups()
// recomputes a tenant's rollups from them exactly.
import { sql } from 'drizzle-orm';
import { pgArray, queryRows, type Database, type Db } from '../db/index.ts';

export interface FunnelCounts {
  scans: number;
  ratings: number;
  ratingSum: number;
  positive: number;
  negative: number;
  googleClicks: number;
  xhsClicks: number;
  feedback: number;
}

export interface RollupKey {
  tenantId: string;
  /** The tenant-local date, YYYY-MM-DD. */
  day: string;
  shopId: string;
  employeeId: string;
}

/** Nodes tell each other that a tenant's feedback changed (the payload is the tenant id). */
const CHANGED_CHANNEL = 'orgstack_funnel_changed';

const COUNTERS = ['scans', 'ratings', 'ratingSum', 'positive', 'negative', 'googleClicks', 'xhsClicks', 'feedback'] as const;
/** Rows per statement: 12 parameters each stays far below PostgreSQL's 65,535 limit. */
const CHUNK = 1000;

export const zeroCounts = (): FunnelCounts => ({ scans: 0, ratings: 0, ratingSum: 0, positive: 0, negative: 0, googleClicks: 0, xhsClicks: 0, feedback: 0 });

type Pending = RollupKey & FunnelCounts;
const keyOf = (k: RollupKey) => `${k.tenantId}|${k.day}|${k.shopId}|${k.employeeId}`;

export class RollupWriter {
  private pending = new Map<string, Pending>();
  private flushing: Promise<void> | null = null;
  /**
   * Per tenant, bumped whenever this node changes its funnel data: rollups flushed, feedback
   * created or resolved, rollups rebuilt. Caches of derived answers (analytics reports,
   * feedback totals) are valid only for the version they were computed at.
   */
  private versions = new Map<string, number>();

  constructor(
    private db: Db,
    private database?: Pick<Database, 'listen' | 'notify'>,
  ) {}

  /** Hears other nodes' `changed()` so this node's cached lists and reports drop at once. */
  async start(): Promise<void> {
    await this.database?.listen(CHANGED_CHANNEL, (tenantId) => this.touch(tenantId));
  }

  /**
   * A tenant's feedback changed (created, resolved): caches here drop now and on every other
   * node within milliseconds. Rollup flushes do not announce themselves (they are continuous);
   * other nodes see them when their cached copies expire.
   */
  async changed(tenantId: string): Promise<void> {
    this.touch(tenantId);
    await this.database?.notify(CHANGED_CHANNEL, tenantId);
  }

  /** Adds an increment (negative for a changed rating); it reaches the table at the next flush. */
  add(key: RollupKey, delta: Partial<FunnelCounts>): void {
    if (COUNTERS.every((c) => !delta[c])) return;
    const id = keyOf(key);
    let row = this.pending.get(id);
    if (!row) {
      row = { ...key, ...zeroCounts() };
      this.pending.set(id, row);
    }
    for (const c of COUNTERS) row[c] += delta[c] ?? 0;
  }

  /** Increments added and not yet written (for tests and shutdown logs). */
  get pendingRows(): number {
    return this.pending.size;
  }

  version(tenantId: string): number {
    return this.versions.get(tenantId) ?? 0;
  }

  /** Marks a tenant's funnel data as changed outside a flush (feedback, a rebuild). */
  touch(tenantId: string): void {
    this.versions.set(tenantId, this.version(tenantId) + 1);
  }

  async flush(): Promise<void> {
    // One flush at a time: overlapping flushes would be harmless here (each takes its own
    // snapshot) but could write rows in different orders and deadlock each other.
    while (this.flushing) await this.flushing.catch(() => {});
    this.flushing = this.flushOnce().finally(() => (this.flushing = null));
    return this.flushing;
  }

  private async flushOnce(): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    // A fixed order makes every node lock rows in the same sequence: no deadlocks between nodes.
    const rows = [...batch.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, r]) => r);
    let written = 0;
    try {
      for (; written < rows.length; written += CHUNK) await upsert(this.db, rows.slice(written, written + CHUNK));
    } catch (err) {
      // Keep what did not reach the table; the next flush retries it (each chunk is atomic).
      // The runtime's flusher logs the error.
      for (const r of rows.slice(written)) this.add(r, r);
      throw err;
    } finally {
      for (const tenantId of new Set(rows.slice(0, written).map((r) => r.tenantId))) this.touch(tenantId);
    }
  }
}

async function upsert(db: Db, rows: Pending[]) {
  // One array per column: the statement's text is the same for any number of rows (prepared once).
  const col = (pick: (r: Pending) => string | number) => pgArray(rows.map(pick));
  await db.execute(sql`
    insert into funnel_daily (tenant_id, day, shop_id, employee_id, scans, ratings, rating_sum, positive, negative, google_clicks, xhs_clicks, feedback)
    select * from unnest(${col((r) => r.tenantId)}::uuid[], ${col((r) => r.day)}::date[], ${col((r) => r.shopId)}::uuid[],
      ${col((r) => r.employeeId)}::uuid[], ${col((r) => r.scans)}::int[], ${col((r) => r.ratings)}::int[], ${col((r) => r.ratingSum)}::int[],
      ${col((r) => r.positive)}::int[], ${col((r) => r.negative)}::int[], ${col((r) => r.googleClicks)}::int[],
      ${col((r) => r.xhsClicks)}::int[], ${col((r) => r.feedback)}::int[])
    on conflict (tenant_id, day, shop_id, employee_id) do update set
      scans = funnel_daily.scans + excluded.scans,
      ratings = funnel_daily.ratings + excluded.ratings,
      rating_sum = funnel_daily.rating_sum + excluded.rating_sum,
      positive = funnel_daily.positive + excluded.positive,
      negative = funnel_daily.negative + excluded.negative,
      google_clicks = funnel_daily.google_clicks + excluded.google_clicks,
      xhs_clicks = funnel_daily.xhs_clicks + excluded.xhs_clicks,
      feedback = funnel_daily.feedback + excluded.feedback`);
}

/**
 * Recomputes a tenant's funnel_daily from its review sessions in one transaction: each stage
 * counts on the day stored with it (the tenant-local day when it happened). Exact when no
 * increments for the tenant are in flight: flush first (`rt.flush()`), and expect events
 * recorded while it runs to be counted twice (their pending increments land on top) — run it
 * when the tenant is quiet, or run it again. Then `rt.rollups.changed(tenantId)` drops the
 * reports cached from the old rows.
 */
export async function rebuildRollups(db: Db, tenantId: string): Promise<{ rows: number }> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`delete from funnel_daily where tenant_id = ${tenantId}`);
    const [{ n }] = await queryRows<{ n: number }>(
      tx,
      sql`with stages as (
            select scan_day as day, shop_id, employee_id, 1 as scans, 0 as ratings, 0 as rating_sum, 0 as positive, 0 as negative,
                   0 as google_clicks, 0 as xhs_clicks, 0 as feedback
              from review_sessions where tenant_id = ${tenantId} and scan_day is not null
            union all
            select rating_day, shop_id, employee_id, 0, 1, rating, case when positive then 1 else 0 end, case when positive then 0 else 1 end, 0, 0, 0
              from review_sessions where tenant_id = ${tenantId} and rating_day is not null
            union all
            select google_click_day, shop_id, employee_id, 0, 0, 0, 0, 0, 1, 0, 0
              from review_sessions where tenant_id = ${tenantId} and google_click_day is not null
            union all
            select xhs_click_day, shop_id, employee_id, 0, 0, 0, 0, 0, 0, 1, 0
              from review_sessions where tenant_id = ${tenantId} and xhs_click_day is not null
            union all
            select feedback_day, shop_id, employee_id, 0, 0, 0, 0, 0, 0, 0, 1
              from review_sessions where tenant_id = ${tenantId} and feedback_day is not null
          ), inserted as (
            insert into funnel_daily (tenant_id, day, shop_id, employee_id, scans, ratings, rating_sum, positive, negative, google_clicks, xhs_clicks, feedback)
            select ${tenantId}::uuid, day, shop_id, employee_id, sum(scans), sum(ratings), sum(rating_sum), sum(positive), sum(negative),
                   sum(google_clicks), sum(xhs_clicks), sum(feedback)
              from stages group by day, shop_id, employee_id
            returning 1
          ) select count(*)::int as n from inserted`,
    );
    return { rows: Number(n) };
  });
}
