// /api/v1/tenants/{tenantId}/api-keys: create, list, revoke and roll, through HTTP, with what
// the database holds afterwards.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { and, count, eq, gt, isNull, or, sql } from 'drizzle-orm';
import { queryRows } from '../../src/db/index.ts';
import { MAX_ACTIVE_KEYS_PER_TENANT, mintKey } from '../../src/platform/keys.ts';
import { TENANT_PERMISSIONS } from '../../src/platform/permissions.ts';
import { apiKeys } from '../../src/platform/tables.ts';
import { sha256Hex } from '../../src/platform/secrets.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { assertError, type Res } from '../helpers/assertions.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.close());

const TENANT_KEY_RE = /^orgstack_sk_tnt_[A-Za-z0-9]{40}$/;
const keysUrl = (tenantId: string) => `/api/v1/tenants/${tenantId}/api-keys`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const sorted = (xs: readonly string[]) => [...xs].sort();

async function keyRow(id: string) {
  const [row] = await t.rt.db.select().from(apiKeys).where(eq(apiKeys.id, id));
  return row;
}

async function keyCount(tenantId: string, onlyActive = false) {
  const active = and(isNull(apiKeys.revokedAt), or(isNull(apiKeys.expiresAt), gt(apiKeys.expiresAt, sql`now()`)));
  const [{ n }] = await t.rt.db
    .select({ n: count() })
    .from(apiKeys)
    .where(onlyActive ? and(eq(apiKeys.tenantId, tenantId), active) : eq(apiKeys.tenantId, tenantId));
  return n;
}

/** Every table of the application schema whose text contains `needle` (after buffers are flushed). */
async function tablesContaining(needle: string): Promise<string[]> {
  await t.rt.flush();
  const tables = await queryRows<{ table_name: string }>(
    t.rt.db,
    sql`select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`,
  );
  assert.ok(tables.some((x) => x.table_name === 'api_keys'), 'scanned the right schema');
  const hits: string[] = [];
  for (const { table_name } of tables) {
    const rows = await queryRows<{ n: number | string }>(
      t.rt.db,
      sql`select count(*) as n from ${sql.identifier(table_name)} x where x::text like ${'%' + needle + '%'}`,
    );
    if (Number(rows[0].n) > 0) hits.push(table_name);
  }
  return hits;
}

const status = async (key: string, url = '/api/v1/tenants') => (await t.call('GET', url, { key })).statusCode;

