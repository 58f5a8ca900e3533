// Lists read their page off an index in the list's own order, never by sorting all of a
// workspace's rows (a workspace with 4,000 workstreams or artifacts sorted them all for every
// page of 50: 12–15 ms). The planner is kept from scans and bitmaps, so a plan with no sort means
// the index gives the ORDER BY exactly as the list writes it.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { eq, sql, type SQL } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import { queryRows, type Db } from '../../src/db/index.ts';
import { uuidv7 } from '../../src/platform/ids.ts';
import { artifactOrder } from '../../src/work/artifacts.ts';
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

/** The plan of a workspace's first page of 50 in `order`, its values written in. */
async function firstPagePlan(table: PgTable & { tenantId: PgColumn }, order: SQL[]) {
  const { sql: text, params } = db.select().from(table).where(eq(table.tenantId, uuidv7())).orderBy(...order).limit(50).toSQL();
  const literal = text.replace(/\$(\d+)/g, (_, i) => (typeof params[i - 1] === 'string' ? `'${params[i - 1]}'` : String(params[i - 1])));
  return db.transaction(async (tx) => {
    await tx.execute(sql`set local enable_seqscan = off`);
    await tx.execute(sql`set local enable_bitmapscan = off`);
    const [row] = await queryRows<{ 'QUERY PLAN': [{ Plan: any }] }>(tx, sql.raw(`explain (format json) ${literal}`));
    return row!['QUERY PLAN'][0].Plan;
  });
}

for (const [name, table, order, index, direction] of [
  ['workstreams, oldest first', workstreams, workstreamOrder, 'workstreams_list_idx', 'Forward'],
  ['artifacts, newest first', artifacts, artifactOrder, 'artifacts_list_idx', 'Backward'],
] as const) {
  test(`${name}: a limit straight over ${index}, no sort`, async () => {
    const plan = await firstPagePlan(table, [...order]);
    assert.equal(plan['Node Type'], 'Limit');
    const scan = plan.Plans[0];
    assert.deepEqual([scan['Node Type'], scan['Index Name'], scan['Scan Direction']], ['Index Scan', index, direction]);
  });
}
