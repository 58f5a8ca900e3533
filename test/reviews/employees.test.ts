// /api/v1/tenants/{tenantId}/employees: list (all when no limit), create (the shop must be this
// tenant's), get, update (rename, move, deactivate, reactivate), through HTTP, with the rows
// and events the database holds afterwards.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { syncBuiltinESMExports } from 'node:module';
import { after, before, describe, mock, test } from 'node:test';
import { and, asc, eq, like } from 'drizzle-orm';
import { uuidv7 } from '../../src/platform/ids.ts';
import { mintKey } from '../../src/platform/keys.ts';
import { events } from '../../src/platform/tables.ts';
import { newEmployeeCode } from '../../src/reviews/employees.ts';
import { BASE62 } from '../../src/platform/secrets.ts';
import { employees, shops } from '../../src/reviews/tables.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { assertError, withoutRequestId } from '../helpers/assertions.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.close());

const PUBLIC_URL = 'http://orgstack.test'; // the test app's PUBLIC_URL
const EMPLOYEE_KEYS = ['active', 'code', 'createdAt', 'id', 'name', 'reviewUrl', 'shopId', 'shopName', 'tenantId'];
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const CODE_RE = /^[0-9A-Za-z]{10}$/;
const MISSING_ID = '00000000-0000-7000-8000-000000000000';

const employeesUrl = (tenantId: string) => `/api/v1/tenants/${tenantId}/employees`;
const eventsOf = (tenantId: string) =>
  t.rt.db.select().from(events).where(and(eq(events.tenantId, tenantId), like(events.type, 'employee.%'))).orderBy(asc(events.seq));
const employeeRow = async (tenantId: string, id: string) =>
  (await t.rt.db.select().from(employees).where(and(eq(employees.tenantId, tenantId), eq(employees.id, id))))[0];
const employeeRows = (tenantId: string) => t.rt.db.select().from(employees).where(eq(employees.tenantId, tenantId));

async function addShop(tenantId: string, key: string, name: string) {
  const res = await t.call('POST', `/api/v1/tenants/${tenantId}/shops`, { key, body: { name } });
  assert.equal(res.statusCode, 201, res.body);
  return res.json().shop as { id: string; name: string };
}

/** A tenant with a key and one shop. */
async function setup(shopName = 'Main') {
  const a = await t.tenantWithKey();
  const shop = await addShop(a.tenant.id, a.key, shopName);
  return { ...a, shop };
}

async function createEmployee(tenantId: string, key: string, shopId: string, name: string) {
  const res = await t.call('POST', employeesUrl(tenantId), { key, body: { shopId, name } });
  assert.equal(res.statusCode, 201, res.body);
  return res.json().employee;
}