describe('POST /tenants/{tenantId}/api-keys (create)', () => {
  test('defaults: 201 {apiKey, key}, every tenant permission, 1000/h, only the SHA-256 stored', async () => {
    const admin = await t.tenantWithKey();
    const res = await t.call('POST', keysUrl(admin.tenant.id), { key: admin.key, body: {} });
    assert.equal(res.statusCode, 201, res.body);
    const body = res.json();
    assert.deepEqual(Object.keys(body).sort(), ['apiKey', 'key']);
    const { apiKey, key } = body;
    assert.match(key, TENANT_KEY_RE);
    assert.equal(apiKey.prefix, key.slice(0, 'orgstack_sk_tnt_'.length + 8));
    assert.equal(apiKey.kind, 'tenant');
    assert.equal(apiKey.tenantId, admin.tenant.id);
    assert.equal(apiKey.name, null);
    assert.deepEqual(sorted(apiKey.permissions), sorted(TENANT_PERMISSIONS));
    assert.ok(!apiKey.permissions.includes('tenants:write'));
    assert.equal(apiKey.hourlyLimit, 1000);
    assert.equal(apiKey.expiresAt, null);
    assert.equal(apiKey.revokedAt, null);
    assert.equal(apiKey.lastUsedAt, null);
    assert.ok(Math.abs(Date.parse(apiKey.createdAt) - Date.now()) < 60_000);

    const row = await keyRow(apiKey.id);
    assert.equal(row.keyHash, sha256Hex(key));
    assert.match(row.keyHash, /^[0-9a-f]{64}$/);
    assert.equal(row.prefix, apiKey.prefix);
    assert.equal(row.permissions, null, 'a default key stores "all of its scope", not a copied list');
    assert.equal(row.hourlyLimit, 1000);
    assert.equal(row.createdByKind, 'tenant_key');
    assert.equal(row.createdById, admin.keyId);

    // The new key works.
    assert.equal(await status(key, `/api/v1/tenants/${admin.tenant.id}`), 200);

    // Neither the key nor its random part is anywhere in the database (audit, events, keys…).
    assert.deepEqual(await tablesContaining(key.slice('orgstack_sk_tnt_'.length)), []);
    // …while the scan does find what is stored (so it can fail).
    assert.ok((await tablesContaining(row.keyHash)).includes('api_keys'));
  });

  test('explicit permissions, limit, name and expiry are kept exactly', async () => {
    const admin = await t.tenantWithKey();
    const expiresAt = new Date(Date.now() + 7 * 86400_000).toISOString();
    const res = await t.call('POST', keysUrl(admin.tenant.id), {
      key: admin.key,
      body: { name: 'CRM sync', permissions: ['shops:read', 'employees:read', 'shops:read'], hourlyLimit: 250, expiresAt },
    });
    assert.equal(res.statusCode, 201, res.body);
    const { apiKey, key } = res.json();
    assert.equal(apiKey.name, 'CRM sync');
    assert.deepEqual(apiKey.permissions, ['employees:read', 'shops:read']);
    assert.equal(apiKey.hourlyLimit, 250);
    assert.equal(apiKey.expiresAt, expiresAt);
    const row = await keyRow(apiKey.id);
    assert.deepEqual(row.permissions, ['employees:read', 'shops:read']);
    assert.equal(row.hourlyLimit, 250);
    assert.equal(row.expiresAt?.toISOString(), expiresAt);
    assert.equal(row.name, 'CRM sync');

    // It does what it holds and nothing more.
    assert.equal(await status(key, `/api/v1/tenants/${admin.tenant.id}`), 403);
    const list = await t.call('GET', keysUrl(admin.tenant.id), { key });
    assertError(list, 403, 'forbidden');
    // The limit is its own bucket's limit.
    const shops = await t.call('GET', `/api/v1/tenants/${admin.tenant.id}`, { key: admin.key });
    assert.equal(shops.headers['x-ratelimit-limit'], '1000');
  });

  test('a default key minted by a narrower minter gets only what the minter holds', async () => {
    const minter = await t.tenantWithKey({ permissions: ['keys:write', 'keys:read', 'shops:read'], hourlyLimit: 300 });
    const res = await t.call('POST', keysUrl(minter.tenant.id), { key: minter.key, body: {} });
    assert.equal(res.statusCode, 201, res.body);
    const { apiKey } = res.json();
    assert.deepEqual(sorted(apiKey.permissions), ['keys:read', 'keys:write', 'shops:read']);
    assert.equal(apiKey.hourlyLimit, 300);
  });

  test('a permission the minter lacks → 400 fieldErrors.permissions, nothing created', async () => {
    const minter = await t.tenantWithKey({ permissions: ['keys:write', 'shops:read'] });
    const before = await keyCount(minter.tenant.id);
    const res = await t.call('POST', keysUrl(minter.tenant.id), { key: minter.key, body: { permissions: ['shops:read', 'feedback:write'] } });
    assertError(res, 400, 'validation_failed');
    const fe = res.json().fieldErrors;
    assert.deepEqual(Object.keys(fe), ['permissions']);
    assert.match(fe.permissions.join(' '), /feedback:write/);
    assert.equal(res.json().key, undefined);
    assert.equal(await keyCount(minter.tenant.id), before);
  });

  test('tenants:write on a tenant key → 400, even when a platform key asks', async () => {
    const tenant = await t.createTenant();
    const platform = await t.platformKey();
    const res = await t.call('POST', keysUrl(tenant.id), { key: platform, body: { permissions: ['tenants:read', 'tenants:write'] } });
    assertError(res, 400, 'validation_failed');
    assert.match(res.json().fieldErrors.permissions.join(' '), /tenants:write/);
    assert.equal(await keyCount(tenant.id), 0);
  });

  test('an unknown permission → 400 naming it', async () => {
    const admin = await t.tenantWithKey();
    const res = await t.call('POST', keysUrl(admin.tenant.id), { key: admin.key, body: { permissions: ['shops:read', 'shops:admin'] } });
    assertError(res, 400, 'validation_failed');
    assert.match(res.json().fieldErrors.permissions.join(' '), /shops:admin/);
    assert.equal(await keyCount(admin.tenant.id), 1);
  });

  test('hourlyLimit above the minter’s own → 400 fieldErrors.hourlyLimit; equal is fine', async () => {
    const minter = await t.tenantWithKey({ hourlyLimit: 200 });
    const over = await t.call('POST', keysUrl(minter.tenant.id), { key: minter.key, body: { hourlyLimit: 201 } });
    assertError(over, 400, 'validation_failed');
    assert.deepEqual(Object.keys(over.json().fieldErrors), ['hourlyLimit']);
    const zero = await t.call('POST', keysUrl(minter.tenant.id), { key: minter.key, body: { hourlyLimit: 0 } });
    assertError(zero, 400, 'validation_failed');
    assert.ok(zero.json().fieldErrors.hourlyLimit);
    assert.equal(await keyCount(minter.tenant.id), 1);
    const equal = await t.call('POST', keysUrl(minter.tenant.id), { key: minter.key, body: { hourlyLimit: 200 } });
    assert.equal(equal.statusCode, 201, equal.body);
  });

  test('expiresAt in the past (or not a date) → 400 fieldErrors.expiresAt', async () => {
    const admin = await t.tenantWithKey();
    for (const expiresAt of [new Date(Date.now() - 1000).toISOString(), 'next tuesday']) {
      const res = await t.call('POST', keysUrl(admin.tenant.id), { key: admin.key, body: { expiresAt } });
      assertError(res, 400, 'validation_failed');
      assert.deepEqual(Object.keys(res.json().fieldErrors), ['expiresAt']);
    }
    assert.equal(await keyCount(admin.tenant.id), 1);
  });

  test('a key with only keys:read cannot create (403); no key → 401', async () => {
    const reader = await t.tenantWithKey({ permissions: ['keys:read'] });
    const res = await t.call('POST', keysUrl(reader.tenant.id), { key: reader.key, body: {} });
    assertError(res, 403, 'forbidden');
    assert.match(res.json().error, /keys:write/);
    assertError(await t.call('POST', keysUrl(reader.tenant.id), { body: {} }), 401, 'unauthorized');
    assert.equal(await keyCount(reader.tenant.id), 1);
  });

  test("a tenant key on another tenant's path → 403", async () => {
    const a = await t.tenantWithKey();
    const b = await t.tenantWithKey();
    assertError(await t.call('POST', keysUrl(b.tenant.id), { key: a.key, body: {} }), 403, 'forbidden');
    assertError(await t.call('GET', keysUrl(b.tenant.id), { key: a.key }), 403, 'forbidden');
    assert.equal(await keyCount(b.tenant.id), 1);
  });

  test('at most 100 active keys per tenant (409); revoked and expired keys do not count', async () => {
    assert.equal(MAX_ACTIVE_KEYS_PER_TENANT, 100);
    const admin = await t.tenantWithKey();
    const tenantId = admin.tenant.id;
    const ids: string[] = [];
    for (let i = 1; i < 100; i++) ids.push((await mintKey(t.rt.db, { kind: 'tenant', tenantId, name: `k${i}` }, null)).apiKey.id);
    assert.equal(await keyCount(tenantId, true), 100);

    const full = await t.call('POST', keysUrl(tenantId), { key: admin.key, body: { name: 'one too many' } });
    assertError(full, 409, 'conflict');
    assert.match(full.json().error, /100/);
    assert.equal(await keyCount(tenantId, true), 100);
    assert.equal(await keyCount(tenantId), 100);

    // Revoke one: a slot frees up, once.
    assert.equal((await t.call('DELETE', `${keysUrl(tenantId)}/${ids[0]}`, { key: admin.key })).statusCode, 204);
    assert.equal((await t.call('POST', keysUrl(tenantId), { key: admin.key, body: { name: 'replacement' } })).statusCode, 201);
    assertError(await t.call('POST', keysUrl(tenantId), { key: admin.key, body: {} }), 409, 'conflict');

    // An expired key frees its slot too.
    await t.rt.db.update(apiKeys).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(apiKeys.id, ids[1]));
    assert.equal((await t.call('POST', keysUrl(tenantId), { key: admin.key, body: {} })).statusCode, 201);
    assertError(await t.call('POST', keysUrl(tenantId), { key: admin.key, body: {} }), 409, 'conflict');
    assert.equal(await keyCount(tenantId, true), 100);
    assert.equal(await keyCount(tenantId), 102);
  });

  test('a platform key creates a tenant key for any tenant (201); a missing tenant → 404', async () => {
    const tenant = await t.createTenant();
    const platform = await t.platformKey();
    const res = await t.call('POST', keysUrl(tenant.id), { key: platform, body: { name: 'provisioning' } });
    assert.equal(res.statusCode, 201, res.body);
    const { apiKey, key } = res.json();
    assert.match(key, TENANT_KEY_RE);
    assert.equal(apiKey.tenantId, tenant.id);
    assert.equal(apiKey.kind, 'tenant');
    assert.equal(apiKey.hourlyLimit, 1000, 'the tenant default, not the platform key’s 5000');
    assert.deepEqual(sorted(apiKey.permissions), sorted(TENANT_PERMISSIONS));
    assert.equal((await keyRow(apiKey.id)).createdByKind, 'platform_key');
    assert.equal(await status(key, `/api/v1/tenants/${tenant.id}`), 200);

    const missing = await t.call('POST', keysUrl('00000000-0000-7000-8000-000000000000'), { key: platform, body: {} });
    assertError(missing, 404, 'not_found');
    const [{ n }] = await t.rt.db.select({ n: count() }).from(apiKeys).where(eq(apiKeys.tenantId, '00000000-0000-7000-8000-000000000000'));
    assert.equal(n, 0);
  });
});

