// /api/v1/tenants/{tenantId}/shops: list, create, get, update, delete (the 409 rules, soft
// delete, default hand-over), through HTTP, with the rows and events the database holds after.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { and, asc, eq, like } from 'drizzle-orm';
import { mintKey } from '../../src/platform/keys.ts';
import { events } from '../../src/platform/tables.ts';
import { shops } from '../../src/reviews/tables.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { assertError, withoutRequestId } from '../helpers/assertions.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.close());

const SHOP_KEYS = ['address', 'createdAt', 'googleMapsUrl', 'googlePlaceCid', 'googlePlaceId', 'id', 'isDefault', 'name', 'tenantId', 'xhsHandle'];
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const MISSING_ID = '00000000-0000-7000-8000-000000000000';
const PLACE_ID = 'ChIJN1t_tDeuEmsRUsoyG83frY4';

const shopsUrl = (tenantId: string) => `/api/v1/tenants/${tenantId}/shops`;
/** The shop events of a tenant (minting its keys writes api_key.* events too). */
const eventsOf = (tenantId: string) =>
  t.rt.db.select().from(events).where(and(eq(events.tenantId, tenantId), like(events.type, 'shop.%'))).orderBy(asc(events.seq));
const shopRow = async (tenantId: string, id: string) =>
  (await t.rt.db.select().from(shops).where(and(eq(shops.tenantId, tenantId), eq(shops.id, id))))[0];

async function createShop(tenantId: string, key: string, body: Record<string, unknown>) {
  const res = await t.call('POST', shopsUrl(tenantId), { key, body });
  assert.equal(res.statusCode, 201, res.body);
  return res.json().shop;
}

async function createEmployee(tenantId: string, key: string, shopId: string, name = 'Mei') {
  const res = await t.call('POST', `/api/v1/tenants/${tenantId}/employees`, { key, body: { shopId, name } });
  assert.equal(res.statusCode, 201, res.body);
  return res.json().employee;
}

