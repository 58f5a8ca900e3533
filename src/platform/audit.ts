// The audit log: one row per request to the authenticated surfaces, buffered in memory and
// written with multi-row INSERTs every flush interval (or sooner when 500 rows wait).
//
// A row is promised when the request arrives (`begin`) and written when its handling ends
// (`end`), so a request whose client hangs up still gets its row, naming who it was admitted as.
// Nothing is ever dropped: rows that fail to write stay buffered for the next flush, and while the
// buffer is over its bound new audited requests are refused with a 503 (request-path.ts) instead.
// What a crash can lose is the rows not yet flushed: at most one flush interval's worth plus the
// flush under way (README, "Audit log"); a graceful shutdown waits for the requests in flight
// (`settle`) and flushes.
import type { FastifyBaseLogger } from 'fastify';
import { sql } from 'drizzle-orm';
import { auditLog } from './tables.ts';
import { pgArray, type Db } from '../db/index.ts';
import { uuidv7 } from './ids.ts';

export type AuditRow = typeof auditLog.$inferInsert;
type RowFacts = Omit<AuditRow, 'id'>;

const BATCH = 500;
/** Past this many unwritten rows (the database is down or too slow), new audited requests are refused. */
export const MAX_BUFFERED = 50_000;
/**
 * A request whose client left is given this long to finish before its row is written as it
 * stands. Some never finish: one that loses its client while still reading the body waits for
 * bytes that will not come. By then it has long been authenticated, so the row names its caller.
 */
const ABANDONED_WAIT_MS = 2000;

interface OpenRow {
  describe: () => RowFacts;
  /** When the client hung up (the row waits for the handler to finish), else undefined. */
  abandonedAt?: number;
}

export class AuditLog {
  private buffer: AuditRow[] = [];
  private flushing: Promise<void> | null = null;
  /** Requests admitted to the audited surfaces whose row is not recorded yet. */
  private open = new Map<object, OpenRow>();
  private onSettled: (() => void) | null = null;

  constructor(
    private db: Db,
    private log: FastifyBaseLogger,
  ) {}

  /** Over the bound: the caller refuses new audited requests until flushes catch up. */
  get backlogged(): boolean {
    return this.buffer.length >= MAX_BUFFERED;
  }

  /** Promises one row for `request`; `describe` reads what is known of it when the row is written. */
  begin(request: object, describe: () => RowFacts): void {
    this.open.set(request, { describe });
  }

  /** The client left before its answer: the row waits for the handling to end (or ABANDONED_WAIT_MS). */
  abandon(request: object): void {
    const row = this.open.get(request);
    if (row) row.abandonedAt ??= Date.now();
  }

  isAbandoned(request: object): boolean {
    return this.open.get(request)?.abandonedAt !== undefined;
  }

  /** Records the promised row of `request` (once; later calls do nothing). */
  end(request: object): void {
    const row = this.open.get(request);
    if (!row) return;
    const facts = row.describe(); // before the delete: it asks isAbandoned
    this.open.delete(request);
    this.record(facts);
    if (this.open.size === 0 && this.onSettled) this.onSettled();
  }

  /**
   * Waits (at most `ms`) for every request in flight to end, then records the rows of those that
   * have not, as they stand: shutdown calls this before its last flush.
   */
  async settle(ms: number): Promise<void> {
    if (this.open.size > 0) {
      let timer: NodeJS.Timeout | undefined;
      // A request whose client left is written once its wait is over, as during serving.
      const abandoned = setInterval(() => this.endAbandoned(), 250);
      await new Promise<void>((resolve) => {
        this.onSettled = resolve;
        timer = setTimeout(resolve, ms);
        this.endAbandoned();
      });
      clearTimeout(timer);
      clearInterval(abandoned);
      this.onSettled = null;
    }
    if (this.open.size > 0) this.log.warn({ requests: this.open.size }, 'audit: requests still running at shutdown; their rows are written as they stand');
    for (const request of [...this.open.keys()]) this.end(request);
  }

  record(row: RowFacts): void {
    this.buffer.push({ id: uuidv7(row.at.getTime()), ...row });
    if (this.buffer.length >= BATCH && !this.flushing) void this.flush().catch(() => {});
  }

  /** Writes everything buffered so far, BATCH rows per INSERT. */
  async flush(): Promise<void> {
    if (this.flushing) return this.flushing;
    this.endAbandoned();
    this.flushing = this.drain().finally(() => (this.flushing = null));
    return this.flushing;
  }

  /** Rows of requests whose client left long ago and whose handler never ended (a hung call). */
  private endAbandoned() {
    const before = Date.now() - ABANDONED_WAIT_MS;
    for (const [request, row] of this.open) if (row.abandonedAt !== undefined && row.abandonedAt < before) this.end(request);
  }

  private async drain() {
    while (this.buffer.length > 0) {
      const rows = this.buffer.splice(0, BATCH);
      try {
        await this.db.execute(insertStatement(rows));
      } catch (err) {
        // Kept, in order, for the next flush; request-path.ts refuses new requests while over the bound.
        this.buffer.unshift(...rows);
        throw err;
      }
    }
  }
}

/**
 * One multi-row INSERT as one fixed statement: each column travels as a single array parameter
 * and `unnest` turns them back into rows. Building a 500-row INSERT through Drizzle's query
 * builder took ~24 ms of event-loop time; this takes well under one.
 */
function insertStatement(rows: AuditRow[]) {
  const col = <T>(pick: (r: AuditRow) => T) => pgArray(rows.map((r) => (pick(r) ?? null) as string | number | null));
  return sql`insert into audit_log
      (id, at, request_id, method, route, status, duration_ms, principal_kind, principal_id, key_prefix, user_id, tenant_id, ip, user_agent)
    select * from unnest(
      ${col((r) => r.id)}::uuid[], ${col((r) => r.at.toISOString())}::timestamptz[], ${col((r) => r.requestId)}::text[],
      ${col((r) => r.method)}::text[], ${col((r) => r.route)}::text[], ${col((r) => r.status)}::smallint[],
      ${col((r) => r.durationMs)}::int[], ${col((r) => r.principalKind)}::text[], ${col((r) => r.principalId)}::uuid[],
      ${col((r) => r.keyPrefix)}::text[], ${col((r) => r.userId)}::uuid[], ${col((r) => r.tenantId)}::uuid[],
      ${col((r) => r.ip)}::text[], ${col((r) => r.userAgent)}::text[])`;
}
