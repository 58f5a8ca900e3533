import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { eq } from 'drizzle-orm';
import { tenants, users } from '../../src/platform/tables.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { assertError } from '../helpers/assertions.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.close());

describe('authentication', () => {
  test('no Authorization header → 401 unauthorized', async () => {
    const res = await t.call('GET', '/api/v1/tenants');
    assertError(res, 401, 'unauthorized');
    assert.equal(res.headers['x-ratelimit-limit'], undefined);
  });

  test('garbled, wrong-prefix and unknown keys → 401', async () => {
    for (const header of ['Bearer', 'Basic abc', 'Bearer not-a-key', 'Bearer sk_live_abcdefghijklmnopqrstuvwxyz', 'Bearer orgstack_sk_tnt_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA']) {
      const res = await t.call('GET', '/api/v1/tenants', { headers: { authorization: header } });
      assertError(res, 401, 'unauthorized');
    }
  });

  test('a valid tenant key answers with its own tenant only', async () => {
    const a = await t.tenantWithKey();
    await t.tenantWithKey();
    const res = await t.call('GET', '/api/v1/tenants', { key: a.key });
    assert.equal(res.statusCode, 200);
    const body = res.json();
    assert.deepEqual(body.tenants.map((x: { id: string }) => x.id), [a.tenant.id]);
    assert.equal(body.total, 1);
    assert.deepEqual(body.pagination, { limit: 100, offset: 0, has_more: false });
  });

  test('the Tenant schema has exactly the contract fields plus plan, trialEndsAt, status', async () => {
    const a = await t.tenantWithKey({ name: 'Bright Smile' });
    const res = await t.call('GET', `/api/v1/tenants/${a.tenant.id}`, { key: a.key });
    assert.equal(res.statusCode, 200);
    const { tenant } = res.json();
    assert.deepEqual(Object.keys(tenant).sort(), [
      'brandAccentColor', 'brandPrimaryColor', 'createdAt', 'googleMapsUrl', 'googlePlaceCid', 'id', 'logoUrl', 'name',
      'plan', 'slug', 'status', 'trialEndsAt', 'vertical', 'websiteUrl', 'xhsHandle',
    ]);
    assert.equal(tenant.name, 'Bright Smile');
    assert.match(tenant.brandPrimaryColor, /^#[0-9a-f]{6}$/);
  });

  test('platform keys list every tenant, paginated', async () => {
    const key = await t.platformKey();
    const res = await t.call('GET', '/api/v1/tenants?limit=2&offset=0', { key });
    assert.equal(res.statusCode, 200);
    const body = res.json();
    assert.equal(body.tenants.length, 2);
    assert.ok(body.total >= 3);
    assert.equal(body.pagination.has_more, true);
    const bad = await t.call('GET', '/api/v1/tenants?limit=0&offset=-1', { key });
    assertError(bad, 400, 'validation_failed');
    assert.deepEqual(Object.keys(bad.json().fieldErrors).sort(), ['limit', 'offset']);
  });

  test('a tenant key on another tenant → 403; a malformed or unknown id → 404', async () => {
    const a = await t.tenantWithKey();
    const b = await t.tenantWithKey();
    assertError(await t.call('GET', `/api/v1/tenants/${b.tenant.id}`, { key: a.key }), 403, 'forbidden');
    assertError(await t.call('GET', '/api/v1/tenants/not-a-uuid', { key: a.key }), 404, 'not_found');
    const platform = await t.platformKey();
    const missing = await t.call('GET', '/api/v1/tenants/00000000-0000-7000-8000-000000000000', { key: platform });
    assertError(missing, 404, 'not_found');
    assertError(await t.call('GET', '/api/v1/tenants/zzz', { key: platform }), 404, 'not_found');
  });

  test('a key without the permission → 403 naming it', async () => {
    const a = await t.tenantWithKey({ permissions: ['shops:read'] });
    const res = await t.call('GET', `/api/v1/tenants/${a.tenant.id}`, { key: a.key });
    assertError(res, 403, 'forbidden');
    assert.match(res.json().error, /tenants:read/);
  });

  test("a suspended tenant's keys → 403 tenant_suspended", async () => {
    const a = await t.tenantWithKey();
    await t.rt.db.update(tenants).set({ status: 'suspended' }).where(eq(tenants.id, a.tenant.id));
    await t.rt.credentials.invalidateAll();
    assertError(await t.call('GET', `/api/v1/tenants/${a.tenant.id}`, { key: a.key }), 403, 'tenant_suspended');
  });

  test('an expired key → 401', async () => {
    const a = await t.tenantWithKey();
    const res = await t.call('POST', `/api/v1/tenants/${a.tenant.id}/api-keys`, {
      key: a.key,
      body: { name: 'short', expiresAt: new Date(Date.now() + 1500).toISOString() },
    });
    assert.equal(res.statusCode, 201);
    const short = res.json().key;
    assert.equal((await t.call('GET', '/api/v1/tenants', { key: short })).statusCode, 200);
    await new Promise((r) => setTimeout(r, 1600));
    assertError(await t.call('GET', '/api/v1/tenants', { key: short }), 401, 'unauthorized');
  });

  test('an oxk_ user key follows its user role and loses access at once when demoted or deleted', async () => {
    const tenant = await t.createTenant();
    const user = await t.createUser({ tenantId: tenant.id, role: 'admin' });
    const key = await t.userKey(user.id);
    assert.match(key, /^oxk_[A-Za-z0-9]{40}$/);
    assert.equal((await t.call('GET', `/api/v1/tenants/${tenant.id}/api-keys`, { key })).statusCode, 200);

    // Demotion to member: reads stay, keys:write goes.
    await t.rt.db.update(users).set({ role: 'member' }).where(eq(users.id, user.id));
    await t.rt.credentials.invalidateAll();
    assert.equal((await t.call('GET', `/api/v1/tenants/${tenant.id}/api-keys`, { key })).statusCode, 200);
    const write = await t.call('POST', `/api/v1/tenants/${tenant.id}/api-keys`, { key, body: {} });
    assertError(write, 403, 'forbidden');

    await t.rt.db.delete(users).where(eq(users.id, user.id));
    await t.rt.credentials.invalidateAll();
    assertError(await t.call('GET', `/api/v1/tenants/${tenant.id}`, { key }), 401, 'unauthorized');
  });
});

describe('errors', () => {
  test('unknown route → JSON 404', async () => {
    const res = await t.call('GET', '/api/v1/nope');
    assertError(res, 404, 'not_found');
  });

  test('malformed JSON → 400, wrong content type → 415, huge body → 413, unknown fields named', async () => {
    const a = await t.tenantWithKey();
    const url = `/api/v1/tenants/${a.tenant.id}/api-keys`;
    const auth = { authorization: `Bearer ${a.key}` };
    const malformed = await t.app.inject({ method: 'POST', url, headers: { ...auth, 'content-type': 'application/json' }, payload: '{"name":' });
    assertError(malformed, 400, 'validation_failed');
    assert.ok(malformed.json().fieldErrors.body);
    const text = await t.app.inject({ method: 'POST', url, headers: { ...auth, 'content-type': 'text/plain' }, payload: 'hello' });
    assertError(text, 415, 'unsupported_media_type');
    const huge = await t.app.inject({
      method: 'POST',
      url,
      headers: { ...auth, 'content-type': 'application/json' },
      payload: JSON.stringify({ name: 'x'.repeat(1024 * 1024 + 10) }),
    });
    assertError(huge, 413, 'payload_too_large');
    const unknown = await t.call('POST', url, { key: a.key, body: { nmae: 'typo', hourlyLimit: 'lots', permissions: [] } });
    assertError(unknown, 400, 'validation_failed');
    const fe = unknown.json().fieldErrors;
    assert.deepEqual(Object.keys(fe).sort(), ['hourlyLimit', 'nmae', 'permissions']);
    assert.deepEqual(fe.nmae, ['Unknown field']);
    const keys = await t.call('GET', url, { key: a.key });
    assert.equal(keys.json().total, 1, 'nothing was created by the bad requests');
  });

  test('a NUL character (\\u0000) anywhere in a JSON body → 400 naming the field, before any work (PostgreSQL cannot store it); an escaped backslash before u0000 is text', async () => {
    const a = await t.tenantWithKey();
    const url = `/api/v1/tenants/${a.tenant.id}/api-keys`;
    for (const name of [String.raw`a\u0000b`, String.raw`a\u0000`, String.raw`x\\\u0000`]) {
      const res = await t.app.inject({ method: 'POST', url, headers: { authorization: `Bearer ${a.key}`, 'content-type': 'application/json' }, payload: `{"name":"${name}"}` });
      assertError(res, 400, 'validation_failed');
      assert.deepEqual(res.json().fieldErrors, { name: ['Text must not contain the NUL character (\\u0000)'] }, name);
    }
    const text = await t.app.inject({ method: 'POST', url, headers: { authorization: `Bearer ${a.key}`, 'content-type': 'application/json' }, payload: '{"name":"C:\\\\u0000"}' });
    assert.equal(text.statusCode, 201, text.body);
    assert.equal(text.json().apiKey.name, 'C:\\u0000');
    const keys = await t.call('GET', url, { key: a.key });
    assert.equal(keys.json().total, 2, 'only the last request created a key');
  });
});