describe('POST /tenants/{tenantId}/shops', () => {
  test('201 {shop}: exact shape, CID derived, @handle normalized, first shop is the default; row and one event', async () => {
    const a = await t.tenantWithKey();
    const res = await t.call('POST', shopsUrl(a.tenant.id), {
      key: a.key,
      body: {
        name: '  Riverside  ',
        address: '12 River Road',
        googleMapsUrl: 'https://maps.google.com/?cid=12345678901234567890',
        googlePlaceId: PLACE_ID,
        xhsHandle: '@bright.smile',
      },
    });
    assert.equal(res.statusCode, 201, res.body);
    assert.match(String(res.headers['content-type']), /^application\/json/);
    const body = res.json();
    assert.deepEqual(Object.keys(body), ['shop']);
    const { shop } = body;
    assert.deepEqual(Object.keys(shop).sort(), SHOP_KEYS);
    assert.match(shop.id, UUID_RE);
    assert.deepEqual(shop, {
      id: shop.id,
      tenantId: a.tenant.id,
      name: 'Riverside',
      address: '12 River Road',
      googleMapsUrl: 'https://maps.google.com/?cid=12345678901234567890',
      googlePlaceCid: '12345678901234567890',
      googlePlaceId: PLACE_ID,
      xhsHandle: 'bright.smile',
      isDefault: true,
      createdAt: shop.createdAt,
    });
    assert.ok(Math.abs(Date.parse(shop.createdAt) - Date.now()) < 60_000);

    const row = await shopRow(a.tenant.id, shop.id);
    assert.equal(row.name, 'Riverside');
    assert.equal(row.googlePlaceCid, '12345678901234567890');
    assert.equal(row.isDefault, true);
    assert.equal(row.deletedAt, null);
    assert.equal(row.createdAt.toISOString(), shop.createdAt);

    const evts = await eventsOf(a.tenant.id);
    assert.equal(evts.length, 1);
    assert.equal(evts[0].type, 'shop.created');
    assert.deepEqual(evts[0].data, shop);
  });

  test('further shops are not the default; feature-id CIDs, short links, XHS URLs and minimal bodies', async () => {
    const a = await t.tenantWithKey();
    const first = await createShop(a.tenant.id, a.key, { name: 'Main' });
    assert.deepEqual(
      { ...first, id: null, createdAt: null },
      { id: null, tenantId: a.tenant.id, name: 'Main', address: null, googleMapsUrl: null, googlePlaceCid: null, googlePlaceId: null, xhsHandle: null, isDefault: true, createdAt: null },
    );

    const feature = await createShop(a.tenant.id, a.key, {
      name: 'Feature',
      googleMapsUrl: 'https://www.google.com/maps/place/Shop/data=!4m2!3m1!1s0x3e5f43f4f4f4f4f4:0x00000000000000ff',
      xhsHandle: 'https://www.xiaohongshu.com/user/profile/5f1a2b3c4d5e6f7a8b9c0d1e?xsec=1',
    });
    assert.equal(feature.isDefault, false);
    assert.equal(feature.googlePlaceCid, '255');
    assert.equal(feature.xhsHandle, '5f1a2b3c4d5e6f7a8b9c0d1e');

    const short = await createShop(a.tenant.id, a.key, {
      name: 'Short',
      googleMapsUrl: 'https://maps.app.goo.gl/AbCdEf123',
      xhsHandle: 'https://xhslink.com/a/AbC123',
      address: null,
      googlePlaceId: null,
    });
    assert.equal(short.googleMapsUrl, 'https://maps.app.goo.gl/AbCdEf123');
    assert.equal(short.googlePlaceCid, null, 'a short link is not resolved here');
    assert.equal(short.xhsHandle, 'https://xhslink.com/a/AbC123', 'an xhslink.com link is kept as given');

    const defaults = (await t.rt.db.select().from(shops).where(and(eq(shops.tenantId, a.tenant.id), eq(shops.isDefault, true)))).map((s) => s.id);
    assert.deepEqual(defaults, [first.id]);
  });

  test('400 names every bad field at once (and unknown ones); nothing is written', async () => {
    const a = await t.tenantWithKey();
    const res = await t.call('POST', shopsUrl(a.tenant.id), {
      key: a.key,
      body: {
        name: '   ',
        address: 'x'.repeat(501),
        googleMapsUrl: 'https://example.com/maps/place/x',
        googlePlaceId: 'not a place id!',
        xhsHandle: 'https://example.com/me',
        mapUrl: 'https://maps.google.com/?cid=1',
      },
    });
    assertError(res, 400, 'validation_failed');
    assert.deepEqual(Object.keys(res.json().fieldErrors).sort(), ['address', 'googleMapsUrl', 'googlePlaceId', 'mapUrl', 'name', 'xhsHandle']);
    assert.deepEqual(res.json().fieldErrors.mapUrl, ['Unknown field']);

    const missing = await t.call('POST', shopsUrl(a.tenant.id), { key: a.key, body: {} });
    assertError(missing, 400, 'validation_failed');
    assert.deepEqual(Object.keys(missing.json().fieldErrors), ['name']);

    const long = await t.call('POST', shopsUrl(a.tenant.id), { key: a.key, body: { name: 'x'.repeat(201) } });
    assert.deepEqual(Object.keys(long.json().fieldErrors), ['name']);
    assert.equal((await createShop(a.tenant.id, a.key, { name: 'x'.repeat(200) })).name.length, 200);

    const rows = await t.rt.db.select().from(shops).where(eq(shops.tenantId, a.tenant.id));
    assert.equal(rows.length, 1, 'only the valid one');
    assert.deepEqual((await eventsOf(a.tenant.id)).map((e) => e.type), ['shop.created']);
  });

  test('a platform key creates shops for any tenant; an unknown tenant is a 404', async () => {
    const tenant = await t.createTenant();
    const platform = await t.platformKey();
    const shop = await createShop(tenant.id, platform, { name: 'By platform' });
    assert.equal(shop.tenantId, tenant.id);
    assertError(await t.call('POST', shopsUrl(MISSING_ID), { key: platform, body: { name: 'X' } }), 404, 'not_found');
    assertError(await t.call('GET', shopsUrl(MISSING_ID), { key: platform }), 404, 'not_found');
  });
});

