// /api/v1/platform/*: the operator console's API — platform keys (list, create, revoke, roll),
// usage per credential per hour, the audit log across tenants — through HTTP with a platform key
// and with a superadmin's session, and refused to every tenant credential.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { eq } from 'drizzle-orm';
import { ALL_PERMISSIONS } from '../../src/platform/permissions.ts';
import { apiKeys } from '../../src/platform/tables.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { assertError } from '../helpers/assertions.ts';
import { callAs, signIn } from '../helpers/sessions.ts';

let t: TestApp;
let platformKey: string;
before(async () => {
  t = await startTestApp();
  platformKey = await t.platformKey();
});
after(() => t.close());

const KEYS = '/api/v1/platform/api-keys';

describe('platform keys', () => {
  test('create: every permission and 5000/h by default, the secret once; it works as a platform key', async () => {
    const res = await t.call('POST', KEYS, { key: platformKey, body: { name: 'Provisioning bot' } });
    assert.equal(res.statusCode, 201, res.body);
    const { apiKey, key } = res.json();
    assert.match(key, /^orgstack_sk_plat_/);
    assert.equal(apiKey.kind, 'platform');
    assert.equal(apiKey.tenantId, null);
    assert.equal(apiKey.hourlyLimit, 5000);
    assert.deepEqual([...apiKey.permissions].sort(), [...ALL_PERMISSIONS].sort());
    assert.equal((await t.call('GET', '/api/v1/tenants', { key })).statusCode, 200);
    const [row] = await t.rt.db.select().from(apiKeys).where(eq(apiKeys.id, apiKey.id));
    assert.equal(row.permissions, null, 'stored as "all of its scope"');
    assert.ok(!JSON.stringify(row).includes(key), 'the secret is not stored');
  });

  test('create with a list, a limit and an expiry; invalid fields are all reported at once and nothing is created', async () => {
    const ok = await t.call('POST', KEYS, {
      key: platformKey,
      body: { name: 'Reader', permissions: ['tenants:read'], hourlyLimit: 50, expiresAt: new Date(Date.now() + 86_400_000).toISOString() },
    });
    assert.equal(ok.statusCode, 201, ok.body);
    assert.deepEqual(ok.json().apiKey.permissions, ['tenants:read']);
    assert.equal(ok.json().apiKey.hourlyLimit, 50);

    const before = (await t.rt.db.select().from(apiKeys)).length;
    const bad = await t.call('POST', KEYS, { key: platformKey, body: { permissions: ['nope:read'], hourlyLimit: 999_999, expiresAt: '2001-01-01T00:00:00Z' } });
    const body = assertError(bad, 400, 'validation_failed');
    assert.deepEqual(Object.keys(body.fieldErrors).sort(), ['expiresAt', 'hourlyLimit', 'permissions']);
    assert.equal((await t.rt.db.select().from(apiKeys)).length, before);
  });

  test('list: platform keys only, newest first, paginated', async () => {
    const { tenant } = await t.tenantWithKey();
    const res = await t.call('GET', `${KEYS}?limit=2`, { key: platformKey });
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json();
    assert.equal(body.apiKeys.length, 2);
    assert.ok(body.apiKeys.every((k: { kind: string }) => k.kind === 'platform'));
    assert.ok(body.apiKeys[0].createdAt >= body.apiKeys[1].createdAt);
    assert.equal(body.pagination.has_more, true);
    const all = (await t.call('GET', `${KEYS}?limit=500`, { key: platformKey })).json();
    assert.ok(!all.apiKeys.some((k: { tenantId: string | null }) => k.tenantId === tenant.id));
    assertError(await t.call('GET', `${KEYS}?limit=0`, { key: platformKey }), 400, 'validation_failed');
  });

  test('revoke: 204, the key stops working, revoking again is a no-op; tenant keys and unknown ids are 404 here', async () => {
    const { apiKey, key } = (await t.call('POST', KEYS, { key: platformKey, body: { name: 'Short-lived' } })).json();
    assert.equal((await t.call('DELETE', `${KEYS}/${apiKey.id}`, { key: platformKey })).statusCode, 204);
    assertError(await t.call('GET', '/api/v1/tenants', { key }), 401, 'unauthorized');
    assert.equal((await t.call('DELETE', `${KEYS}/${apiKey.id}`, { key: platformKey })).statusCode, 204);

    const { keyId: tenantKeyId, key: tenantKey } = await t.tenantWithKey();
    assertError(await t.call('DELETE', `${KEYS}/${tenantKeyId}`, { key: platformKey }), 404, 'not_found');
    assert.equal((await t.call('GET', '/api/v1/tenants', { key: tenantKey })).statusCode, 200, 'the tenant key is untouched');
    assertError(await t.call('DELETE', `${KEYS}/0193b5d2-7c1a-7a3e-9f4e-2b1c3d4e5f60`, { key: platformKey }), 404, 'not_found');
    assertError(await t.call('DELETE', `${KEYS}/not-a-uuid`, { key: platformKey }), 404, 'not_found');
  });

  test('roll: a new key with the same settings, the old one keeps working for the overlap; a revoked key → 409', async () => {
    const { apiKey, key } = (await t.call('POST', KEYS, { key: platformKey, body: { name: 'Rolling', hourlyLimit: 70 } })).json();
    const res = await t.call('POST', `${KEYS}/${apiKey.id}/roll`, { key: platformKey, body: { overlapSeconds: 600 } });
    assert.equal(res.statusCode, 201, res.body);
    const rolled = res.json();
    assert.notEqual(rolled.key, key);
    assert.equal(rolled.apiKey.hourlyLimit, 70);
    assert.equal(rolled.apiKey.name, 'Rolling');
    assert.ok(rolled.previous.expiresAt);
    assert.equal((await t.call('GET', '/api/v1/tenants', { key })).statusCode, 200);
    assert.equal((await t.call('GET', '/api/v1/tenants', { key: rolled.key })).statusCode, 200);

    await t.call('DELETE', `${KEYS}/${rolled.apiKey.id}`, { key: platformKey });
    assertError(await t.call('POST', `${KEYS}/${rolled.apiKey.id}/roll`, { key: platformKey }), 409, 'conflict');
  });

  test('a superadmin session manages platform keys like a platform key (CSRF required on writes)', async () => {
    const { username } = await t.createUser({ tenantId: null, role: 'superadmin' });
    const browser = await signIn(t, username);
    const created = await callAs(t, 'POST', KEYS, { browser, body: { name: 'From the console' } });
    assert.equal(created.statusCode, 201, created.body);
    const list = await callAs(t, 'GET', KEYS, { browser });
    assert.ok(list.json().apiKeys.some((k: { name: string }) => k.name === 'From the console'));
    assertError(await callAs(t, 'POST', KEYS, { browser, csrf: false, body: { name: 'No CSRF' } }), 403, 'csrf_failed');
  });
});

