// Lists read their page off an index in the list's own order, never by sorting all of a
// workspace's rows (the inbox sorted its 6,000 decisions for every page of 50, gathering each
// one's options first: 48 ms; 4,000 workstreams or artifacts took 12–15 ms). The planner is kept
// from scans and bitmaps, so a plan with no sort means the index gives the ORDER BY exactly as
// the list writes it.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { eq, sql, type SQL } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import { queryRows, sentQuery, type Db } from '../../src/db/index.ts';
import { uuidv7 } from '../../src/platform/ids.ts';
import { artifactOrder } from '../../src/work/artifacts.ts';
import { decisionPage } from '../../src/work/decisions.ts';
import { artifacts, workstreams } from '../../src/work/tables.ts';
import { workstreamOrder } from '../../src/work/workstreams.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';

let tdb: TestDatabase;
let db: Db;
before(async () => {
  tdb = await createTestDatabase();
  db = tdb.database.db;
});
after(() => tdb.close());

/** The plan of a statement, its values written in. */
async function planOf({ sql: text, params }: { sql: string; params: unknown[] }) {
  const literal = text.replace(/\$(\d+)/g, (_, i) => (typeof params[i - 1] === 'string' ? `'${params[i - 1]}'` : String(params[i - 1])));
  return db.transaction(async (tx) => {
    await tx.execute(sql`set local enable_seqscan = off`);
    await tx.execute(sql`set local enable_bitmapscan = off`);
    const [row] = await queryRows<{ 'QUERY PLAN': [{ Plan: any }] }>(tx, sql.raw(`explain (format json) ${literal}`));
    return row!['QUERY PLAN'][0].Plan;
  });
}

/**
 * A page of 50 must be a limit straight over an index scan (per-row subplans may sit below it, and
 * the total beside it, as an init plan).
 */
function assertReadOffIndex(plan: any, index: string, direction: 'Forward' | 'Backward') {
  assert.equal(plan['Node Type'], 'Limit');
  const scan = plan.Plans.find((p: any) => p['Parent Relationship'] === 'Outer');
  assert.deepEqual([scan['Node Type'], scan['Index Name'], scan['Scan Direction']], ['Index Scan', index, direction]);
}

/** A workspace's first page of 50 in the list's order. */
const firstPage = (table: PgTable & { tenantId: PgColumn }, order: SQL[]) => db.select().from(table).where(eq(table.tenantId, uuidv7())).orderBy(...order).limit(50);

test('the decision inbox (its own prepared statement): decisions_inbox_idx, no sort', async () => {
  assertReadOffIndex(await planOf(sentQuery(decisionPage(db), { t: uuidv7(), limit: 50, offset: 0 })), 'decisions_inbox_idx', 'Forward');
});

for (const [name, table, order, index, direction] of [
  ['workstreams, oldest first', workstreams, workstreamOrder, 'workstreams_list_idx', 'Forward'],
  ['artifacts, newest first', artifacts, artifactOrder, 'artifacts_list_idx', 'Backward'],
] as const) {
  test(`${name}: ${index}, no sort`, async () => {
    assertReadOffIndex(await planOf(firstPage(table, [...order]).toSQL()), index, direction);
  });
}
