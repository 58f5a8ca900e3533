// Per-credential hourly buckets, aligned to the top of the UTC hour and shared by every node.
// Each node counts admitted requests in memory and adds them to the database in one batched
// UPSERT per flush (`count = count + excluded.count … RETURNING count`), which also tells it the
// global count. So the hot path never waits for the database, at the price of a bounded
// overshoot: after the global count reaches the limit, each node can still admit what it
// receives until its next flush returns — at most Σ(node rate) × (flush interval + flush time).
import type { FastifyRequest } from 'fastify';
import { sql } from 'drizzle-orm';
import { pgArray, queryRows, type Db } from '../db/index.ts';
import { AppError } from './errors.ts';
import type { Principal } from './principal.ts';

const HOUR = 3_600_000;

interface Window {
  start: number;
  /** The global count as of our last flush (or first load), including our own flushed requests. */
  known: number;
  /** Admitted here and not yet flushed. */
  pending: number;
  loading?: Promise<void>;
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

export class RateLimiter {
  private windows = new Map<string, Window>();
  /** The end of the last flush (or count read) queued: they run one at a time, see exclusive(). */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private db: Db) {}

  /** Admits the request or throws 429; records the state for the X-RateLimit-* headers. */
  async admit(principal: Principal, request: FastifyRequest, now = Date.now()): Promise<void> {
    const bucket = principal.credentialId;
    const start = Math.floor(now / HOUR) * HOUR;
    let w = this.windows.get(bucket);
    if (!w || w.start !== start) {
      w = { start, known: 0, pending: 0 };
      this.windows.set(bucket, w);
      // Learn what other nodes (or this node before a restart) already counted this hour.
      w.loading = this.load(bucket, w);
    }
    if (w.loading) await w.loading;

    const limit = principal.hourlyLimit;
    const reset = (start + HOUR) / 1000;
    const used = w.known + w.pending;
    if (used >= limit) {
      request.rateLimit = { limit, remaining: 0, reset };
      throw new AppError(429, 'rate_limited', `Hourly limit of ${limit} requests reached; it resets at the top of the hour`, undefined, {
        'retry-after': String(Math.max(1, Math.ceil(reset - now / 1000))),
      });
    }
    w.pending++;
    request.rateLimit = { limit, remaining: Math.max(0, limit - used - 1), reset };
  }

  private async load(bucket: string, w: Window) {
    try {
      const [row] = await queryRows<{ count: number }>(
        this.db,
        sql`select count from rate_limit_windows where bucket = ${bucket} and window_start = ${new Date(w.start).toISOString()}`,
      );
      w.known = Math.max(w.known, row?.count ?? 0);
    } finally {
      w.loading = undefined;
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
    // or a request would be counted twice (or not at all).
    return this.exclusive(async () => {
      const rows = await queryRows<{ bucket: string; count: number }>(
        this.db,
        sql`select bucket, count from rate_limit_windows
             where window_start = ${new Date(start).toISOString()}::timestamptz and bucket = any(${pgArray(buckets)}::text[])`,
      );
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

  /** Runs `fn` alone among flushes and count reads (its failure is its caller's to handle). */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn);
    this.queue = run.catch(() => {});
    return run;
  }

  private async flushOnce(): Promise<void> {
    const batch: { bucket: string; w: Window; sent: number }[] = [];
    for (const [bucket, w] of this.windows) if (w.pending > 0) batch.push({ bucket, w, sent: w.pending });
    if (batch.length === 0) return this.forgetOldWindows();
    // Arrays keep the statement's text fixed whatever the batch size, so it is prepared once.
    const buckets = pgArray(batch.map((b) => b.bucket));
    const starts = pgArray(batch.map((b) => new Date(b.w.start).toISOString()));
    const sents = pgArray(batch.map((b) => b.sent));
    const rows = await queryRows<{ bucket: string; window_start: string | Date; count: number }>(
      this.db,
      sql`insert into rate_limit_windows (bucket, window_start, count)
          select * from unnest(${buckets}::text[], ${starts}::timestamptz[], ${sents}::int[])
          on conflict (bucket, window_start) do update set count = rate_limit_windows.count + excluded.count
          returning bucket, window_start, count`,
    );
    const counts = new Map(rows.map((r) => [`${r.bucket}@${new Date(r.window_start).getTime()}`, Number(r.count)]));
    for (const { bucket, w, sent } of batch) {
      w.pending -= sent;
      const global = counts.get(`${bucket}@${w.start}`);
      if (global !== undefined) w.known = Math.max(w.known, global);
    }
    this.forgetOldWindows();
  }

  private forgetOldWindows() {
    const current = Math.floor(Date.now() / HOUR) * HOUR;
    for (const [bucket, w] of this.windows) if (w.start < current && w.pending === 0) this.windows.delete(bucket);
  }
}