describe('GET /tenants/{tenantId}/shops and /shops/{shopId}', () => {
  test('{shops, total, pagination}: oldest first, pages, deleted shops hidden', async () => {
    const a = await t.tenantWithKey();
    const created = [];
    for (const name of ['One', 'Two', 'Three', 'Four']) created.push(await createShop(a.tenant.id, a.key, { name }));
    assert.equal((await t.call('DELETE', `${shopsUrl(a.tenant.id)}/${created[2].id}`, { key: a.key })).statusCode, 204);

    const res = await t.call('GET', shopsUrl(a.tenant.id), { key: a.key });
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json();
    assert.deepEqual(Object.keys(body), ['shops', 'total', 'pagination']);
    assert.deepEqual(body.shops, [created[0], created[1], created[3]]);
    assert.equal(body.total, 3);
    assert.deepEqual(body.pagination, { limit: 100, offset: 0, has_more: false });

    const page = (await t.call('GET', `${shopsUrl(a.tenant.id)}?limit=1&offset=1`, { key: a.key })).json();
    assert.deepEqual(page.shops, [created[1]]);
    assert.deepEqual(page.pagination, { limit: 1, offset: 1, has_more: true });
    assert.equal(page.total, 3);

    const bad = await t.call('GET', `${shopsUrl(a.tenant.id)}?limit=0&offset=-1`, { key: a.key });
    assertError(bad, 400, 'validation_failed');
    assert.deepEqual(Object.keys(bad.json().fieldErrors).sort(), ['limit', 'offset']);
    assertError(await t.call('GET', `${shopsUrl(a.tenant.id)}?limit=501`, { key: a.key }), 400, 'validation_failed');

    const one = await t.call('GET', `${shopsUrl(a.tenant.id)}/${created[1].id}`, { key: a.key });
    assert.equal(one.statusCode, 200);
    assert.deepEqual(one.json(), { shop: created[1] });
    assertError(await t.call('GET', `${shopsUrl(a.tenant.id)}/${created[2].id}`, { key: a.key }), 404, 'not_found');
  });

  test('total is right at every page position: short, full, the last, exactly full, past the end', async () => {
    const a = await t.tenantWithKey();
    for (const name of ['A', 'B', 'C']) await createShop(a.tenant.id, a.key, { name });
    const list = async (q: string) => (await t.call('GET', `${shopsUrl(a.tenant.id)}?${q}`, { key: a.key })).json();
    const cases: [string, string[], boolean][] = [
      ['limit=10', ['A', 'B', 'C'], false], // shorter than its limit: the total is the page
      ['limit=2', ['A', 'B'], true], // full: counted
      ['limit=2&offset=2', ['C'], false], // the last, short
      ['limit=3', ['A', 'B', 'C'], false], // exactly full: counted, nothing more
      ['limit=2&offset=5', [], false], // past the end: counted
      ['limit=2&offset=3', [], false],
    ];
    for (const [q, names, more] of cases) {
      const body = await list(q);
      assert.deepEqual(body.shops.map((s: { name: string }) => s.name), names, q);
      assert.equal(body.total, 3, q);
      assert.equal(body.pagination.has_more, more, q);
    }
  });

  test('a tenant without shops lists none', async () => {
    const a = await t.tenantWithKey();
    const res = await t.call('GET', shopsUrl(a.tenant.id), { key: a.key });
    assert.deepEqual(res.json(), { shops: [], total: 0, pagination: { limit: 100, offset: 0, has_more: false } });
  });
});