describe('GET /tenants/{tenantId}/api-keys (list)', () => {
  test('newest first, paginated, revokedAt shown, never a secret', async () => {
    const admin = await t.tenantWithKey({ name: 'List Co' });
    const tenantId = admin.tenant.id;
    const created: { id: string; key: string }[] = [];
    for (const name of ['first', 'second', 'third']) {
      const res = await t.call('POST', keysUrl(tenantId), { key: admin.key, body: { name } });
      assert.equal(res.statusCode, 201, res.body);
      created.push({ id: res.json().apiKey.id, key: res.json().key });
    }
    assert.equal((await t.call('DELETE', `${keysUrl(tenantId)}/${created[1].id}`, { key: admin.key })).statusCode, 204);
    const other = await t.tenantWithKey();

    const reader = (await mintKey(t.rt.db, { kind: 'tenant', tenantId, permissions: ['keys:read'], name: 'reader' }, null)).key;
    const res = await t.call('GET', keysUrl(tenantId), { key: reader });
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json();
    assert.deepEqual(Object.keys(body).sort(), ['apiKeys', 'pagination', 'total']);
    assert.equal(body.total, 5);
    assert.deepEqual(body.pagination, { limit: 100, offset: 0, has_more: false });
    assert.deepEqual(
      body.apiKeys.map((k: { name: string | null }) => k.name),
      ['reader', 'third', 'second', 'first', null],
    );
    assert.ok(!body.apiKeys.some((k: { tenantId: string }) => k.tenantId !== tenantId), 'only this tenant’s keys');
    assert.ok(!body.apiKeys.some((k: { id: string }) => k.id === other.keyId));
    for (const k of body.apiKeys) {
      assert.equal('key' in k, false);
      assert.equal('keyHash' in k, false);
      assert.match(k.prefix, /^orgstack_sk_tnt_[A-Za-z0-9]{8}$/);
    }
    for (const secret of [admin.key, reader, ...created.map((c) => c.key)]) {
      assert.ok(!res.body.includes(secret.slice('orgstack_sk_tnt_'.length)), 'no secret in the list');
    }
    const revoked = body.apiKeys.find((k: { id: string }) => k.id === created[1].id);
    assert.ok(Math.abs(Date.parse(revoked.revokedAt) - Date.now()) < 60_000);
    assert.equal(body.apiKeys.filter((k: { revokedAt: string | null }) => k.revokedAt !== null).length, 1);

    const page = await t.call('GET', `${keysUrl(tenantId)}?limit=2&offset=1`, { key: reader });
    assert.equal(page.statusCode, 200);
    assert.equal(page.json().total, 5);
    assert.deepEqual(page.json().pagination, { limit: 2, offset: 1, has_more: true });
    assert.deepEqual(page.json().apiKeys.map((k: { name: string }) => k.name), ['third', 'second']);
    const last = await t.call('GET', `${keysUrl(tenantId)}?limit=2&offset=4`, { key: reader });
    assert.deepEqual(last.json().pagination, { limit: 2, offset: 4, has_more: false });
    assert.equal(last.json().apiKeys.length, 1);

    const bad = await t.call('GET', `${keysUrl(tenantId)}?limit=501`, { key: reader });
    assertError(bad, 400, 'validation_failed');
    assert.ok(bad.json().fieldErrors.limit);
  });

  test('a platform key lists any tenant; a missing tenant → 404', async () => {
    const a = await t.tenantWithKey();
    const platform = await t.platformKey();
    const res = await t.call('GET', keysUrl(a.tenant.id), { key: platform });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json().apiKeys.map((k: { id: string }) => k.id), [a.keyId]);
    assertError(await t.call('GET', keysUrl('00000000-0000-7000-8000-000000000000'), { key: platform }), 404, 'not_found');
  });
});

