// Migration 0007 moves the Reviews-only settings (rating threshold, feedback contact retention,
// negative-feedback mail) off the tenant row into review_settings: every tenant keeps its values,
// and the tenant row no longer has them.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'drizzle-orm';
import { queryRows } from '../../src/db/index.ts';
import { uuidv7 } from '../../src/platform/ids.ts';
import { migrationBench, type MigrationBench } from '../helpers/migrations.ts';

describe('migration 0007_review_settings', () => {
  let bench: MigrationBench;
  before(async () => {
    bench = await migrationBench('0007_review_settings');
  });
  after(() => bench.close());

  test('copies every tenant’s settings, then drops the columns from tenants', async () => {
    const { db } = bench.database;
    await bench.migrateBefore();
    const old = [
      { id: uuidv7(), threshold: 5, days: 30, notify: false },
      { id: uuidv7(), threshold: 4, days: 365, notify: true },
      { id: uuidv7(), threshold: 2, days: 3650, notify: true },
    ];
    for (const [i, t] of old.entries()) {
      await db.execute(sql`insert into tenants (id, slug, name, rating_threshold, feedback_contact_retention_days, notify_on_negative_feedback)
                           values (${t.id}, ${`old-${i}`}, ${`Old ${i}`}, ${t.threshold}, ${t.days}, ${t.notify})`);
    }

    await bench.migrateAll();
    const rows = await queryRows<{ tenant_id: string; rating_threshold: number; feedback_contact_retention_days: number; notify_on_negative_feedback: boolean }>(
      db,
      sql`select * from review_settings order by tenant_id`,
    );
    assert.deepEqual(
      rows.map((r) => ({ id: r.tenant_id, threshold: r.rating_threshold, days: r.feedback_contact_retention_days, notify: r.notify_on_negative_feedback })),
      [...old].sort((a, b) => a.id.localeCompare(b.id)),
    );
    const [{ n }] = await queryRows<{ n: number }>(
      db,
      sql`select count(*)::int as n from information_schema.columns
           where table_name = 'tenants' and column_name in ('rating_threshold', 'feedback_contact_retention_days', 'notify_on_negative_feedback')`,
    );
    assert.equal(n, 0);
    // A deleted tenant takes its settings with it.
    await db.execute(sql`delete from tenants where id = ${old[0].id}`);
    const [{ left }] = await queryRows<{ left: number }>(db, sql`select count(*)::int as left from review_settings`);
    assert.equal(left, 2);
  });
});