describe('PATCH /tenants/{tenantId}/shops/{shopId}', () => {
  test('absent unchanged, null clears, the CID follows the Maps URL; one shop.updated event', async () => {
    const a = await t.tenantWithKey();
    const shop = await createShop(a.tenant.id, a.key, {
      name: 'Old',
      address: 'Somewhere',
      googleMapsUrl: 'https://maps.google.com/?cid=111',
      googlePlaceId: PLACE_ID,
      xhsHandle: '@old',
    });
    const url = `${shopsUrl(a.tenant.id)}/${shop.id}`;
    const res = await t.call('PATCH', url, { key: a.key, body: { name: 'New', address: null, googleMapsUrl: 'https://www.google.com/maps?cid=222' } });
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json(), {
      shop: { ...shop, name: 'New', address: null, googleMapsUrl: 'https://www.google.com/maps?cid=222', googlePlaceCid: '222' },
    });
    const row = await shopRow(a.tenant.id, shop.id);
    assert.equal(row.name, 'New');
    assert.equal(row.address, null);
    assert.equal(row.googlePlaceCid, '222');
    assert.ok(row.updatedAt.getTime() >= row.createdAt.getTime());

    const cleared = await t.call('PATCH', url, { key: a.key, body: { googleMapsUrl: null, googlePlaceId: null, xhsHandle: 'https://xhslink.com/x' } });
    assert.deepEqual(cleared.json().shop, {
      ...shop,
      name: 'New',
      address: null,
      googleMapsUrl: null,
      googlePlaceCid: null,
      googlePlaceId: null,
      xhsHandle: 'https://xhslink.com/x',
    });

    // An empty PATCH (or one that repeats the current values) changes nothing and emits nothing.
    assert.deepEqual((await t.call('PATCH', url, { key: a.key, body: {} })).json(), cleared.json());
    assert.deepEqual((await t.call('PATCH', url, { key: a.key, body: { name: 'New' } })).json(), cleared.json());

    const evts = await eventsOf(a.tenant.id);
    assert.deepEqual(evts.map((e) => e.type), ['shop.created', 'shop.updated', 'shop.updated']);
    assert.deepEqual(evts[1].data, res.json().shop);
    assert.deepEqual(evts[2].data, cleared.json().shop);
  });

  test('400 for bad fields and unknown ones (all named); isDefault only accepts true', async () => {
    const a = await t.tenantWithKey();
    const shop = await createShop(a.tenant.id, a.key, { name: 'Main' });
    const url = `${shopsUrl(a.tenant.id)}/${shop.id}`;
    const res = await t.call('PATCH', url, {
      key: a.key,
      body: { name: '', googleMapsUrl: 'ftp://maps.google.com/x', googlePlaceId: 'x', xhsHandle: '@ bad', isDefault: false, googlePlaceCid: '1' },
    });
    assertError(res, 400, 'validation_failed');
    assert.deepEqual(Object.keys(res.json().fieldErrors).sort(), ['googleMapsUrl', 'googlePlaceCid', 'googlePlaceId', 'isDefault', 'name', 'xhsHandle']);
    assert.deepEqual(await shopRow(a.tenant.id, shop.id).then((r) => r.name), 'Main');
    assert.equal((await eventsOf(a.tenant.id)).length, 1);
  });

  test('isDefault: true moves the default; both shops get a shop.updated event', async () => {
    const a = await t.tenantWithKey();
    const main = await createShop(a.tenant.id, a.key, { name: 'Main' });
    const other = await createShop(a.tenant.id, a.key, { name: 'Other' });
    const res = await t.call('PATCH', `${shopsUrl(a.tenant.id)}/${other.id}`, { key: a.key, body: { isDefault: true } });
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json().shop, { ...other, isDefault: true });
    assert.equal((await shopRow(a.tenant.id, main.id)).isDefault, false);
    assert.equal((await shopRow(a.tenant.id, other.id)).isDefault, true);
    const evts = (await eventsOf(a.tenant.id)).slice(2);
    assert.deepEqual(
      evts.map((e) => [e.type, (e.data as { id: string; isDefault: boolean }).id, (e.data as { isDefault: boolean }).isDefault]),
      [
        ['shop.updated', main.id, false],
        ['shop.updated', other.id, true],
      ],
    );
    // Already the default: nothing to do.
    await t.call('PATCH', `${shopsUrl(a.tenant.id)}/${other.id}`, { key: a.key, body: { isDefault: true } });
    assert.equal((await eventsOf(a.tenant.id)).length, 4);
  });
});

