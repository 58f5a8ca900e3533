// Per-credential hourly buckets, aligned to the top of the UTC hour and shared by every node.
//
// Leased budget slices: a node admits only from budget it has leased from the window's row
// (`leased` = budget handed out to all nodes), and leases with one atomic statement that never
// hands out more than `limit − leased`. So the requests admitted in a window never exceed the
// limit, whatever the number of nodes or the request rate. A slice is 1/8 of what is left
// (at most 1,000, at least 1): few lease statements while the budget is large, small slices as it
// runs out, so little budget sits unused on one node while another refuses. The price: a node that
// crashes loses its unused lease for the rest of the hour (under-admission, never over: at most
// 1¼ slices, ≤ 1,250 requests per node); a graceful stop hands it back.
//
// What was admitted (`count`) is still added in batches by flush(), off the hot path; the key
// list reads it (countsThisHour). A busy node leases its next slice when a quarter of the current
// one is left, so requests wait for a lease only when a node runs out (its first request of the
// hour, or near the end of the budget); concurrent requests then share one lease call.
import type { FastifyRequest } from 'fastify';
import { sql, type SQL } from 'drizzle-orm';
import { pgArray, preparedQuery, queryRows, type Db } from '../db/index.ts';
import { AppError } from './errors.ts';
import type { Principal } from './principal.ts';
import { rateLimitWindows } from './tables.ts';

const HOUR = 3_600_000;
const SLICE_DIVISOR = 8;
const MAX_SLICE = 1_000;
/** Slices at least this big are leased again ahead, when a quarter of them is left. */
const PREFETCH_FROM = 8;
/** Count reads that run together at most (see shared()). */
const READ_GROUP = 256;

interface Window {
  bucket: string;
  start: number;
  /** Budget leased by this node in this window (what was handed back on stop() subtracted). */
  granted: number;
  /** Admitted by this node in this window (flushed or not): `granted − used` is left to admit. */
  used: number;
  /** Admitted here and not yet added to the row's `count`. */
  pending: number;
  /** The row's `leased` (every node's leases) as of our last statement on it. */
  leasedGlobally: number;
  /** The size of the last slice granted (the next lease starts when a quarter of it is left). */
  lastGrant: number;
  leasing?: Promise<void>;
}

export interface RateLimitState {
  limit: number;
  remaining: number;
  reset: number; // unix seconds
}

declare module 'fastify' {
  interface FastifyRequest {
    rateLimit: RateLimitState | null;
  }
}

/**
 * The slice of `limit − base` one lease takes (SQL, so the row's current value decides):
 * 1/8 of what is left, at most MAX_SLICE, at least 1, never more than what is left.
 */
const sliceOf = (limit: number, base: SQL) =>
  sql`greatest(0, least(greatest(1, least(${MAX_SLICE}, (${limit}::int - ${base}) / ${SLICE_DIVISOR})), ${limit}::int - ${base}))`;

/** The shared counts of some buckets in one window (the key lists show them), prepared once. */
export const windowCounts = preparedQuery((db) =>
  db
    .select({ bucket: rateLimitWindows.bucket, count: rateLimitWindows.count })
    .from(rateLimitWindows)
    .where(sql`${rateLimitWindows.windowStart} = ${sql.placeholder('start')}::timestamptz and ${rateLimitWindows.bucket} = any(${sql.placeholder('buckets')}::text[])`)
    .prepare('rate_limit_window_counts'),
);

export class RateLimiter {
  /** The current window of each bucket. */
  private windows = new Map<string, Window>();
  /** Windows whose hour ended with counts still to flush ("settled" by the next flush). */
  private ended: Window[] = [];
  /** The end of the last flush (or group of count reads) queued: flushes run alone, see exclusive(). */
  private queue: Promise<unknown> = Promise.resolve();
  /** The count reads running together after `gate` (see shared()); null when none is open. */
  private reads: { gate: Promise<unknown>; runs: Promise<unknown>[] } | null = null;
  private stopped = false;

  constructor(private db: Db) {}