describe('DELETE /tenants/{tenantId}/api-keys/{keyId} (revoke)', () => {
  test('204 with an empty body; the key is refused at once on this node; revoking again → 204', async () => {
    const admin = await t.tenantWithKey();
    const victim = await t.call('POST', keysUrl(admin.tenant.id), { key: admin.key, body: { name: 'victim' } });
    const { apiKey, key } = victim.json();
    // Used first, so it sits in the credential cache.
    assert.equal(await status(key), 200);
    assert.equal(await status(key), 200);

    const res = await t.call('DELETE', `${keysUrl(admin.tenant.id)}/${apiKey.id}`, { key: admin.key });
    assert.equal(res.statusCode, 204);
    assert.equal(res.body, '');
    assert.equal(res.headers['content-type'], undefined);
    assert.match(String(res.headers['x-request-id']), /^req_/);

    assertError(await t.call('GET', '/api/v1/tenants', { key }), 401, 'unauthorized');
    const row = await keyRow(apiKey.id);
    assert.ok(row.revokedAt);
    const revokedAt = row.revokedAt.toISOString();

    const again = await t.call('DELETE', `${keysUrl(admin.tenant.id)}/${apiKey.id}`, { key: admin.key });
    assert.equal(again.statusCode, 204);
    assert.equal(again.body, '');
    assert.equal((await keyRow(apiKey.id)).revokedAt?.toISOString(), revokedAt, 'the first revocation time is kept');
    assert.equal(await status(admin.key), 200, 'the revoking key still works');
  });

  test('a key of another tenant, a missing id and a malformed id all → the same 404', async () => {
    const a = await t.tenantWithKey();
    const b = await t.tenantWithKey();
    const url = keysUrl(a.tenant.id);
    const foreign = await t.call('DELETE', `${url}/${b.keyId}`, { key: a.key });
    const missing = await t.call('DELETE', `${url}/00000000-0000-7000-8000-000000000000`, { key: a.key });
    const malformed = await t.call('DELETE', `${url}/not-a-key-id`, { key: a.key });
    for (const res of [foreign, missing, malformed]) assertError(res, 404, 'not_found');
    const strip = (res: Res) => {
      const { requestId: _, ...rest } = res.json();
      return rest;
    };
    assert.deepEqual(strip(foreign), strip(missing));
    assert.deepEqual(strip(malformed), strip(missing));
    assert.equal(foreign.body.length - foreign.json().requestId.length, missing.body.length - missing.json().requestId.length);
    assert.equal(foreign.headers['content-type'], missing.headers['content-type']);
    // Also for a platform key acting on a's path, and for roll.
    const platform = await t.platformKey();
    assertError(await t.call('DELETE', `${url}/${b.keyId}`, { key: platform }), 404, 'not_found');
    const roll = await t.call('POST', `${url}/${b.keyId}/roll`, { key: a.key, body: {} });
    assertError(roll, 404, 'not_found');
    assert.deepEqual(strip(roll), strip(missing));

    assert.equal((await keyRow(b.keyId)).revokedAt, null, "b's key is untouched");
    assert.equal(await status(b.key), 200);
  });

  test('a key with keys:read only cannot revoke (403)', async () => {
    const admin = await t.tenantWithKey();
    const reader = (await mintKey(t.rt.db, { kind: 'tenant', tenantId: admin.tenant.id, permissions: ['keys:read'] }, null)).key;
    assertError(await t.call('DELETE', `${keysUrl(admin.tenant.id)}/${admin.keyId}`, { key: reader }), 403, 'forbidden');
    assert.equal((await keyRow(admin.keyId)).revokedAt, null);
  });
});