describe('POST /tenants/{tenantId}/employees', () => {
  test('201 {employee}: exact shape, shop name joined, code and reviewUrl; the row and one event', async () => {
    const a = await setup('Riverside');
    const res = await t.call('POST', employeesUrl(a.tenant.id), { key: a.key, body: { shopId: a.shop.id, name: '  Mei Lin ' } });
    assert.equal(res.statusCode, 201, res.body);
    const body = res.json();
    assert.deepEqual(Object.keys(body), ['employee']);
    const { employee } = body;
    assert.deepEqual(Object.keys(employee).sort(), EMPLOYEE_KEYS);
    assert.match(employee.id, UUID_RE);
    assert.match(employee.code, CODE_RE);
    assert.deepEqual(employee, {
      id: employee.id,
      tenantId: a.tenant.id,
      shopId: a.shop.id,
      shopName: 'Riverside',
      name: 'Mei Lin',
      code: employee.code,
      reviewUrl: `${PUBLIC_URL}/r/${employee.code}`,
      active: true,
      createdAt: employee.createdAt,
    });
    assert.ok(Math.abs(Date.parse(employee.createdAt) - Date.now()) < 60_000);

    const row = await employeeRow(a.tenant.id, employee.id);
    assert.deepEqual(
      { shopId: row.shopId, name: row.name, code: row.code, active: row.active, createdAt: row.createdAt.toISOString() },
      { shopId: a.shop.id, name: 'Mei Lin', code: employee.code, active: true, createdAt: employee.createdAt },
    );

    const evts = await eventsOf(a.tenant.id);
    assert.equal(evts.length, 1);
    assert.equal(evts[0].type, 'employee.created');
    assert.match(evts[0].id, /^evt_/);
    assert.deepEqual(evts[0].data, employee);
    assert.ok(Math.abs(evts[0].createdAt.getTime() - Date.now()) < 60_000);

    // GET returns the same.
    const got = await t.call('GET', `${employeesUrl(a.tenant.id)}/${employee.id}`, { key: a.key });
    assert.equal(got.statusCode, 200);
    assert.deepEqual(got.json(), { employee });
  });

  test("a shop of another tenant, an unknown or deleted shop → 400 fieldErrors.shopId (identical); nothing written", async () => {
    const a = await setup();
    const b = await setup();
    const gone = await addShop(a.tenant.id, a.key, 'Closed');
    assert.equal((await t.call('DELETE', `/api/v1/tenants/${a.tenant.id}/shops/${gone.id}`, { key: a.key })).statusCode, 204);

    const foreign = await t.call('POST', employeesUrl(a.tenant.id), { key: a.key, body: { shopId: b.shop.id, name: 'X' } });
    const unknown = await t.call('POST', employeesUrl(a.tenant.id), { key: a.key, body: { shopId: MISSING_ID, name: 'X' } });
    const deleted = await t.call('POST', employeesUrl(a.tenant.id), { key: a.key, body: { shopId: gone.id, name: 'X' } });
    for (const res of [foreign, unknown, deleted]) {
      assertError(res, 400, 'validation_failed');
      assert.deepEqual(Object.keys(res.json().fieldErrors), ['shopId']);
    }
    assert.equal(withoutRequestId(foreign), withoutRequestId(unknown));
    assert.equal(withoutRequestId(deleted), withoutRequestId(unknown));

    assert.equal((await employeeRows(a.tenant.id)).length, 0);
    assert.equal((await employeeRows(b.tenant.id)).length, 0);
    assert.equal((await eventsOf(a.tenant.id)).length, 0);
    assert.equal((await eventsOf(b.tenant.id)).length, 0);
  });

  test('400 names every bad field at once: missing, malformed, too long, unknown', async () => {
    const a = await setup();
    const empty = await t.call('POST', employeesUrl(a.tenant.id), { key: a.key, body: {} });
    assertError(empty, 400, 'validation_failed');
    assert.deepEqual(Object.keys(empty.json().fieldErrors).sort(), ['name', 'shopId']);

    const bad = await t.call('POST', employeesUrl(a.tenant.id), {
      key: a.key,
      body: { shopId: 'not-a-uuid', name: '   ', shop_id: a.shop.id, active: false },
    });
    assertError(bad, 400, 'validation_failed');
    assert.deepEqual(Object.keys(bad.json().fieldErrors).sort(), ['active', 'name', 'shopId', 'shop_id']);
    assert.deepEqual(bad.json().fieldErrors.shop_id, ['Unknown field']);

    const long = await t.call('POST', employeesUrl(a.tenant.id), { key: a.key, body: { shopId: a.shop.id, name: 'x'.repeat(201) } });
    assert.deepEqual(Object.keys(long.json().fieldErrors), ['name']);
    assert.equal((await employeeRows(a.tenant.id)).length, 0);
    assert.equal((await eventsOf(a.tenant.id)).length, 0);
  });

  test('a platform key creates for any tenant; an unknown tenant is a 404', async () => {
    const tenant = await t.createTenant();
    const platform = await t.platformKey();
    const shop = await addShop(tenant.id, platform, 'Main');
    const employee = await createEmployee(tenant.id, platform, shop.id, 'By platform');
    assert.equal(employee.tenantId, tenant.id);
    assertError(await t.call('POST', employeesUrl(MISSING_ID), { key: platform, body: { shopId: shop.id, name: 'X' } }), 404, 'not_found');
    assertError(await t.call('GET', employeesUrl(MISSING_ID), { key: platform }), 404, 'not_found');
  });

  test('codes are distinct, base62, 10 characters; concurrent creates all succeed', async () => {
    const codes = new Set(Array.from({ length: 2000 }, newEmployeeCode));
    assert.equal(codes.size, 2000);
    for (const c of codes) assert.match(c, CODE_RE);
    // Every symbol of the alphabet shows up (no bias towards a subset).
    assert.equal(new Set([...codes].join('')).size, 62);

    const a = await setup();
    const made = await Promise.all(Array.from({ length: 20 }, (_, i) => createEmployee(a.tenant.id, a.key, a.shop.id, `E${i}`)));
    assert.equal(new Set(made.map((e) => e.code)).size, 20);
    assert.equal((await employeeRows(a.tenant.id)).length, 20);
    assert.equal((await eventsOf(a.tenant.id)).length, 20);
  });

  test('creates that arrive together share a statement, each answered for its own shop: 201s, and 400s that write nothing', async () => {
    const a = await setup('Main');
    const second = await addShop(a.tenant.id, a.key, 'Second');
    const other = await setup('Elsewhere');
    // Sent at once, so they reach the server in the same turns of its event loop.
    const shopOf = (i: number) => [a.shop.id, second.id, MISSING_ID, other.shop.id][i % 4]!;
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) => t.call('POST', employeesUrl(a.tenant.id), { key: a.key, body: { shopId: shopOf(i), name: `E${i}` } })),
    );
    const created = [];
    for (const [i, res] of answers.entries()) {
      if (i % 4 < 2) {
        assert.equal(res.statusCode, 201, res.body);
        const { employee } = res.json();
        assert.deepEqual([employee.name, employee.shopId, employee.shopName], [`E${i}`, shopOf(i), i % 4 === 0 ? 'Main' : 'Second']);
        created.push(employee);
      } else {
        assertError(res, 400, 'validation_failed');
        assert.deepEqual(Object.keys(res.json().fieldErrors), ['shopId']);
      }
    }
    const byId = (x: { id: string }, y: { id: string }) => x.id.localeCompare(y.id);
    const rows = await employeeRows(a.tenant.id);
    assert.deepEqual(
      rows.map((r) => ({ id: r.id, name: r.name, shopId: r.shopId, code: r.code, createdAt: r.createdAt.toISOString() })).sort(byId),
      created.map((e) => ({ id: e.id, name: e.name, shopId: e.shopId, code: e.code, createdAt: e.createdAt })).sort(byId),
    );
    const evts = await eventsOf(a.tenant.id);
    assert.deepEqual(evts.map((e) => e.type), Array(20).fill('employee.created'));
    assert.deepEqual(evts.map((e) => e.data as { id: string }).sort(byId), [...created].sort(byId));
    assert.equal((await employeeRows(other.tenant.id)).length, 0);
  });

  test('a code that is already taken is drawn again (the unique index decides); endless collisions fail cleanly', async () => {
    const a = await setup();
    const taken = await createEmployee(a.tenant.id, a.key, a.shop.id, 'First');
    // The CSPRNG answers the next code draws with exactly the characters of the taken code.
    const original = crypto.randomInt;
    const force = (times: number) => {
      let left = times * taken.code.length;
      let i = 0;
      mock.method(crypto, 'randomInt', ((...args: Parameters<typeof crypto.randomInt>) =>
        left-- > 0 ? BASE62.indexOf(taken.code[i++ % taken.code.length]) : (original as (...a: unknown[]) => number)(...args)) as typeof crypto.randomInt);
      syncBuiltinESMExports();
    };
    try {
      force(1);
      const second = await createEmployee(a.tenant.id, a.key, a.shop.id, 'Second');
      assert.notEqual(second.code, taken.code);
      assert.match(second.code, CODE_RE);
      mock.restoreAll();

      force(Infinity);
      const res = await t.call('POST', employeesUrl(a.tenant.id), { key: a.key, body: { shopId: a.shop.id, name: 'Unlucky' } });
      assertError(res, 500, 'internal');
    } finally {
      mock.restoreAll();
      syncBuiltinESMExports();
    }
    assert.deepEqual((await employeeRows(a.tenant.id)).map((e) => e.name).sort(), ['First', 'Second']);
    assert.equal((await eventsOf(a.tenant.id)).length, 2);
  });

  test('a create racing a shop delete: either the delete is refused or the create is', async () => {
    const a = await setup();
    const spare = await addShop(a.tenant.id, a.key, 'Spare');
    const [created, deleted] = await Promise.all([
      t.call('POST', employeesUrl(a.tenant.id), { key: a.key, body: { shopId: spare.id, name: 'Racer' } }),
      t.call('DELETE', `/api/v1/tenants/${a.tenant.id}/shops/${spare.id}`, { key: a.key }),
    ]);
    const outcome = `${created.statusCode}/${deleted.statusCode}`;
    assert.ok(['201/409', '400/204'].includes(outcome), outcome);
    const [row] = await t.rt.db.select().from(shops).where(and(eq(shops.tenantId, a.tenant.id), eq(shops.id, spare.id)));
    const activeHere = (await employeeRows(a.tenant.id)).filter((e) => e.shopId === spare.id && e.active);
    assert.ok(row.deletedAt === null || activeHere.length === 0, 'no active employee in a deleted shop');
  });
});

