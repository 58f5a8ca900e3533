// The totals of the employee, task and decision lists come from the per-tenant counts that
// migration 0019's triggers keep (tenant_row_counts). Through HTTP: every create, delete and
// cascade moves the total the list answers, and the counts always equal the rows the database
// holds; another tenant's writes never move them; a deleted tenant leaves no counts behind; and
// the migration counts the rows already there.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'drizzle-orm';
import { queryRows } from '../../src/db/index.ts';
import { uuidv7 } from '../../src/platform/ids.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { migrationBench } from '../helpers/migrations.ts';
import { workClient } from '../helpers/work.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.close());

const TABLES = ['employees', 'tasks', 'decisions'] as const;

/** Each counted table's rows of the tenant, counted outright and as the triggers keep them. */
async function counts(tenantId: string) {
  const out: Record<string, { rows: number; kept: number }> = {};
  for (const table of TABLES) {
    const [{ rows }] = await queryRows<{ rows: number }>(t.rt.db, sql`select count(*)::int as rows from ${sql.identifier(table)} where tenant_id = ${tenantId}`);
    const [{ kept }] = await queryRows<{ kept: number }>(
      t.rt.db,
      sql`select coalesce(sum(n), 0)::int as kept from tenant_row_counts where tenant_id = ${tenantId} and table_name = ${table}`,
    );
    out[table] = { rows, kept };
  }
  return out;
}

async function assertCounted(tenantId: string, expected: Record<(typeof TABLES)[number], number>) {
  const got = await counts(tenantId);
  for (const table of TABLES) assert.deepEqual(got[table], { rows: expected[table], kept: expected[table] }, table);
}

async function employeeTotal(tenantId: string, key: string) {
  const res = await t.call('GET', `/api/v1/tenants/${tenantId}/employees?limit=2`, { key });
  assert.equal(res.statusCode, 200, res.body);
  return res.json().total as number;
}

