// Periodic purge of rows that have outlived their purpose, in small batches so a large backlog
// never holds long locks or one huge transaction.
import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../db/index.ts';

const BATCH = 5000;

async function deleteInBatches(db: Db, statement: ReturnType<typeof sql>): Promise<number> {
  let total = 0;
  for (;;) {
    const rows = await queryRows<{ n: number }>(db, statement);
    const n = Number(rows[0]?.n ?? 0);
    total += n;
    if (n < BATCH) return total;
  }
}

export interface PurgeResult {
  audit: number;
  idempotency: number;
  rateLimitWindows: number;
}

export async function purgeExpired(db: Db, auditRetentionDays: number): Promise<PurgeResult> {
  const audit = await deleteInBatches(
    db,
    sql`with gone as (delete from audit_log where id in (
          select id from audit_log where at < now() - make_interval(days => ${auditRetentionDays}) limit ${BATCH})
        returning 1) select count(*)::int as n from gone`,
  );
  const idempotency = await deleteInBatches(
    db,
    sql`with gone as (delete from idempotency_keys where (scope, key) in (
          select scope, key from idempotency_keys where expires_at < now() limit ${BATCH})
        returning 1) select count(*)::int as n from gone`,
  );
  const rateLimitWindows = await deleteInBatches(
    db,
    sql`with gone as (delete from rate_limit_windows where (bucket, window_start) in (
          select bucket, window_start from rate_limit_windows where window_start < now() - interval '2 hours' limit ${BATCH})
        returning 1) select count(*)::int as n from gone`,
  );
  return { audit, idempotency, rateLimitWindows };
}