describe('GET /tenants/{tenantId}/employees', () => {
  test('every employee when no limit is given (150), oldest first; pages with limit/offset', async () => {
    const a = await setup('Main');
    const second = await addShop(a.tenant.id, a.key, 'Second');
    const base = Date.now() - 3600_000;
    const rows = Array.from({ length: 150 }, (_, i) => ({
      tenantId: a.tenant.id,
      id: uuidv7(),
      shopId: i % 3 === 0 ? second.id : a.shop.id,
      name: `Employee ${i}`,
      code: newEmployeeCode(),
      active: i % 10 !== 0,
      createdAt: new Date(base + i * 1000),
    }));
    // Inserted out of order: the list orders by createdAt, not by insertion.
    await t.rt.db.insert(employees).values([...rows].reverse());
    const expected = rows.map((r) => ({
      id: r.id,
      tenantId: r.tenantId,
      shopId: r.shopId,
      shopName: r.shopId === second.id ? 'Second' : 'Main',
      name: r.name,
      code: r.code,
      reviewUrl: `${PUBLIC_URL}/r/${r.code}`,
      active: r.active,
      createdAt: r.createdAt.toISOString(),
    }));

    const all = await t.call('GET', employeesUrl(a.tenant.id), { key: a.key });
    assert.equal(all.statusCode, 200, all.body);
    const body = all.json();
    assert.deepEqual(Object.keys(body), ['employees', 'total', 'pagination']);
    assert.equal(body.employees.length, 150);
    assert.deepEqual(body.employees, expected);
    assert.equal(body.total, 150);
    assert.deepEqual(body.pagination, { limit: 150, offset: 0, has_more: false });

    const page = (await t.call('GET', `${employeesUrl(a.tenant.id)}?limit=40&offset=100`, { key: a.key })).json();
    assert.deepEqual(page.employees, expected.slice(100, 140));
    assert.deepEqual(page.pagination, { limit: 40, offset: 100, has_more: true });
    assert.equal(page.total, 150);

    const last = (await t.call('GET', `${employeesUrl(a.tenant.id)}?limit=40&offset=120`, { key: a.key })).json();
    assert.deepEqual(last.employees, expected.slice(120));
    assert.deepEqual(last.pagination, { limit: 40, offset: 120, has_more: false });

    const rest = (await t.call('GET', `${employeesUrl(a.tenant.id)}?offset=145`, { key: a.key })).json();
    assert.deepEqual(rest.employees, expected.slice(145));
    assert.deepEqual(rest.pagination, { limit: 100, offset: 145, has_more: false }, 'without limit: the default page size');

    // Past the end: no row carries the total, which is still the tenant's.
    const beyond = (await t.call('GET', `${employeesUrl(a.tenant.id)}?limit=10&offset=300`, { key: a.key })).json();
    assert.deepEqual(beyond, { employees: [], total: 150, pagination: { limit: 10, offset: 300, has_more: false } });

    for (const q of ['limit=0', 'limit=501', 'limit=abc', 'offset=-1', 'foo=1']) {
      const bad = await t.call('GET', `${employeesUrl(a.tenant.id)}?${q}`, { key: a.key });
      assertError(bad, 400, 'validation_failed');
      assert.deepEqual(Object.keys(bad.json().fieldErrors), [q.split('=')[0]], q);
    }
  });

  test("only this tenant's employees; none at all is an empty list", async () => {
    const a = await setup();
    const b = await setup();
    await createEmployee(b.tenant.id, b.key, b.shop.id, 'Theirs');
    const res = await t.call('GET', employeesUrl(a.tenant.id), { key: a.key });
    assert.deepEqual(res.json(), { employees: [], total: 0, pagination: { limit: 100, offset: 0, has_more: false } });
  });
});