describe('list totals from the kept counts', () => {
  test('employees: concurrent creates (some refused) count exactly the rows created; other tenants are untouched', async () => {
    const a = await t.tenantWithKey();
    const b = await t.tenantWithKey();
    const shopOf = async (x: typeof a) => {
      const res = await t.call('POST', `/api/v1/tenants/${x.tenant.id}/shops`, { key: x.key, body: { name: 'Main' } });
      assert.equal(res.statusCode, 201, res.body);
      return res.json().shop.id as string;
    };
    const [shopA, shopB] = [await shopOf(a), await shopOf(b)];
    assert.equal(await employeeTotal(a.tenant.id, a.key), 0);

    // 30 good creates and 5 into another tenant's shop, all at once (they are gathered into
    // shared statements): only the 30 count.
    const answers = await Promise.all([
      ...Array.from({ length: 30 }, (_, i) => t.call('POST', `/api/v1/tenants/${a.tenant.id}/employees`, { key: a.key, body: { shopId: shopA, name: `A${i}` } })),
      ...Array.from({ length: 5 }, (_, i) => t.call('POST', `/api/v1/tenants/${a.tenant.id}/employees`, { key: a.key, body: { shopId: shopB, name: `X${i}` } })),
    ]);
    assert.deepEqual(
      answers.map((r) => r.statusCode),
      [...Array(30).fill(201), ...Array(5).fill(400)],
    );
    const res = await t.call('POST', `/api/v1/tenants/${b.tenant.id}/employees`, { key: b.key, body: { shopId: shopB, name: 'B0' } });
    assert.equal(res.statusCode, 201, res.body);

    assert.equal(await employeeTotal(a.tenant.id, a.key), 30);
    assert.equal(await employeeTotal(b.tenant.id, b.key), 1);
    await assertCounted(a.tenant.id, { employees: 30, tasks: 0, decisions: 0 });
    await assertCounted(b.tenant.id, { employees: 1, tasks: 0, decisions: 0 });
  });

  test('tasks and decisions: creates, a task deleted, an initiative deleted with its tasks; the tenant deleted with its counts', async () => {
    const a = await t.tenantWithKey();
    const w = workClient(t, a.key);
    const keep = await w.create('initiatives', { title: 'Keep' });
    const drop = await w.create('initiatives', { title: 'Drop' });
    const [wsKeep, wsDrop] = [await w.create('workstreams', { initiative_id: keep.id, name: 'K' }), await w.create('workstreams', { initiative_id: drop.id, name: 'D' })];
    const kept = await Promise.all(Array.from({ length: 6 }, (_, i) => w.create('tasks', { title: `k${i}`, workstream_id: wsKeep.id })));
    const dropped = await Promise.all(Array.from({ length: 4 }, (_, i) => w.create('tasks', { title: `d${i}`, workstream_id: wsDrop.id })));
    for (let i = 0; i < 3; i++) await w.create('decisions', { title: `q${i}`, initiative_id: keep.id });
    await w.create('decisions', { title: 'about a dropped task', task_id: dropped[0].id });
    await assertCounted(a.tenant.id, { employees: 0, tasks: 10, decisions: 4 });

    const total = async (list: string) => {
      const res = await w.call('GET', `/api/client/${list}?limit=1`);
      assert.equal(res.statusCode, 200, res.body);
      return res.json().total as number;
    };
    assert.equal(await total('tasks'), 10);
    assert.equal(await total('decisions'), 4);
    // Past the end, no row carries the total: the list still answers it.
    for (const [list, n] of [['tasks', 10], ['decisions', 4]] as const) {
      const res = await w.call('GET', `/api/client/${list}?limit=5&offset=20`);
      assert.deepEqual(res.json(), { ok: true, data: [], total: n, pagination: { limit: 5, offset: 20, has_more: false } }, list);
    }

    await w.ok('DELETE', `/api/client/tasks/${kept[0].id}`);
    await w.ok('DELETE', `/api/client/initiatives/${drop.id}`);
    assert.equal(await total('tasks'), 5);
    assert.equal(await total('decisions'), 4);
    await assertCounted(a.tenant.id, { employees: 0, tasks: 5, decisions: 4 });

    const platform = await t.platformKey();
    const res = await t.call('DELETE', `/api/v1/tenants/${a.tenant.id}?confirm=${a.tenant.slug}`, { key: platform });
    assert.equal(res.statusCode, 204, res.body);
    const [{ left }] = await queryRows<{ left: number }>(t.rt.db, sql`select count(*)::int as left from tenant_row_counts where tenant_id = ${a.tenant.id}`);
    assert.equal(left, 0);
  });
});

describe('migration 0019_tenant_row_counts', () => {
  test('counts the rows already there, then keeps counting', async () => {
    const bench = await migrationBench('0019_tenant_row_counts');
    try {
      const { db } = bench.database;
      await bench.migrateBefore();
      const [tenant, shop] = [uuidv7(), uuidv7()];
      await db.execute(sql`insert into tenants (id, slug, name) values (${tenant}, 'before-counts', 'Before counts')`);
      await db.execute(sql`insert into shops (id, tenant_id, name) values (${shop}, ${tenant}, 'Main')`);
      for (const code of ['c0c0c0c0c0', 'c1c1c1c1c1', 'c2c2c2c2c2']) {
        await db.execute(sql`insert into employees (id, tenant_id, shop_id, name, code) values (${uuidv7()}, ${tenant}, ${shop}, 'E', ${code})`);
      }
      await bench.migrateAll();
      const kept = async () =>
        (await queryRows<{ n: number }>(db, sql`select sum(n)::int as n from tenant_row_counts where tenant_id = ${tenant} and table_name = 'employees'`))[0].n;
      assert.equal(await kept(), 3);
      await db.execute(sql`insert into employees (id, tenant_id, shop_id, name, code) values (${uuidv7()}, ${tenant}, ${shop}, 'E', 'c3c3c3c3c3')`);
      assert.equal(await kept(), 4);
    } finally {
      await bench.close();
    }
  });
});
