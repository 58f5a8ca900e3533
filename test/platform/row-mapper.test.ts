// Prepared queries map their rows with a compiled function (src/db/row-mapper.ts): the rows must
// be exactly what Drizzle's own mapper gives for the same select, on both drivers.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { count, desc, eq, sql } from 'drizzle-orm';
import { preparedQuery, type Db } from '../../src/db/index.ts';
import { compileRowMapper } from '../../src/db/row-mapper.ts';
import { mintKey, revokeKey } from '../../src/platform/keys.ts';
import { apiKeys, tenants } from '../../src/platform/tables.ts';
import { uuidv7 } from '../../src/platform/ids.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';

describe('compiled row mapping of prepared queries', () => {
  let tdb: TestDatabase;
  let db: Db;
  const tenantId = uuidv7();

  before(async () => {
    tdb = await createTestDatabase();
    db = tdb.database.db;
    await db.insert(tenants).values({ id: tenantId, slug: 'mapper', name: 'Mapper' });
    // Nulls and values in every kind of column: a revoked key with listed permissions and a
    // name, and a key of the whole scope (permissions null) with no name.
    const listed = await mintKey(db, { kind: 'tenant', tenantId, name: 'listed', permissions: ['shops:read'], hourlyLimit: 50 }, null);
    await mintKey(db, { kind: 'tenant', tenantId, permissions: null }, null);
    await revokeKey(db, listed.apiKey.id);
  });
  after(() => tdb.close());

  const keysOf = preparedQuery((d) =>
    d.select().from(apiKeys).where(eq(apiKeys.tenantId, sql.placeholder('t'))).orderBy(desc(apiKeys.createdAt)).prepare('mapper_test_keys'),
  );
  const countOf = preparedQuery((d) =>
    d
      .select({ n: count(), newest: sql<Date>`max(${apiKeys.createdAt})`.mapWith(apiKeys.createdAt), limits: sql<number>`sum(${apiKeys.hourlyLimit})`.mapWith(Number).as('limits') })
      .from(apiKeys)
      .where(eq(apiKeys.tenantId, sql.placeholder('t')))
      .prepare('mapper_test_count'),
  );
  // Nested objects of the queried table and of an inner join, and a field beside them.
  const nestedSelect = (d: Db) =>
    d
      .select({ key: { id: apiKeys.id, name: apiKeys.name, hourly: apiKeys.hourlyLimit, revokedAt: apiKeys.revokedAt }, prefix: apiKeys.prefix, tenant: { slug: tenants.slug } })
      .from(apiKeys)
      .innerJoin(tenants, eq(tenants.id, apiKeys.tenantId))
      .where(eq(apiKeys.tenantId, sql.placeholder('t')))
      .orderBy(desc(apiKeys.createdAt));
  const nested = preparedQuery((d) => nestedSelect(d).prepare('mapper_test_nested'));
  // A left join's nested object: Drizzle makes it null when the join found nothing.
  const leftJoined = preparedQuery((d) =>
    d
      .select({ id: apiKeys.id, tenant: { slug: tenants.slug } })
      .from(apiKeys)
      .leftJoin(tenants, eq(tenants.id, apiKeys.tenantId))
      .where(eq(apiKeys.tenantId, sql.placeholder('t')))
      .prepare('mapper_test_left'),
  );

  test('a whole-table select: the same rows as Drizzle maps them (Dates, arrays, nulls, integers)', async () => {
    const query = keysOf(db);
    assert.equal(typeof (query as unknown as { customResultMapper?: unknown }).customResultMapper, 'function', 'the compiled mapper is in use');
    const rows = await query.execute({ t: tenantId });
    const expected = await db.select().from(apiKeys).where(eq(apiKeys.tenantId, tenantId)).orderBy(desc(apiKeys.createdAt));
    assert.equal(rows.length, 2);
    assert.deepEqual(rows, expected);
    const [whole, listed] = rows;
    assert.ok(listed.revokedAt instanceof Date && listed.createdAt instanceof Date);
    assert.deepEqual(listed.permissions, ['shops:read']);
    assert.equal(listed.hourlyLimit, 50);
    assert.equal(whole.permissions, null);
    assert.equal(whole.name, null);
    assert.deepEqual(Object.keys(listed), Object.keys(expected[0]), 'the same fields in the same order');
  });

  test('aggregates and SQL fields go through their own decoders', async () => {
    const query = countOf(db);
    assert.equal(typeof (query as unknown as { customResultMapper?: unknown }).customResultMapper, 'function');
    const [row] = await query.execute({ t: tenantId });
    assert.equal(row.n, 2);
    assert.ok(row.newest instanceof Date);
    assert.equal(row.limits, 50 + (await db.select().from(apiKeys).where(eq(apiKeys.tenantId, tenantId)).orderBy(desc(apiKeys.createdAt)))[0].hourlyLimit);
  });

  test('a nested select (the queried table, an inner join): the same rows and key order as Drizzle maps them', async () => {
    const query = nested(db);
    assert.equal(typeof (query as unknown as { customResultMapper?: unknown }).customResultMapper, 'function', 'the compiled mapper is in use');
    type Row = { key: { name: string | null; revokedAt: Date | null }; tenant: { slug: string } };
    const expected = (await nestedSelect(db).execute({ t: tenantId })) as Row[];
    const rows = (await query.execute({ t: tenantId })) as Row[];
    assert.equal(rows.length, 2);
    assert.deepEqual(rows, expected);
    assert.deepEqual(rows.map((r) => [r.key.name, r.key.revokedAt instanceof Date, r.tenant.slug]), [[null, false], ['listed', true]].map(([n, r]) => [n, r, 'mapper']));
    assert.deepEqual(JSON.stringify(rows), JSON.stringify(expected), 'the same keys in the same order, at both levels');
  });

  test('a left join’s nested object keeps Drizzle’s mapper, which can make it null', async () => {
    const query = leftJoined(db);
    assert.equal(compileRowMapper(query), null);
    assert.equal((query as unknown as { customResultMapper?: unknown }).customResultMapper, undefined);
    const rows = await query.execute({ t: tenantId });
    assert.deepEqual(rows.map((r) => r.tenant), [{ slug: 'mapper' }, { slug: 'mapper' }]);
  });

  test('a transaction’s handle builds the query again and maps it the same way', async () => {
    const outside = await keysOf(db).execute({ t: tenantId });
    const inside = await db.transaction(async (tx) => {
      const query = keysOf(tx as unknown as Db);
      assert.notEqual(query, keysOf(db));
      return query.execute({ t: tenantId });
    });
    assert.deepEqual(inside, outside);
  });
});