describe('PATCH /tenants/{tenantId}/employees/{employeeId}', () => {
  test('rename, move, deactivate, reactivate: each one shop-joined view and one employee.updated event', async () => {
    const a = await setup('Main');
    const other = await addShop(a.tenant.id, a.key, 'Other');
    const employee = await createEmployee(a.tenant.id, a.key, a.shop.id, 'Mei');
    const url = `${employeesUrl(a.tenant.id)}/${employee.id}`;

    const renamed = await t.call('PATCH', url, { key: a.key, body: { name: 'Mei Lin' } });
    assert.equal(renamed.statusCode, 200, renamed.body);
    assert.deepEqual(renamed.json(), { employee: { ...employee, name: 'Mei Lin' } });

    const moved = await t.call('PATCH', url, { key: a.key, body: { shopId: other.id } });
    assert.deepEqual(moved.json().employee, { ...employee, name: 'Mei Lin', shopId: other.id, shopName: 'Other' });
    assert.equal((await employeeRow(a.tenant.id, employee.id)).shopId, other.id);

    const off = await t.call('PATCH', url, { key: a.key, body: { active: false } });
    assert.deepEqual(off.json().employee, { ...moved.json().employee, active: false });
    assert.equal((await employeeRow(a.tenant.id, employee.id)).active, false);

    const on = await t.call('PATCH', url, { key: a.key, body: { active: true, name: 'Mei L.', shopId: a.shop.id } });
    assert.deepEqual(on.json().employee, { ...employee, name: 'Mei L.' });
    const row = await employeeRow(a.tenant.id, employee.id);
    assert.deepEqual([row.name, row.shopId, row.active, row.code], ['Mei L.', a.shop.id, true, employee.code]);
    assert.ok(row.updatedAt.getTime() >= row.createdAt.getTime());

    // Nothing to change: 200 with the employee, no event.
    assert.deepEqual((await t.call('PATCH', url, { key: a.key, body: {} })).json(), on.json());
    assert.deepEqual((await t.call('PATCH', url, { key: a.key, body: { active: true, shopId: a.shop.id } })).json(), on.json());

    const evts = await eventsOf(a.tenant.id);
    assert.deepEqual(evts.map((e) => e.type), ['employee.created', 'employee.updated', 'employee.updated', 'employee.updated', 'employee.updated']);
    assert.deepEqual(evts.slice(1).map((e) => e.data), [renamed.json().employee, moved.json().employee, off.json().employee, on.json().employee]);
  });

  test("moving to another tenant's, an unknown or a deleted shop → 400 fieldErrors.shopId; bad fields named", async () => {
    const a = await setup();
    const b = await setup();
    const closed = await addShop(a.tenant.id, a.key, 'Closed');
    await t.call('DELETE', `/api/v1/tenants/${a.tenant.id}/shops/${closed.id}`, { key: a.key });
    const employee = await createEmployee(a.tenant.id, a.key, a.shop.id, 'Mei');
    const url = `${employeesUrl(a.tenant.id)}/${employee.id}`;
    const results = [];
    for (const shopId of [b.shop.id, MISSING_ID, closed.id]) {
      const res = await t.call('PATCH', url, { key: a.key, body: { shopId, name: 'Moved' } });
      assertError(res, 400, 'validation_failed');
      assert.deepEqual(Object.keys(res.json().fieldErrors), ['shopId']);
      results.push(withoutRequestId(res));
    }
    assert.equal(new Set(results).size, 1, 'indistinguishable');

    const bad = await t.call('PATCH', url, { key: a.key, body: { name: '', active: 'no', shopId: 'x', code: 'mine' } });
    assertError(bad, 400, 'validation_failed');
    assert.deepEqual(Object.keys(bad.json().fieldErrors).sort(), ['active', 'code', 'name', 'shopId']);

    const row = await employeeRow(a.tenant.id, employee.id);
    assert.deepEqual([row.name, row.shopId], ['Mei', a.shop.id]);
    assert.equal((await eventsOf(a.tenant.id)).length, 1);
  });

  test('reactivating someone whose shop was deleted needs a move (409 otherwise)', async () => {
    const a = await setup();
    const closing = await addShop(a.tenant.id, a.key, 'Closing');
    const employee = await createEmployee(a.tenant.id, a.key, closing.id, 'Mei');
    const url = `${employeesUrl(a.tenant.id)}/${employee.id}`;
    await t.call('PATCH', url, { key: a.key, body: { active: false } });
    assert.equal((await t.call('DELETE', `/api/v1/tenants/${a.tenant.id}/shops/${closing.id}`, { key: a.key })).statusCode, 204);

    // Renaming the deactivated employee still works.
    assert.equal((await t.call('PATCH', url, { key: a.key, body: { name: 'Mei Lin' } })).statusCode, 200);
    assertError(await t.call('PATCH', url, { key: a.key, body: { active: true } }), 409, 'conflict');
    assert.equal((await employeeRow(a.tenant.id, employee.id)).active, false);

    const back = await t.call('PATCH', url, { key: a.key, body: { active: true, shopId: a.shop.id } });
    assert.equal(back.statusCode, 200, back.body);
    assert.deepEqual(back.json().employee, { ...employee, name: 'Mei Lin', shopId: a.shop.id, shopName: 'Main', active: true });
  });
});

