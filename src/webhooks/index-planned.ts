// The worker's two hot statements (claim, record) run with index scans only.
//
// Their tables swing from no pending delivery to tens of thousands within seconds, faster than
// autoanalyze follows, so the planner's row counts are often far off: believing a handful of
// deliveries pending it read every pending row through a bitmap and sorted them to claim a few
// (the due index, read in order, stops after them), and believing the table small it joined a
// batch's records by a sequential scan of it instead of primary-key look-ups. Planned with index
// scans only, both stay index look-ups whatever the statistics say.
//
// On PostgreSQL the worker's own connections (Database.background) start with sequential and
// bitmap scans off and every statement planned for its values (custom plans), so each statement
// runs alone, in one round trip. (Set per transaction, each claim and record was four round trips
// — begin, the settings, the statement, commit — with the node's event loop to wait for between
// them.) Custom plans there too: on its two connections the worker's first calls come at startup,
// while the tables are empty, and the generic plan PostgreSQL settles on after five calls then
// believed one row everywhere (below) and stayed, statistics or not: deliveries fell from
// ≈ 2,500/s to 800/s with claims of 250 ms. Planning each call costs well under a millisecond.
//
// The embedded database (PGlite) has one connection, shared with the requests: the settings are
// local to a transaction around the statement there. It has no autovacuum either, so no
// autoanalyze: the tables are never analyzed, and a generic plan made while the tables were
// nearly empty would stay. That plan believed one row everywhere: the claim joined its picked
// rows to `webhook_deliveries` through the endpoint index on `tenant_id` alone (reading every
// delivery the tenant ever had, per claimed row) and rescanned the ranked window once per pending
// row, so each claim cost ≈ 20–40 ms and grew with the table. Each call is planned with the
// table's current size instead (≈ 1–3 ms of planning on PGlite).
import { sql } from 'drizzle-orm';
import type { Database, Db } from '../db/index.ts';

export function indexPlanned<T>(database: Database, run: (db: Db) => Promise<T>): Promise<T> {
  if (database.kind === 'postgres') return run(database.background);
  return database.background.transaction(async (tx) => {
    await tx.execute(sql`select set_config('enable_seqscan', 'off', true), set_config('enable_bitmapscan', 'off', true), set_config('plan_cache_mode', 'force_custom_plan', true)`);
    return run(tx as unknown as Db);
  });
}