  /** Admits the request or throws 429; records the state for the X-RateLimit-* headers. */
  async admit(principal: Principal, request: FastifyRequest, now = Date.now()): Promise<void> {
    const bucket = principal.credentialId;
    const start = Math.floor(now / HOUR) * HOUR;
    const limit = principal.hourlyLimit;
    const reset = (start + HOUR) / 1000;
    const w = this.window(bucket, start);

    // Lease until there is local budget or the database says none is left. Each lease either
    // grants at least 1 or reports `leased ≥ limit`, so this ends; waiting requests share a lease
    // and those a slice did not cover go round again.
    while (w.used >= w.granted && w.leasedGlobally < limit) {
      if (this.stopped) {
        throw new AppError(503, 'unavailable', 'The server is shutting down; retry the request', undefined, { 'retry-after': '1' });
      }
      await (w.leasing ?? this.startLease(w, limit));
    }

    if (w.used >= w.granted) {
      request.rateLimit = { limit, remaining: 0, reset };
      throw new AppError(429, 'rate_limited', `Hourly limit of ${limit} requests reached; it resets at the top of the hour`, undefined, {
        'retry-after': String(Math.max(1, Math.ceil(reset - now / 1000))),
      });
    }
    w.used++;
    w.pending++;
    request.rateLimit = { limit, remaining: remaining(w, limit), reset };
    if (w.granted - w.used <= w.lastGrant / 4 && w.lastGrant >= PREFETCH_FROM && !w.leasing && !this.stopped) {
      // Lease the next slice ahead, so a busy key does not stall on the database every slice.
      // Small slices (the budget is nearly spent) are not taken ahead: they would sit here while
      // another node that needs them refuses. A failure here is seen by the next lease awaited.
      this.startLease(w, limit).catch(() => {});
    }
  }

  /** Leases a slice for `w`; requests that need budget meanwhile wait on the same lease. */
  private startLease(w: Window, limit: number): Promise<void> {
    w.leasing = this.lease(w, limit).finally(() => (w.leasing = undefined));
    return w.leasing;
  }

  /** The bucket's window for this hour; the one that ended is kept until its counts are flushed. */
  private window(bucket: string, start: number): Window {
    let w = this.windows.get(bucket);
    if (w && w.start === start) return w;
    if (w && w.pending > 0) this.ended.push(w); // its unused lease does not matter after the hour
    w = { bucket, start, granted: 0, used: 0, pending: 0, leasedGlobally: 0, lastGrant: 0 };
    this.windows.set(bucket, w);
    return w;
  }

  /**
   * Takes a slice of the window's remaining budget in one atomic statement. The row is locked
   * while the slice is computed from its current `leased`, so concurrent leases from several
   * nodes queue on the row and never hand out more than the limit. `greatest(leased, count)`
   * also covers rows counted before leases existed (0011_rate_limit_leases).
   */
  private async lease(w: Window, limit: number): Promise<void> {
    const bucket = w.bucket;
    const start = new Date(w.start).toISOString();
    for (;;) {
      const [taken] = await queryRows<{ leased: number; granted: number }>(
        this.db,
        sql`with cur as (
              select bucket, window_start, greatest(leased, count) as base from rate_limit_windows
               where bucket = ${bucket} and window_start = ${start}::timestamptz for update
            ), slice as (select bucket, window_start, base, ${sliceOf(limit, sql`base`)} as granted from cur)
            update rate_limit_windows w set leased = slice.base + slice.granted
              from slice where w.bucket = slice.bucket and w.window_start = slice.window_start
            returning w.leased, slice.granted`,
      );
      // The window's first lease creates its row; if another node created it meanwhile, lease again.
      const first = taken
        ? undefined
        : (
            await queryRows<{ leased: number; granted: number }>(
              this.db,
              sql`insert into rate_limit_windows (bucket, window_start, count, leased)
                  values (${bucket}, ${start}::timestamptz, 0, ${sliceOf(limit, sql`0`)})
                  on conflict (bucket, window_start) do nothing
                  returning leased, leased as granted`,
            )
          )[0];
      const row = taken ?? first;
      if (!row) continue;
      w.lastGrant = Number(row.granted);
      w.granted += w.lastGrant;
      w.leasedGlobally = Math.max(w.leasedGlobally, Number(row.leased));
      return;
    }
  }

  /**
   * Requests counted this UTC hour per bucket (key lists show them): the shared window plus what
   * this node admitted and has not flushed yet. Other nodes' unflushed requests show after
   * their next flush. Buckets never used this hour count 0. One statement for any number.
   */
  async countsThisHour(buckets: readonly string[], now = Date.now()): Promise<Map<string, number>> {
    const start = Math.floor(now / HOUR) * HOUR;
    const counts = new Map<string, number>(buckets.map((b) => [b, 0]));
    if (buckets.length === 0) return counts;
    // No flush may move counts from `pending` to the table between this read and the sum below,
    // or a request would be counted twice (or not at all). Reads may overlap each other.
    return this.shared(async () => {
      const rows = await windowCounts(this.db).execute({ start: new Date(start).toISOString(), buckets: pgArray(buckets) });
      for (const r of rows) counts.set(r.bucket, Number(r.count));
      for (const b of buckets) {
        const w = this.windows.get(b);
        if (w && w.start === start) counts.set(b, counts.get(b)! + w.pending);
      }
      return counts;
    });
  }

  /** Adds every node-local count to the shared windows in one statement. */
  async flush(): Promise<void> {
    // One flush at a time: two overlapping flushes (the timer and shutdown, or a tick while a
    // slow flush still runs) would both send the same pending counts and count them twice.
    return this.exclusive(() => this.flushOnce());
  }

