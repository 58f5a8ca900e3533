// docs/scale-out.md's table placement list (Citus, distributed by tenant_id) against the live
// schema: every table is classified, and what Citus would refuse is either absent or named in the
// list as a change to make. A new table, or a fixed one whose doc row still names a change, fails.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { sql } from 'drizzle-orm';
import { queryRows } from '../../src/db/index.ts';
import { root } from '../helpers/app.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';

type Placement = 'distributed' | 'reference' | 'local';
interface Row {
  table: string;
  placement: Placement;
  /** What must change before Citus takes the table as placed; null when nothing. */
  change: string | null;
}

/** The rows of the placement table: | `name` | placement | changes needed (— for none) |. */
function documentedPlacements(): Row[] {
  const doc = fs.readFileSync(path.join(root, 'docs/scale-out.md'), 'utf8');
  return [...doc.matchAll(/^\| `(\w+)` \| (distributed|reference|local) \| (.+?) \|$/gm)].map((m) => ({
    table: m[1],
    placement: m[2] as Placement,
    change: m[3].trim() === '—' ? null : m[3].trim(),
  }));
}

interface UniqueIndex {
  table: string;
  index: string;
  columns: string[];
}
interface ForeignKey {
  table: string;
  name: string;
  columns: string[];
  target: string;
  targetColumns: string[];
}

let testDb: TestDatabase;
let tables: string[];
let tenantColumn: Map<string, { notNull: boolean }>;
let uniques: UniqueIndex[];
let foreignKeys: ForeignKey[];

before(async () => {
  testDb = await createTestDatabase();
  const db = testDb.database.db;
  tables = (
    await queryRows<{ name: string }>(
      db,
      sql`select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
          where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relispartition order by 1`,
    )
  ).map((r) => r.name);
  tenantColumn = new Map(
    (
      await queryRows<{ table_name: string; is_nullable: string }>(
        db,
        sql`select table_name, is_nullable from information_schema.columns where table_schema = 'public' and column_name = 'tenant_id'`,
      )
    ).map((r) => [r.table_name, { notNull: r.is_nullable === 'NO' }]),
  );
  // Primary keys and unique constraints are unique indexes too; an expression column reads as null.
  uniques = (
    await queryRows<{ table: string; index: string; columns: (string | null)[] }>(
      db,
      sql`select t.relname as table, ic.relname as index,
                 array(select a.attname from unnest(i.indkey::int2[]) with ordinality k(attnum, n)
                       left join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum order by k.n) as columns
          from pg_index i join pg_class t on t.oid = i.indrelid join pg_class ic on ic.oid = i.indexrelid
          join pg_namespace n on n.oid = t.relnamespace
          where n.nspname = 'public' and i.indisunique`,
    )
  ).map((u) => ({ ...u, columns: u.columns.map((c) => c ?? '(expression)') }));
  foreignKeys = await queryRows<ForeignKey>(
    db,
    sql`select t.relname as table, c.conname as name, rt.relname as target,
               array(select a.attname from unnest(c.conkey) with ordinality k(attnum, n)
                     join pg_attribute a on a.attrelid = c.conrelid and a.attnum = k.attnum order by k.n) as columns,
               array(select a.attname from unnest(c.confkey) with ordinality k(attnum, n)
                     join pg_attribute a on a.attrelid = c.confrelid and a.attnum = k.attnum order by k.n) as "targetColumns"
        from pg_constraint c join pg_class t on t.oid = c.conrelid join pg_class rt on rt.oid = c.confrelid
        join pg_namespace n on n.oid = t.relnamespace
        where n.nspname = 'public' and c.contype = 'f'`,
  );
});
after(async () => {
  await testDb?.close();
});

/** What Citus would refuse about a table placed as documented (empty: it takes it as it is). */
function problems(row: Row, placementOf: Map<string, Placement>): string[] {
  const found: string[] = [];
  if (row.placement === 'distributed') {
    const tenant = tenantColumn.get(row.table);
    if (!tenant) return ['no tenant_id column'];
    if (!tenant.notNull) found.push('tenant_id may be null (a row without a tenant has no shard)');
    for (const u of uniques.filter((u) => u.table === row.table)) {
      if (!u.columns.includes('tenant_id')) found.push(`unique index ${u.index} (${u.columns.join(', ')}) lacks tenant_id`);
    }
  }
  for (const fk of foreignKeys.filter((f) => f.table === row.table)) {
    const target = placementOf.get(fk.target);
    if (row.placement === 'distributed' && target === 'distributed') {
      const i = fk.columns.indexOf('tenant_id');
      if (i < 0 || fk.targetColumns[i] !== 'tenant_id') found.push(`foreign key ${fk.name} to ${fk.target} does not match on tenant_id`);
    } else if (target === 'local' && row.placement !== 'local') {
      found.push(`foreign key ${fk.name} from a ${row.placement} table to the local table ${fk.target}`);
    } else if (target === 'distributed' && row.placement !== 'distributed') {
      found.push(`foreign key ${fk.name} from a ${row.placement} table to the distributed table ${fk.target}`);
    }
  }
  return found;
}

describe('Citus placement of every table (docs/scale-out.md)', () => {
  test('every table in the schema is classified, and every classified table exists', () => {
    const documented = documentedPlacements();
    assert.ok(documented.length > 10, 'the placement table is found in docs/scale-out.md');
    const names = documented.map((r) => r.table);
    assert.deepEqual(names.filter((n, i) => names.indexOf(n) !== i), [], 'each table is listed once');
    assert.deepEqual(tables.filter((t) => !names.includes(t)), [], 'tables without a placement in docs/scale-out.md');
    assert.deepEqual(names.filter((n) => !tables.includes(n)), [], 'listed tables that do not exist');
  });

  test('a table with nothing to change is accepted by Citus as placed; one that names a change is not yet', () => {
    const documented = documentedPlacements();
    const placementOf = new Map(documented.map((r) => [r.table, r.placement]));
    for (const row of documented) {
      const found = problems(row, placementOf);
      if (row.change === null) assert.deepEqual(found, [], `${row.table} (${row.placement})`);
      else assert.notDeepEqual(found, [], `${row.table} is ready as ${row.placement}: clear "${row.change}" in docs/scale-out.md`);
    }
  });

  test('the rules catch what Citus refuses', () => {
    // The checker itself: a distributed table whose unique index or foreign key lacks tenant_id.
    const placementOf = new Map<string, Placement>([['employees', 'distributed'], ['shops', 'distributed']]);
    const saved = { uniques, foreignKeys };
    try {
      uniques = [{ table: 'employees', index: 'employees_code_key', columns: ['code'] }];
      foreignKeys = [{ table: 'employees', name: 'employees_shop_fk', columns: ['shop_id'], target: 'shops', targetColumns: ['id'] }];
      assert.deepEqual(problems({ table: 'employees', placement: 'distributed', change: null }, placementOf), [
        'unique index employees_code_key (code) lacks tenant_id',
        'foreign key employees_shop_fk to shops does not match on tenant_id',
      ]);
    } finally {
      ({ uniques, foreignKeys } = saved);
    }
  });
});