describe('DELETE /tenants/{tenantId}/shops/{shopId}', () => {
  test('409 for the only shop and for a shop with active employees; nothing changes', async () => {
    const a = await t.tenantWithKey();
    const only = await createShop(a.tenant.id, a.key, { name: 'Only' });
    const res = await t.call('DELETE', `${shopsUrl(a.tenant.id)}/${only.id}`, { key: a.key });
    assertError(res, 409, 'conflict');
    assert.match(res.json().error, /only shop/);

    const second = await createShop(a.tenant.id, a.key, { name: 'Second' });
    const employee = await createEmployee(a.tenant.id, a.key, second.id);
    const busy = await t.call('DELETE', `${shopsUrl(a.tenant.id)}/${second.id}`, { key: a.key });
    assertError(busy, 409, 'conflict');
    assert.match(busy.json().error, /1 active employee/);
    assert.equal((await shopRow(a.tenant.id, second.id)).deletedAt, null);
    assert.equal((await shopRow(a.tenant.id, only.id)).deletedAt, null);
    assert.ok(!(await eventsOf(a.tenant.id)).some((e) => e.type === 'shop.deleted'));

    // Deactivated employees keep their history and no longer block the delete.
    const off = await t.call('PATCH', `/api/v1/tenants/${a.tenant.id}/employees/${employee.id}`, { key: a.key, body: { active: false } });
    assert.equal(off.statusCode, 200, off.body);
    assert.equal((await t.call('DELETE', `${shopsUrl(a.tenant.id)}/${second.id}`, { key: a.key })).statusCode, 204);
    const gone = await shopRow(a.tenant.id, second.id);
    assert.ok(gone.deletedAt instanceof Date, 'soft delete: the row stays');
    // The deactivated employee still shows the deleted shop's name.
    const emp = await t.call('GET', `/api/v1/tenants/${a.tenant.id}/employees/${employee.id}`, { key: a.key });
    assert.equal(emp.json().employee.shopName, 'Second');
    // Now "Only" really is the only one left.
    assertError(await t.call('DELETE', `${shopsUrl(a.tenant.id)}/${only.id}`, { key: a.key }), 409, 'conflict');
  });

  test('204 with no body; deleting the default makes the oldest remaining shop the default; events', async () => {
    const a = await t.tenantWithKey();
    const main = await createShop(a.tenant.id, a.key, { name: 'Main' });
    const b = await createShop(a.tenant.id, a.key, { name: 'B' });
    const c = await createShop(a.tenant.id, a.key, { name: 'C' });
    const res = await t.call('DELETE', `${shopsUrl(a.tenant.id)}/${main.id}`, { key: a.key });
    assert.equal(res.statusCode, 204);
    assert.equal(res.body, '');

    const deleted = await shopRow(a.tenant.id, main.id);
    assert.ok(deleted.deletedAt);
    assert.equal(deleted.isDefault, false);
    assert.equal((await shopRow(a.tenant.id, b.id)).isDefault, true);
    assert.equal((await shopRow(a.tenant.id, c.id)).isDefault, false);

    const list = (await t.call('GET', shopsUrl(a.tenant.id), { key: a.key })).json();
    assert.deepEqual(list.shops, [{ ...b, isDefault: true }, c]);

    const evts = (await eventsOf(a.tenant.id)).slice(3);
    assert.deepEqual(evts.map((e) => [e.type, (e.data as { id: string }).id]), [
      ['shop.deleted', main.id],
      ['shop.updated', b.id],
    ]);
    assert.equal((evts[1].data as { isDefault: boolean }).isDefault, true);

    // Deleting again, reading, or patching a deleted shop: 404.
    assertError(await t.call('DELETE', `${shopsUrl(a.tenant.id)}/${main.id}`, { key: a.key }), 404, 'not_found');
    assertError(await t.call('PATCH', `${shopsUrl(a.tenant.id)}/${main.id}`, { key: a.key, body: { name: 'X' } }), 404, 'not_found');
    // A new employee cannot join a deleted shop.
    const emp = await t.call('POST', `/api/v1/tenants/${a.tenant.id}/employees`, { key: a.key, body: { shopId: main.id, name: 'Late' } });
    assertError(emp, 400, 'validation_failed');
    assert.deepEqual(Object.keys(emp.json().fieldErrors), ['shopId']);

    // Deleting a non-default shop leaves the default alone and emits only shop.deleted.
    assert.equal((await t.call('DELETE', `${shopsUrl(a.tenant.id)}/${c.id}`, { key: a.key })).statusCode, 204);
    assert.equal((await shopRow(a.tenant.id, b.id)).isDefault, true);
    assert.deepEqual((await eventsOf(a.tenant.id)).slice(5).map((e) => e.type), ['shop.deleted']);
  });

  test('two concurrent deletes of a two-shop tenant: exactly one succeeds', async () => {
    const a = await t.tenantWithKey();
    const x = await createShop(a.tenant.id, a.key, { name: 'X' });
    const y = await createShop(a.tenant.id, a.key, { name: 'Y' });
    const results = await Promise.all([x, y].map((s) => t.call('DELETE', `${shopsUrl(a.tenant.id)}/${s.id}`, { key: a.key })));
    assert.deepEqual(results.map((r) => r.statusCode).sort(), [204, 409]);
    const live = (await t.call('GET', shopsUrl(a.tenant.id), { key: a.key })).json();
    assert.equal(live.total, 1);
    assert.equal(live.shops[0].isDefault, true);
  });
});