describe('POST /tenants/{tenantId}/api-keys/{keyId}/roll', () => {
  test('overlapSeconds: 2 → 201 new key + previous; both work, then only the new one', async () => {
    const admin = await t.tenantWithKey();
    const created = await t.call('POST', keysUrl(admin.tenant.id), {
      key: admin.key,
      body: { name: 'rolling', permissions: ['tenants:read', 'shops:read'], hourlyLimit: 123 },
    });
    const old = created.json();
    assert.equal(await status(old.key), 200);

    const asked = Date.now();
    const res = await t.call('POST', `${keysUrl(admin.tenant.id)}/${old.apiKey.id}/roll`, { key: admin.key, body: { overlapSeconds: 2 } });
    assert.equal(res.statusCode, 201, res.body);
    const body = res.json();
    assert.deepEqual(Object.keys(body).sort(), ['apiKey', 'key', 'previous']);
    assert.match(body.key, TENANT_KEY_RE);
    assert.notEqual(body.key, old.key);
    assert.notEqual(body.apiKey.id, old.apiKey.id);
    assert.equal(body.apiKey.prefix, body.key.slice(0, 'orgstack_sk_tnt_'.length + 8));
    assert.equal(body.apiKey.name, 'rolling');
    assert.deepEqual(body.apiKey.permissions, ['shops:read', 'tenants:read']);
    assert.equal(body.apiKey.hourlyLimit, 123);
    assert.equal(body.apiKey.expiresAt, null);
    assert.equal(body.previous.id, old.apiKey.id);
    assert.equal(body.previous.revokedAt, null);
    const oldExpires = Date.parse(body.previous.expiresAt);
    assert.ok(oldExpires >= asked + 2000 - 50 && oldExpires <= Date.now() + 2000 + 50, `expiresAt ≈ now + 2 s, got ${body.previous.expiresAt}`);

    const newRow = await keyRow(body.apiKey.id);
    assert.equal(newRow.rolledFromId, old.apiKey.id);
    assert.equal(newRow.keyHash, sha256Hex(body.key));
    assert.equal((await keyRow(old.apiKey.id)).expiresAt?.toISOString(), body.previous.expiresAt);

    assert.equal(await status(old.key), 200, 'the old key works during the overlap');
    assert.equal(await status(body.key), 200);

    await sleep(Math.max(0, oldExpires - Date.now()) + 200);
    assertError(await t.call('GET', '/api/v1/tenants', { key: old.key }), 401, 'unauthorized');
    assert.equal(await status(body.key), 200);
  });

  test('default overlap is 24 h, with or without a body', async () => {
    const admin = await t.tenantWithKey();
    for (const body of [undefined, {}]) {
      const k = (await t.call('POST', keysUrl(admin.tenant.id), { key: admin.key, body: {} })).json();
      const res = await t.call('POST', `${keysUrl(admin.tenant.id)}/${k.apiKey.id}/roll`, { key: admin.key, body });
      assert.equal(res.statusCode, 201, res.body);
      const expires = Date.parse(res.json().previous.expiresAt);
      assert.ok(Math.abs(expires - (Date.now() + 86_400_000)) < 60_000, `≈ now + 86400 s, got ${res.json().previous.expiresAt}`);
      assert.equal(await status(k.key), 200);
    }
  });

  test('overlap never extends an earlier expiry; bad overlap → 400', async () => {
    const admin = await t.tenantWithKey();
    const soon = new Date(Date.now() + 3600_000).toISOString();
    const k = (await t.call('POST', keysUrl(admin.tenant.id), { key: admin.key, body: { expiresAt: soon } })).json();
    const res = await t.call('POST', `${keysUrl(admin.tenant.id)}/${k.apiKey.id}/roll`, { key: admin.key, body: {} });
    assert.equal(res.statusCode, 201, res.body);
    assert.equal(res.json().previous.expiresAt, soon);
    assert.equal(res.json().apiKey.expiresAt, soon, 'the new key keeps the expiry');

    for (const overlapSeconds of [-1, 30 * 86400 + 1, 'long']) {
      const bad = await t.call('POST', `${keysUrl(admin.tenant.id)}/${admin.keyId}/roll`, { key: admin.key, body: { overlapSeconds } });
      assertError(bad, 400, 'validation_failed');
      assert.ok(bad.json().fieldErrors.overlapSeconds, bad.body);
    }
    assert.equal((await keyRow(admin.keyId)).expiresAt, null, 'nothing changed');
  });

  test('rolling a revoked key → 409', async () => {
    const admin = await t.tenantWithKey();
    const k = (await t.call('POST', keysUrl(admin.tenant.id), { key: admin.key, body: {} })).json();
    assert.equal((await t.call('DELETE', `${keysUrl(admin.tenant.id)}/${k.apiKey.id}`, { key: admin.key })).statusCode, 204);
    const before = await keyCount(admin.tenant.id);
    const res = await t.call('POST', `${keysUrl(admin.tenant.id)}/${k.apiKey.id}/roll`, { key: admin.key, body: {} });
    assertError(res, 409, 'conflict');
    assert.equal(await keyCount(admin.tenant.id), before);
  });

  test('rolling cannot hand out a key that holds more than the caller', async () => {
    const admin = await t.tenantWithKey();
    const narrow = (await mintKey(t.rt.db, { kind: 'tenant', tenantId: admin.tenant.id, permissions: ['keys:write'] }, null)).key;
    const before = await keyCount(admin.tenant.id);
    const res = await t.call('POST', `${keysUrl(admin.tenant.id)}/${admin.keyId}/roll`, { key: narrow, body: {} });
    assertError(res, 403, 'forbidden');
    assert.equal(res.json().key, undefined);
    assert.equal(await keyCount(admin.tenant.id), before);
    assert.equal((await keyRow(admin.keyId)).expiresAt, null, 'the old key is untouched');

    const lowLimit = (await mintKey(t.rt.db, { kind: 'tenant', tenantId: admin.tenant.id, hourlyLimit: 10 }, null)).key;
    assertError(await t.call('POST', `${keysUrl(admin.tenant.id)}/${admin.keyId}/roll`, { key: lowLimit, body: {} }), 403, 'forbidden');

    // A caller holding at least as much may roll it.
    const ok = await t.call('POST', `${keysUrl(admin.tenant.id)}/${admin.keyId}/roll`, { key: admin.key, body: {} });
    assert.equal(ok.statusCode, 201, ok.body);
  });
});
