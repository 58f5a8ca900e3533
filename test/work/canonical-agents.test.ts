// The seven canonical agents (docs/work-api-contract.md §3) exist in every workspace: created with the tenant
// (createTenant, provisioning) and, for tenants older than the Work module, by migration 0003.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { eq, sql } from 'drizzle-orm';
import { queryRows, type Database } from '../../src/db/index.ts';
import { migrationsFolder } from '../../src/db/migrate.ts';
import { uuidv7 } from '../../src/platform/ids.ts';
import { tenants } from '../../src/platform/tables.ts';
import { CANONICAL_AGENTS } from '../../src/work/canonical-agents.ts';
import { agents } from '../../src/work/tables.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { migrationBench, type MigrationBench } from '../helpers/migrations.ts';

const EXPECTED = [
  ['design-agent', 'design'],
  ['engineering-agent', 'engineering'],
  ['marketing-agent', 'marketing'],
  ['operations-agent', 'operations'],
  ['orchestrator-agent', 'orchestration'],
  ['product-agent', 'product'],
  ['sales-agent', 'sales'],
];

const agentsOf = async (db: Database['db'], tenantId: string) =>
  (await db.select().from(agents).where(eq(agents.tenantId, tenantId))).sort((a, b) => a.name.localeCompare(b.name));

describe('new workspaces', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());

  test('a tenant created in code (createTenant) has the seven canonical agents', async () => {
    const tenant = await t.createTenant();
    const rows = await agentsOf(t.rt.db, tenant.id);
    assert.deepEqual(rows.map((a) => [a.name, a.domain]), EXPECTED);
    for (const a of rows) {
      assert.equal(a.status, 'active');
      assert.equal(a.canonical, true);
      assert.ok(a.description && a.description.length > 10);
    }
  });

  test('a provisioned tenant (POST /api/v1/tenants) has them too', async () => {
    const res = await t.call('POST', '/api/v1/tenants', { key: await t.platformKey(), body: { name: 'Agents Dental', vertical: 'clinic', xhsInput: '@agents' } });
    assert.equal(res.statusCode, 201, res.body);
    assert.deepEqual((await agentsOf(t.rt.db, res.json().id)).map((a) => [a.name, a.domain]), EXPECTED);
  });

  test('the list in code and in the migration agree', () => {
    const migration = fs.readFileSync(path.join(migrationsFolder, '0003_work.sql'), 'utf8');
    for (const a of CANONICAL_AGENTS) assert.ok(migration.includes(`('${a.name}', '${a.domain}', '${a.description}')`), a.name);
  });
});

describe('migration 0003_work', () => {
  let bench: MigrationBench;
  before(async () => {
    bench = await migrationBench('0003_work');
  });
  after(() => bench.close());

  test('gives every tenant that existed before it the seven canonical agents, and installs pg_trgm', async () => {
    const { database } = bench;
    await bench.migrateBefore();
    const old = [uuidv7(), uuidv7()];
    for (const [i, id] of old.entries()) await database.db.insert(tenants).values({ id, slug: `old-${i}-${id.slice(-6)}`, name: `Old ${i}` });

    await bench.migrateAll();
    for (const id of old) {
      const rows = await agentsOf(database.db, id);
      assert.deepEqual(rows.map((a) => [a.name, a.domain]), EXPECTED);
      assert.ok(rows.every((a) => a.canonical && a.status === 'active'));
    }
    const [{ n }] = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from agents`);
    assert.equal(n, 14);
    // pg_trgm is there for memory search.
    const [{ ok }] = await queryRows<{ ok: boolean }>(database.db, sql`select similarity('launch plan', 'launch plans') > 0.5 as ok`);
    assert.equal(ok, true);
  });
});