describe('employees: permissions and tenant scope', () => {
  test('403 for a key without the permission, on every route; nothing changes', async () => {
    const a = await setup();
    const employee = await createEmployee(a.tenant.id, a.key, a.shop.id, 'Mei');
    const keyWith = async (permissions: string[]) => (await mintKey(t.rt.db, { kind: 'tenant', tenantId: a.tenant.id, permissions }, null)).key;
    const readOnly = await keyWith(['employees:read']);
    const none = await keyWith(['shops:read', 'shops:write', 'templates:read', 'templates:write']);
    const one = `${employeesUrl(a.tenant.id)}/${employee.id}`;

    assertError(await t.call('GET', employeesUrl(a.tenant.id), { key: none }), 403, 'forbidden');
    assertError(await t.call('GET', one, { key: none }), 403, 'forbidden');
    for (const key of [readOnly, none]) {
      assertError(await t.call('POST', employeesUrl(a.tenant.id), { key, body: { shopId: a.shop.id, name: 'X' } }), 403, 'forbidden');
      assertError(await t.call('PATCH', one, { key, body: { active: false } }), 403, 'forbidden');
    }
    assert.equal((await t.call('GET', one, { key: readOnly })).statusCode, 200);
    assert.equal((await t.call('GET', employeesUrl(a.tenant.id), { key: readOnly })).statusCode, 200);
    assert.equal((await employeeRows(a.tenant.id)).length, 1);
    assert.equal((await employeeRow(a.tenant.id, employee.id)).active, true);
    assert.equal((await eventsOf(a.tenant.id)).length, 1);
  });

  test("403 for a tenant key on another tenant's path, on every route", async () => {
    const a = await setup();
    const b = await setup();
    const theirs = await createEmployee(b.tenant.id, b.key, b.shop.id, 'Theirs');
    const one = `${employeesUrl(b.tenant.id)}/${theirs.id}`;
    assertError(await t.call('GET', employeesUrl(b.tenant.id), { key: a.key }), 403, 'forbidden');
    assertError(await t.call('POST', employeesUrl(b.tenant.id), { key: a.key, body: { shopId: b.shop.id, name: 'X' } }), 403, 'forbidden');
    assertError(await t.call('GET', one, { key: a.key }), 403, 'forbidden');
    assertError(await t.call('PATCH', one, { key: a.key, body: { active: false } }), 403, 'forbidden');
    assert.equal((await employeeRows(b.tenant.id)).length, 1);
    assert.equal((await employeeRow(b.tenant.id, theirs.id)).active, true);
  });

  test("another tenant's employee id in your own path → 404 byte-identical to an unknown id; malformed → 404", async () => {
    const a = await setup();
    const b = await setup();
    const theirs = await createEmployee(b.tenant.id, b.key, b.shop.id, 'Theirs');
    const base = employeesUrl(a.tenant.id);
    for (const [method, body] of [
      ['GET', undefined],
      ['PATCH', { name: 'Hijacked' }],
    ] as const) {
      const foreign = await t.call(method, `${base}/${theirs.id}`, { key: a.key, body });
      const missing = await t.call(method, `${base}/${MISSING_ID}`, { key: a.key, body });
      const malformed = await t.call(method, `${base}/12345`, { key: a.key, body });
      for (const res of [foreign, missing, malformed]) assertError(res, 404, 'not_found');
      assert.equal(withoutRequestId(foreign), withoutRequestId(missing), method);
      assert.equal(withoutRequestId(malformed), withoutRequestId(missing), method);
    }
    assert.equal((await employeeRow(b.tenant.id, theirs.id)).name, 'Theirs');
  });
});