describe('shops: permissions and tenant scope', () => {
  test('403 for a key without the permission, on every route; nothing changes', async () => {
    const a = await t.tenantWithKey();
    const shop = await createShop(a.tenant.id, a.key, { name: 'Main' });
    // Keys of tenant a itself, minted with narrower permissions.
    const keyWith = async (permissions: string[]) => (await mintKey(t.rt.db, { kind: 'tenant', tenantId: a.tenant.id, permissions }, null)).key;
    const readOnly = await keyWith(['shops:read']);
    const noShops = await keyWith(['employees:read', 'employees:write', 'templates:read', 'templates:write']);
    const one = `${shopsUrl(a.tenant.id)}/${shop.id}`;

    assertError(await t.call('GET', shopsUrl(a.tenant.id), { key: noShops }), 403, 'forbidden');
    assertError(await t.call('GET', one, { key: noShops }), 403, 'forbidden');
    for (const key of [readOnly, noShops]) {
      assertError(await t.call('POST', shopsUrl(a.tenant.id), { key, body: { name: 'X' } }), 403, 'forbidden');
      assertError(await t.call('PATCH', one, { key, body: { name: 'X' } }), 403, 'forbidden');
      assertError(await t.call('DELETE', one, { key }), 403, 'forbidden');
    }
    assert.equal((await t.call('GET', one, { key: readOnly })).statusCode, 200);
    assert.deepEqual((await shopRow(a.tenant.id, shop.id)).name, 'Main');
    assert.equal((await eventsOf(a.tenant.id)).length, 1);
  });

  test("403 for a tenant key on another tenant's path, on every route", async () => {
    const a = await t.tenantWithKey();
    const b = await t.tenantWithKey();
    const bShop = await createShop(b.tenant.id, b.key, { name: 'B main' });
    const one = `${shopsUrl(b.tenant.id)}/${bShop.id}`;
    assertError(await t.call('GET', shopsUrl(b.tenant.id), { key: a.key }), 403, 'forbidden');
    assertError(await t.call('POST', shopsUrl(b.tenant.id), { key: a.key, body: { name: 'X' } }), 403, 'forbidden');
    assertError(await t.call('GET', one, { key: a.key }), 403, 'forbidden');
    assertError(await t.call('PATCH', one, { key: a.key, body: { name: 'X' } }), 403, 'forbidden');
    assertError(await t.call('DELETE', one, { key: a.key }), 403, 'forbidden');
    assert.equal((await t.rt.db.select().from(shops).where(eq(shops.tenantId, b.tenant.id))).length, 1);
    assert.equal((await shopRow(b.tenant.id, bShop.id)).name, 'B main');
  });

  test("another tenant's shop id in your own path → 404 byte-identical to an unknown id; malformed → 404", async () => {
    const a = await t.tenantWithKey();
    const b = await t.tenantWithKey();
    await createShop(a.tenant.id, a.key, { name: 'A main' });
    await createShop(a.tenant.id, a.key, { name: 'A second' });
    const bShop = await createShop(b.tenant.id, b.key, { name: 'B main' });
    await createShop(b.tenant.id, b.key, { name: 'B second' });
    const base = shopsUrl(a.tenant.id);
    const cases: [string, Record<string, unknown> | undefined][] = [
      ['GET', undefined],
      ['PATCH', { name: 'Hijacked' }],
      ['DELETE', undefined],
    ];
    for (const [method, body] of cases) {
      const foreign = await t.call(method as 'GET', `${base}/${bShop.id}`, { key: a.key, body });
      const missing = await t.call(method as 'GET', `${base}/${MISSING_ID}`, { key: a.key, body });
      const malformed = await t.call(method as 'GET', `${base}/not-a-uuid`, { key: a.key, body });
      for (const res of [foreign, missing, malformed]) assertError(res, 404, 'not_found');
      assert.equal(withoutRequestId(foreign), withoutRequestId(missing), method);
      assert.equal(withoutRequestId(malformed), withoutRequestId(missing), method);
      assert.equal(foreign.headers['content-type'], missing.headers['content-type']);
    }
    const row = await shopRow(b.tenant.id, bShop.id);
    assert.equal(row.name, 'B main');
    assert.equal(row.deletedAt, null);
    // The malformed tenant id itself is a 404 too.
    assertError(await t.call('GET', '/api/v1/tenants/not-a-uuid/shops', { key: a.key }), 404, 'not_found');
  });
});
