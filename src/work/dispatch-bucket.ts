// The dispatch bucket (docs/work-api-contract.md): agent dispatches are limited per workspace and
// UTC hour (WORK_DISPATCHES_PER_HOUR, default 60), tighter than the per-key request bucket. The
// count is the runs themselves — those a client dispatched (origin `dispatch`, not auto-continue)
// created this hour — so it is exact on every node with nothing extra to store. `spawn` preflight
// reports it as `checks.rateLimit`; dispatching admits against it inside its transaction.
import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../db/index.ts';
import { AppError } from '../platform/errors.ts';
import { runs } from './tables.ts';

const HOUR = 3_600_000;

export interface DispatchBucket {
  current: number;
  max: number;
  /** When the hour's window ends (the count starts again). */
  resetAt: Date;
}

export async function dispatchBucket(db: Db, tenantId: string, max: number, now = new Date()): Promise<DispatchBucket> {
  const start = new Date(Math.floor(now.getTime() / HOUR) * HOUR);
  const [{ n }] = await queryRows<{ n: number }>(
    db,
    sql`select count(*)::int as n from ${runs}
        where tenant_id = ${tenantId} and origin = 'dispatch' and created_at >= ${start.toISOString()}::timestamptz`,
  );
  return { current: n, max, resetAt: new Date(start.getTime() + HOUR) };
}

/**
 * Admits one more dispatch of the workspace, or throws 429 with Retry-After. Call inside the
 * transaction that creates the run: the advisory lock makes concurrent dispatches of one
 * workspace take turns, so the count cannot be overshot.
 */
export async function admitDispatch(tx: Db, tenantId: string, max: number, now = new Date()): Promise<DispatchBucket> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`orgstack:dispatch:${tenantId}`}))`);
  const bucket = await dispatchBucket(tx, tenantId, max, now);
  if (bucket.current >= max) {
    const retryAfter = Math.max(1, Math.ceil((bucket.resetAt.getTime() - now.getTime()) / 1000));
    throw new AppError(429, 'rate_limited', `This workspace may dispatch ${max} agents per hour; the count starts again at the top of the hour`, undefined, {
      'retry-after': String(retryAfter),
    });
  }
  return bucket;
}
