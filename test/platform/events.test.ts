import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { and, asc, eq, sql } from 'drizzle-orm';
import { queryRows } from '../../src/db/index.ts';
import { PgDialect } from 'drizzle-orm/pg-core';
import { emitEvent, insertEventsSql, TENANT_CHANGED_CHANNEL } from '../../src/platform/events.ts';
import { eventId } from '../../src/platform/ids.ts';
import { mintKey } from '../../src/platform/keys.ts';
import { apiKeys, events } from '../../src/platform/tables.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { assertError } from '../helpers/assertions.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.close());

const eventsOf = (tenantId: string) => t.rt.db.select().from(events).where(eq(events.tenantId, tenantId)).orderBy(asc(events.seq));

const eventsFor = async (type: string, keyId: string) =>
  t.rt.db
    .select()
    .from(events)
    .where(and(eq(events.type, type), sql`${events.data}->>'id' = ${keyId}`));

describe('the event outbox', () => {
  test('creating a key writes exactly one api_key.created event, without the secret', async () => {
    const a = await t.tenantWithKey();
    const before = await eventsOf(a.tenant.id);
    const res = await t.call('POST', `/api/v1/tenants/${a.tenant.id}/api-keys`, { key: a.key, body: { name: 'webhook-test', permissions: ['shops:read'] } });
    assert.equal(res.statusCode, 201, res.body);
    const { apiKey, key } = res.json();

    const after = await eventsOf(a.tenant.id);
    assert.equal(after.length, before.length + 1, 'exactly one new event');
    const [evt] = await eventsFor('api_key.created', apiKey.id);
    assert.deepEqual(after.at(-1), evt);
    assert.match(evt.id, /^evt_[A-Za-z0-9_-]{16,}$/);
    assert.equal(evt.type, 'api_key.created');
    assert.equal(evt.tenantId, a.tenant.id);
    assert.ok(evt.createdAt instanceof Date && Math.abs(evt.createdAt.getTime() - Date.now()) < 60_000);
    const data = evt.data as Record<string, unknown>;
    assert.equal(data.id, apiKey.id);
    assert.equal(data.tenantId, a.tenant.id);
    assert.equal(data.name, 'webhook-test');
    assert.deepEqual(data.permissions, ['shops:read']);
    assert.ok(!('key' in data) && !('keyHash' in data), 'no secret and no hash in the event');
    const serialized = JSON.stringify(evt);
    assert.ok(!serialized.includes(key) && !serialized.includes(key.slice(16)), 'the secret never reaches the outbox');
  });

  test('a create that fails writes no event: the 101st active key (409) and an invalid mint (400)', async () => {
    const a = await t.tenantWithKey();
    for (let i = 1; i < 100; i++) await mintKey(t.rt.db, { kind: 'tenant', tenantId: a.tenant.id, name: `k${i}` }, null);
    const before = await eventsOf(a.tenant.id);
    assert.equal(before.length, 100, 'one event per minted key so far');

    const full = await t.call('POST', `/api/v1/tenants/${a.tenant.id}/api-keys`, { key: a.key, body: { name: 'one-too-many' } });
    assertError(full, 409, 'conflict');
    const beyond = await t.call('POST', `/api/v1/tenants/${a.tenant.id}/api-keys`, { key: a.key, body: { name: 'too-big', hourlyLimit: 1_000_000 } });
    assertError(beyond, 400, 'validation_failed');
    assert.ok(beyond.json().fieldErrors.hourlyLimit);

    assert.equal((await eventsOf(a.tenant.id)).length, 100, 'no event for a change that did not happen');
    const [{ n }] = await queryRows<{ n: number }>(t.rt.db, sql`select count(*)::int as n from api_keys where tenant_id = ${a.tenant.id}`);
    assert.equal(n, 100);
  });

  test('revoking writes api_key.revoked once; revoking again writes nothing', async () => {
    const a = await t.tenantWithKey();
    const victim = await mintKey(t.rt.db, { kind: 'tenant', tenantId: a.tenant.id, name: 'victim' }, null);
    const url = `/api/v1/tenants/${a.tenant.id}/api-keys/${victim.apiKey.id}`;
    assert.equal((await t.call('DELETE', url, { key: a.key })).statusCode, 204);
    const revoked = await eventsFor('api_key.revoked', victim.apiKey.id);
    assert.equal(revoked.length, 1);
    const data = revoked[0].data as Record<string, unknown>;
    assert.equal(revoked[0].tenantId, a.tenant.id);
    assert.equal(typeof data.revokedAt, 'string');
    const [row] = await t.rt.db.select().from(apiKeys).where(eq(apiKeys.id, victim.apiKey.id));
    assert.equal(data.revokedAt, row.revokedAt!.toISOString());

    assert.equal((await t.call('DELETE', url, { key: a.key })).statusCode, 204);
    assert.equal((await eventsFor('api_key.revoked', victim.apiKey.id)).length, 1, 'a no-op revoke emits nothing');
    // A revoke that fails (unknown key) emits nothing either.
    assertError(await t.call('DELETE', `/api/v1/tenants/${a.tenant.id}/api-keys/00000000-0000-7000-8000-000000000000`, { key: a.key }), 404, 'not_found');
    const types = (await eventsOf(a.tenant.id)).map((e) => e.type);
    assert.deepEqual(types, ['api_key.created', 'api_key.created', 'api_key.revoked']);
  });

  test('emitEvent is part of the transaction: a rollback leaves no row, a commit leaves exactly one', async () => {
    const tenant = await t.createTenant();
    const marker = `marker-${Date.now()}`;
    await assert.rejects(
      t.rt.db.transaction(async (tx) => {
        const evt = await emitEvent(tx, tenant.id, 'test.rolled_back', { marker });
        assert.match(evt.id, /^evt_/);
        // Visible inside the transaction…
        const inside = await tx.select().from(events).where(eq(events.id, evt.id));
        assert.equal(inside.length, 1);
        throw new Error('rollback');
      }),
      /rollback/,
    );
    // …and gone after the rollback.
    assert.deepEqual(await t.rt.db.select().from(events).where(eq(events.type, 'test.rolled_back')), []);

    const committed = await t.rt.db.transaction((tx) => emitEvent(tx, tenant.id, 'test.committed', { marker, n: 1 }));
    const rows = await t.rt.db.select().from(events).where(eq(events.type, 'test.committed'));
    assert.equal(rows.length, 1);
    assert.equal(rows[0].id, committed.id);
    assert.deepEqual(committed, {
      id: rows[0].id,
      type: 'test.committed',
      created: rows[0].createdAt.toISOString(),
      workspace_id: tenant.id,
      data: { marker, n: 1 },
    });
    assert.deepEqual(rows[0].data, { marker, n: 1 });

    // Platform-level events carry no tenant; ids are unique.
    const platformEvt = await emitEvent(t.rt.db, null, 'test.platform', {});
    assert.equal(platformEvt.workspace_id, null);
    assert.notEqual(platformEvt.id, committed.id);
  });
});

