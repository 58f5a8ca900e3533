// The audit log: one row per request to the authenticated surfaces, buffered in memory and
// written with multi-row INSERTs every flush interval (or sooner when 500 rows wait). The
// buffer is bounded; what a crash can lose is at most one flush interval of rows (a graceful
// shutdown flushes). If the database is unreachable for long enough to fill the buffer, the
// oldest rows are dropped and the loss is logged — requests are never blocked on the audit.
import type { FastifyBaseLogger } from 'fastify';
import { auditLog } from './schema.ts';
import type { Db } from '../db/index.ts';
import { uuidv7 } from './ids.ts';

export type AuditRow = typeof auditLog.$inferInsert;

const BATCH = 500;
const MAX_BUFFERED = 50_000;

export class AuditLog {
  private buffer: AuditRow[] = [];
  private flushing: Promise<void> | null = null;
  dropped = 0;

  constructor(
    private db: Db,
    private log: FastifyBaseLogger,
  ) {}

  record(row: Omit<AuditRow, 'id'>): void {
    if (this.buffer.length >= MAX_BUFFERED) {
      this.buffer.shift();
      this.dropped++;
    }
    this.buffer.push({ id: uuidv7(row.at.getTime()), ...row });
    if (this.buffer.length >= BATCH && !this.flushing) void this.flush().catch(() => {});
  }

  /** Writes everything buffered so far, BATCH rows per INSERT. */
  async flush(): Promise<void> {
    if (this.flushing) return this.flushing;
    this.flushing = this.drain().finally(() => (this.flushing = null));
    return this.flushing;
  }

  private async drain() {
    if (this.dropped > 0) {
      this.log.warn({ dropped: this.dropped }, 'audit buffer was full; oldest rows dropped');
      this.dropped = 0;
    }
    while (this.buffer.length > 0) {
      const rows = this.buffer.splice(0, BATCH);
      try {
        await this.db.insert(auditLog).values(rows);
      } catch (err) {
        // Keep the rows for the next flush (newest win if that overfills the buffer).
        this.buffer.unshift(...rows);
        const excess = this.buffer.length - MAX_BUFFERED;
        if (excess > 0) {
          this.buffer.splice(0, excess);
          this.dropped += excess;
        }
        throw err;
      }
    }
  }
}