describe('tenant credentials are refused', () => {
  test('a tenant key holding keys:* and audit:read → 403 on every platform route; no key → 401', async () => {
    const { key, keyId } = await t.tenantWithKey();
    for (const [method, url] of [
      ['GET', KEYS],
      ['POST', KEYS],
      ['DELETE', `${KEYS}/${keyId}`],
      ['POST', `${KEYS}/${keyId}/roll`],
      ['GET', '/api/v1/platform/usage'],
      ['GET', '/api/v1/platform/audit'],
    ] as const) {
      const res = await t.call(method, url, { key, ...(method === 'POST' ? { body: {} } : {}) });
      assertError(res, 403, 'forbidden');
      assertError(await t.call(method, url, method === 'POST' ? { body: {} } : {}), 401, 'unauthorized');
    }
    const [row] = await t.rt.db.select().from(apiKeys).where(eq(apiKeys.id, keyId));
    assert.equal(row.revokedAt, null, 'nothing changed');
  });

  test("an owner's session → 403", async () => {
    const tenant = await t.createTenant();
    const { username } = await t.createUser({ tenantId: tenant.id, role: 'owner' });
    const browser = await signIn(t, username);
    assertError(await callAs(t, 'GET', KEYS, { browser }), 403, 'forbidden');
    assertError(await callAs(t, 'POST', KEYS, { browser, body: { name: 'Escalate' } }), 403, 'forbidden');
  });
});

describe('usage and audit', () => {
  test('usage: requests per credential per hour, with the key and tenant named; filter by tenant', async () => {
    const { tenant, key, keyId } = await t.tenantWithKey({ name: 'Usage Dental' });
    for (let i = 0; i < 3; i++) assert.equal((await t.call('GET', `/api/v1/tenants/${tenant.id}`, { key })).statusCode, 200);
    await t.rt.flush();
    const res = await t.call('GET', `/api/v1/platform/usage?tenantId=${tenant.id}`, { key: platformKey });
    assert.equal(res.statusCode, 200, res.body);
    const rows = res.json().usage;
    assert.equal(rows.length, 1);
    assert.equal(rows[0].credentialId, keyId);
    assert.equal(rows[0].kind, 'tenant');
    assert.equal(rows[0].tenantName, 'Usage Dental');
    assert.equal(rows[0].requests, 3);
    assert.equal(rows[0].hourlyLimit, 1000);
    assert.equal(new Date(rows[0].windowStart).getUTCMinutes(), 0);

    const all = (await t.call('GET', '/api/v1/platform/usage?hours=48', { key: platformKey })).json().usage;
    assert.ok(all.some((r: { kind: string }) => r.kind === 'platform'));
    assertError(await t.call('GET', '/api/v1/platform/usage?hours=0', { key: platformKey }), 400, 'validation_failed');
    assertError(await t.call('GET', '/api/v1/platform/usage?tenantId=nope', { key: platformKey }), 400, 'validation_failed');
    assertError(await t.call('GET', '/api/v1/platform/usage?extra=1', { key: platformKey }), 400, 'validation_failed');
  });

  test('audit across tenants: newest first, filters by tenant and status', async () => {
    const a = await t.tenantWithKey();
    const b = await t.tenantWithKey();
    await t.call('GET', `/api/v1/tenants/${a.tenant.id}`, { key: a.key });
    await t.call('GET', `/api/v1/tenants/${b.tenant.id}/shops/not-a-uuid`, { key: b.key });
    await t.rt.flush();
    const all = (await t.call('GET', '/api/v1/platform/audit?limit=500', { key: platformKey })).json();
    const tenantsSeen = new Set(all.audit.map((r: { tenantId: string }) => r.tenantId));
    assert.ok(tenantsSeen.has(a.tenant.id) && tenantsSeen.has(b.tenant.id));
    assert.ok(all.audit[0].at >= all.audit[all.audit.length - 1].at);

    const onlyB = (await t.call('GET', `/api/v1/platform/audit?tenantId=${b.tenant.id}&status=404`, { key: platformKey })).json();
    assert.ok(onlyB.audit.length >= 1);
    assert.ok(onlyB.audit.every((r: { tenantId: string; status: number }) => r.tenantId === b.tenant.id && r.status === 404));
    assertError(await t.call('GET', '/api/v1/platform/audit?status=99', { key: platformKey }), 400, 'validation_failed');
  });
});
