// Personal keys over HTTP (/api/v1/auth/keys): a signed-in person lists, creates and revokes
// their own `oxk_` keys; never another user's, never beyond their role, never without a session.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { eq } from 'drizzle-orm';
import { apiKeys } from '../../src/platform/tables.ts';
import { TENANT_PERMISSIONS } from '../../src/platform/permissions.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { assertError } from '../helpers/assertions.ts';
import { callAs, signIn, type Browser } from '../helpers/sessions.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.close());

async function person(role = 'owner', tenantId?: string): Promise<{ b: Browser; id: string; tenantId: string }> {
  const tid = tenantId ?? (await t.createTenant()).id;
  const u = await t.createUser({ tenantId: tid, role });
  return { b: await signIn(t, u.username), id: u.id, tenantId: tid };
}

const create = (b: Browser, body: unknown = { name: 'laptop' }) => callAs(t, 'POST', '/api/v1/auth/keys', { browser: b, body });

describe('personal keys', () => {
  test('create → the oxk_ key once, it works on /api/client/live/initiatives, and the list shows it', async () => {
    const { b, id, tenantId } = await person('owner');
    const res = await create(b, { name: 'agent laptop', permissions: ['initiatives:read'] });
    assert.equal(res.statusCode, 201, res.body);
    const body = res.json();
    assert.match(body.key, /^oxk_/);
    assert.equal(body.apiKey.kind, 'user');
    assert.equal(body.apiKey.tenantId, tenantId);
    assert.equal(body.apiKey.name, 'agent laptop');
    assert.deepEqual(body.apiKey.permissions, ['initiatives:read']);
    assert.equal(body.apiKey.hourlyLimit, 1000);
    const [row] = await t.rt.db.select().from(apiKeys).where(eq(apiKeys.id, body.apiKey.id));
    assert.equal(row.userId, id);
    assert.notEqual(row.keyHash, body.key);

    const live = await t.call('GET', '/api/client/live/initiatives', { key: body.key });
    assert.equal(live.statusCode, 200, live.body);

    const list = await callAs(t, 'GET', '/api/v1/auth/keys', { browser: b });
    assert.equal(list.statusCode, 200, list.body);
    const l = list.json();
    assert.equal(l.total, 1);
    assert.equal(l.apiKeys[0].id, body.apiKey.id);
    assert.equal(l.apiKeys[0].prefix, body.apiKey.prefix);
    assert.equal(typeof l.apiKeys[0].requestsThisHour, 'number');
    assert.equal(JSON.stringify(l).includes(body.key), false, 'the list never shows the secret');
  });

  test('the list holds only my own user keys: not a colleague\'s, not the tenant\'s keys', async () => {
    const me = await person('owner');
    const colleague = await person('admin', me.tenantId);
    assert.equal((await create(colleague.b)).statusCode, 201);
    await t.userKey(colleague.id);
    const mine = (await create(me.b, { name: 'mine' })).json();
    const list = (await callAs(t, 'GET', '/api/v1/auth/keys', { browser: me.b })).json();
    assert.deepEqual(
      list.apiKeys.map((k: { id: string }) => k.id),
      [mine.apiKey.id],
    );
    assert.equal(list.total, 1);
  });

  test('revoke → 204, the key answers 401 and the list shows it revoked', async () => {
    const { b } = await person('member');
    const { key, apiKey } = (await create(b)).json();
    assert.equal((await t.call('GET', '/api/client/live/initiatives', { key })).statusCode, 200);
    const del = await callAs(t, 'DELETE', `/api/v1/auth/keys/${apiKey.id}`, { browser: b });
    assert.equal(del.statusCode, 204, del.body);
    const refused = await t.call('GET', '/api/client/live/initiatives', { key });
    assert.equal(refused.statusCode, 401, refused.body);
    const [row] = await t.rt.db.select().from(apiKeys).where(eq(apiKeys.id, apiKey.id));
    assert.ok(row.revokedAt);
    const list = (await callAs(t, 'GET', '/api/v1/auth/keys', { browser: b })).json();
    assert.ok(list.apiKeys[0].revokedAt);
  });

  test("another user's key id → 404 and the key keeps working", async () => {
    const me = await person('owner');
    const other = await person('owner', me.tenantId);
    const theirs = (await create(other.b)).json();
    assertError(await callAs(t, 'DELETE', `/api/v1/auth/keys/${theirs.apiKey.id}`, { browser: me.b }), 404, 'not_found');
    const [row] = await t.rt.db.select().from(apiKeys).where(eq(apiKeys.id, theirs.apiKey.id));
    assert.equal(row.revokedAt, null);
    assert.equal((await t.call('GET', '/api/client/live/initiatives', { key: theirs.key })).statusCode, 200);
  });

  test('a tenant key id or a malformed id → 404', async () => {
    const me = await person('owner');
    const { tenant, keyId } = await t.tenantWithKey();
    assert.ok(tenant);
    assertError(await callAs(t, 'DELETE', `/api/v1/auth/keys/${keyId}`, { browser: me.b }), 404, 'not_found');
    const [row] = await t.rt.db.select().from(apiKeys).where(eq(apiKeys.id, keyId));
    assert.equal(row.revokedAt, null);
    const bad = await callAs(t, 'DELETE', '/api/v1/auth/keys/not-a-uuid', { browser: me.b });
    assert.ok([400, 404].includes(bad.statusCode), bad.body);
  });

  test('writes without the CSRF token → 403 csrf_failed and nothing changes', async () => {
    const { b, id } = await person('owner');
    assertError(await callAs(t, 'POST', '/api/v1/auth/keys', { browser: b, csrf: false, body: { name: 'x' } }), 403, 'csrf_failed');
    assert.equal((await t.rt.db.select().from(apiKeys).where(eq(apiKeys.userId, id))).length, 0);
    const { apiKey } = (await create(b)).json();
    assertError(await callAs(t, 'DELETE', `/api/v1/auth/keys/${apiKey.id}`, { browser: b, csrf: false }), 403, 'csrf_failed');
    const [row] = await t.rt.db.select().from(apiKeys).where(eq(apiKeys.id, apiKey.id));
    assert.equal(row.revokedAt, null);
  });

  test('a member cannot grant a write permission (400) and by default gets only the reads', async () => {
    const { b, id } = await person('member');
    const res = await create(b, { permissions: ['initiatives:read', 'initiatives:write'] });
    assertError(res, 400, 'validation_failed');
    assert.ok(res.json().fieldErrors.permissions.some((m: string) => m.includes('initiatives:write')));
    assert.equal((await t.rt.db.select().from(apiKeys).where(eq(apiKeys.userId, id))).length, 0);
    const ok = (await create(b)).json();
    assert.deepEqual([...ok.apiKey.permissions].sort(), TENANT_PERMISSIONS.filter((p) => p.endsWith(':read')).sort());
  });

  test('an expiry in the past → 400; in the future is kept', async () => {
    const { b } = await person('owner');
    assertError(await create(b, { expiresAt: new Date(Date.now() - 60_000).toISOString() }), 400, 'validation_failed');
    const at = new Date(Date.now() + 86_400_000).toISOString();
    const ok = await create(b, { expiresAt: at });
    assert.equal(ok.statusCode, 201);
    assert.equal(ok.json().apiKey.expiresAt, at);
  });

  test('API keys (tenant or user) → 403; no credential → 401', async () => {
    const { key } = await t.tenantWithKey();
    assertError(await t.call('GET', '/api/v1/auth/keys', { key }), 403, 'forbidden');
    assertError(await t.call('POST', '/api/v1/auth/keys', { key, body: {} }), 403, 'forbidden');
    const me = await person('owner');
    const userKey = await t.userKey(me.id);
    assertError(await t.call('POST', '/api/v1/auth/keys', { key: userKey, body: {} }), 403, 'forbidden');
    assertError(await t.call('GET', '/api/v1/auth/keys'), 401, 'unauthorized');
  });
});