describe('one writer: emitEvent and the fast paths write the same rows and the same NOTIFY', () => {
  /** Tenant ids heard on the tenant-changed channel, in order. */
  const heard: string[] = [];
  before(() => t.rt.database.listen(TENANT_CHANGED_CHANNEL, (tenantId) => heard.push(tenantId)));

  async function hear(tenantId: string) {
    for (let i = 0; i < 500 && !heard.includes(tenantId); i++) await new Promise((r) => setTimeout(r, 10));
    assert.ok(heard.includes(tenantId), `a tenant-changed NOTIFY for ${tenantId}`);
  }
  /** A NOTIFY is delivered at commit, in commit order: once `loud` is heard, an earlier `quiet` would have been. */
  async function quietThenLoud(quiet: () => Promise<unknown>, quietTenant: string, loudTenant: string) {
    await quiet();
    await t.rt.db.transaction((tx) => emitEvent(tx, loudTenant, 'tenant.updated', { marker: true }));
    await hear(loudTenant);
    assert.ok(!heard.includes(quietTenant), 'no NOTIFY for a type the catalogue does not mark');
  }

  test('emitEvent announces exactly the types the catalogue marks tenantChanged', async () => {
    assert.equal(t.rt.eventTypes['shop.updated'].tenantChanged, true);
    assert.ok(!t.rt.eventTypes['task.updated'].tenantChanged);
    assert.ok(!t.rt.eventTypes['employee.created'].tenantChanged, 'a new, unguessable review code cannot be cached anywhere');
    const [a, b, c] = [await t.createTenant(), await t.createTenant(), await t.createTenant()];
    await quietThenLoud(() => t.rt.db.transaction((tx) => emitEvent(tx, a.id, 'task.updated', {})), a.id, b.id);
    await t.rt.db.transaction((tx) => emitEvent(tx, c.id, 'shop.updated', {}));
    await hear(c.id);
  });

  test('insertEventsSql: the columns and ids of emitEvent, its parts in order, and the NOTIFY only for marked types', async () => {
    const [quiet, loud, mixed] = [await t.createTenant(), await t.createTenant(), await t.createTenant()];
    const render = (q: ReturnType<typeof insertEventsSql>) => new PgDialect().sqlToQuery(q).sql;
    const part = (type: string) => ({ type, data: sql`'{}'::jsonb`, from: sql`(select 1) one` });
    assert.ok(!render(insertEventsSql(quiet.id, [part('review.rated')])).includes('pg_notify'));
    assert.match(render(insertEventsSql(quiet.id, [part('shop.created')])), /returning pg_notify\('orgstack_tenant_changed', tenant_id::text\)$/);
    assert.match(render(insertEventsSql(quiet.id, [part('task.created'), part('shop.updated')])), /returning case when type in \('shop\.updated'\) then pg_notify/);
    assert.throws(() => insertEventsSql(quiet.id, [part("x'; drop table events; --")]), /not an event type/);

    const write = (tenantId: string, parts: Parameters<typeof insertEventsSql>[1]) =>
      queryRows(t.rt.db, sql`with evt as (${insertEventsSql(tenantId, parts)}) select 1 as done`);
    const [first, second] = [eventId(), eventId()];
    // Rows of a part in their `ord` order (given out of order), then the next part.
    const rated = (ids: string[]) => ({
      type: 'review.rated',
      id: sql`v.id`,
      ord: sql`v.n`,
      data: sql`jsonb_build_object('n', v.n)`,
      from: sql`(values (2, ${ids[1]}::text), (1, ${ids[0]}::text)) v(n, id)`,
    });
    await quietThenLoud(() => write(quiet.id, [rated([first, second])]), quiet.id, loud.id);
    await write(mixed.id, [rated([eventId(), eventId()]), { type: 'shop.updated', data: sql`jsonb_build_object('n', 3)`, from: sql`(select 1) one` }]);
    await hear(mixed.id);

    const rows = await eventsOf(quiet.id);
    assert.deepEqual(rows.map((r) => [r.id, r.type, r.data]), [
      [first, 'review.rated', { n: 1 }],
      [second, 'review.rated', { n: 2 }],
    ]);
    const mixedRows = await eventsOf(mixed.id);
    assert.deepEqual(mixedRows.map((r) => [r.type, r.data]), [
      ['review.rated', { n: 1 }],
      ['review.rated', { n: 2 }],
      ['shop.updated', { n: 3 }],
    ]);
    assert.match(mixedRows[2].id, /^evt_[A-Za-z0-9_-]{16}$/, 'an id made by eventId() when the part gives none');
    assert.ok(mixedRows.every((r) => r.tenantId === mixed.id && r.createdAt instanceof Date));
  });

  test('creating an employee (one statement) writes the row emitEvent would, and, as its catalogue entry says, no NOTIFY', async () => {
    const a = await t.tenantWithKey();
    const loud = await t.createTenant();
    const base = `/api/v1/tenants/${a.tenant.id}`;
    const shop = await t.call('POST', `${base}/shops`, { key: a.key, body: { name: 'Riverside' } });
    assert.equal(shop.statusCode, 201, shop.body);
    await hear(a.tenant.id);
    heard.length = 0;

    let res!: Awaited<ReturnType<typeof t.call>>;
    await quietThenLoud(
      async () => {
        res = await t.call('POST', `${base}/employees`, { key: a.key, body: { shopId: shop.json().shop.id, name: 'Mei Lin' } });
      },
      a.tenant.id,
      loud.id,
    );
    assert.equal(res.statusCode, 201, res.body);
    const [evt] = (await eventsOf(a.tenant.id)).filter((e) => e.type === 'employee.created');
    assert.match(evt.id, /^evt_[A-Za-z0-9_-]{16}$/);
    assert.deepEqual(evt.data, res.json().employee, 'the data is the employee as the API shows it');
    assert.deepEqual(t.rt.eventTypes['employee.created'].data.parse(evt.data), evt.data);
  });
});