  /**
   * Before the last flush on shutdown: no lease is taken any more (a request that would need one
   * gets a 503), and the unused leases of this hour are handed back so other nodes can use them.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.allSettled([...this.windows.values()].map((w) => w.leasing));
    return this.exclusive(async () => {
      const current = Math.floor(Date.now() / HOUR) * HOUR;
      const back = [...this.windows.values()].filter((w) => w.start === current && w.granted > w.used);
      if (back.length === 0) return;
      const returned = back.map((w) => w.granted - w.used);
      for (const w of back) w.granted = w.used;
      await queryRows(
        this.db,
        sql`update rate_limit_windows w set leased = greatest(w.count, w.leased - r.returned)
              from unnest(${pgArray(back.map((w) => w.bucket))}::text[], ${pgArray(back.map((w) => new Date(w.start).toISOString()))}::timestamptz[],
                          ${pgArray(returned)}::int[]) as r(bucket, window_start, returned)
             where w.bucket = r.bucket and w.window_start = r.window_start`,
      );
    });
  }

  /** Runs `fn` alone among flushes and count reads (its failure is its caller's to handle). */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    this.closeReads();
    const run = this.queue.then(fn);
    this.queue = run.catch(() => {});
    return run;
  }

  /**
   * Runs a count read after the flushes queued so far, beside the other reads queued since the
   * last of them; the next flush waits for them all. (One at a time, a busy key list waited for
   * every other list's read: 50 concurrent lists ran at a fifth of their ceiling.)
   */
  private shared<T>(fn: () => Promise<T>): Promise<T> {
    // A group is closed after READ_GROUP reads too, so that it holds a bounded list between flushes.
    if (this.reads && this.reads.runs.length >= READ_GROUP) this.closeReads();
    this.reads ??= { gate: this.queue, runs: [] };
    const run = this.reads.gate.then(fn);
    this.reads.runs.push(run);
    return run;
  }

  /** What is queued next (a flush, or the next group of reads) waits for the open group's reads. */
  private closeReads() {
    const group = this.reads;
    if (!group) return;
    this.reads = null;
    this.queue = Promise.allSettled(group.runs);
  }

  private async flushOnce(): Promise<void> {
    const batch: { w: Window; sent: number }[] = [];
    for (const w of [...this.ended, ...this.windows.values()]) if (w.pending > 0) batch.push({ w, sent: w.pending });
    if (batch.length === 0) return this.forgetOldWindows();
    // Rows in one order on every node, so two nodes' flushes cannot deadlock on each other's rows.
    batch.sort((a, b) => (a.w.bucket < b.w.bucket ? -1 : a.w.bucket > b.w.bucket ? 1 : a.w.start - b.w.start));
    // Arrays keep the statement's text fixed whatever the batch size, so it is prepared once.
    // A row is normally created by its first lease; one inserted here (a window purged or edited
    // meanwhile) counts its requests as leased too, so `leased ≥ count` always holds.
    const buckets = pgArray(batch.map((b) => b.w.bucket));
    const starts = pgArray(batch.map((b) => new Date(b.w.start).toISOString()));
    const sents = pgArray(batch.map((b) => b.sent));
    const rows = await queryRows<{ bucket: string; window_start: string | Date; leased: number }>(
      this.db,
      sql`insert into rate_limit_windows (bucket, window_start, count, leased)
          select b, s, c, c from unnest(${buckets}::text[], ${starts}::timestamptz[], ${sents}::int[]) as u(b, s, c)
          on conflict (bucket, window_start) do update set count = rate_limit_windows.count + excluded.count
          returning bucket, window_start, leased`,
    );
    const leased = new Map(rows.map((r) => [`${r.bucket}@${new Date(r.window_start).getTime()}`, Number(r.leased)]));
    for (const { w, sent } of batch) {
      w.pending -= sent;
      const global = leased.get(`${w.bucket}@${w.start}`);
      if (global !== undefined) w.leasedGlobally = Math.max(w.leasedGlobally, global);
    }
    this.forgetOldWindows();
  }

  private forgetOldWindows() {
    const current = Math.floor(Date.now() / HOUR) * HOUR;
    this.ended = this.ended.filter((w) => w.pending > 0);
    for (const [bucket, w] of this.windows) if (w.start < current && w.pending === 0 && !w.leasing) this.windows.delete(bucket);
  }
}

/**
 * X-RateLimit-Remaining: what this node could still admit as far as it knows — the budget no
 * node has leased yet plus its own unused lease. Other nodes' leases count as spent, so it never
 * claims more than the node could admit, and it is 0 when the next request here will be refused
 * (it will not even ask the database).
 */
function remaining(w: Window, limit: number): number {
  return Math.max(0, limit - w.leasedGlobally) + (w.granted - w.used);
}
