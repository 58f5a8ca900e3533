// The worker's two hot statements (claim, record) run with index scans only.
//
// Their tables swing from no pending delivery to tens of thousands within seconds, faster than
// autoanalyze follows, so the planner's row counts are often far off: believing a handful of
// deliveries pending it read every pending row through a bitmap and sorted them to claim a few
// (the due index, read in order, stops after them), and believing the table small it joined a
// batch's records by a sequential scan of it instead of primary-key look-ups. With these settings,
// local to the statement's transaction, both plans stay index look-ups whatever the statistics say.
import { sql } from 'drizzle-orm';
import type { Db } from '../db/index.ts';

export function indexPlanned<T>(db: Db, run: (tx: Db) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select set_config('enable_seqscan', 'off', true), set_config('enable_bitmapscan', 'off', true)`);
    return run(tx as unknown as Db);
  });
}
