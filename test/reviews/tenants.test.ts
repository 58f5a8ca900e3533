import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { and, eq } from 'drizzle-orm';
import { apiKeys, events, tenants, users } from '../../src/platform/tables.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';

let t: TestApp;
let platform: string;
before(async () => {
  t = await startTestApp();
  platform = await t.platformKey();
});
after(() => t.close());

const eventsOf = (tenantId: string, type: string) =>
  t.rt.db.select().from(events).where(and(eq(events.tenantId, tenantId), eq(events.type, type)));

describe('PATCH /tenants/{id}', () => {
  test('a platform key changes fields, derives the CID from a new Maps URL, and writes tenant.updated', async () => {
    const tenant = await t.createTenant();
    const res = await t.call('PATCH', `/api/v1/tenants/${tenant.id}`, {
      key: platform,
      body: { name: 'Renamed Dental', googleMapsUrl: 'https://www.google.com/maps?cid=987654321', brandPrimaryColor: '#AABBCC', plan: 'pro' },
    });
    assert.equal(res.statusCode, 200, res.body);
    const { tenant: view } = res.json();
    assert.equal(view.name, 'Renamed Dental');
    assert.equal(view.googlePlaceCid, '987654321');
    assert.equal(view.brandPrimaryColor, '#aabbcc');
    assert.equal(view.plan, 'pro');
    const [row] = await t.rt.db.select().from(tenants).where(eq(tenants.id, tenant.id));
    assert.equal(row.name, 'Renamed Dental');
    assert.equal((await eventsOf(tenant.id, 'tenant.updated')).length, 1);
  });

  test('null clears a nullable field; absent fields stay', async () => {
    const tenant = await t.createTenant();
    await t.call('PATCH', `/api/v1/tenants/${tenant.id}`, { key: platform, body: { websiteUrl: 'https://example.com' } });
    const res = await t.call('PATCH', `/api/v1/tenants/${tenant.id}`, { key: platform, body: { websiteUrl: null } });
    assert.equal(res.json().tenant.websiteUrl, null);
    assert.equal(res.json().tenant.name, tenant.name);
  });

  test('bad input: every field named, nothing changed', async () => {
    const tenant = await t.createTenant();
    const res = await t.call('PATCH', `/api/v1/tenants/${tenant.id}`, {
      key: platform,
      body: { name: 'x', brandPrimaryColor: 'red; background:url(x)', googleMapsUrl: 'https://evil.example/maps', status: 'gone', mapUrl: 'typo' },
    });
    assert.equal(res.statusCode, 400);
    assert.deepEqual(Object.keys(res.json().fieldErrors).sort(), ['brandPrimaryColor', 'googleMapsUrl', 'mapUrl', 'name', 'status']);
    const [row] = await t.rt.db.select().from(tenants).where(eq(tenants.id, tenant.id));
    assert.equal(row.name, tenant.name);
    assert.equal((await eventsOf(tenant.id, 'tenant.updated')).length, 0);
  });

  test('a slug taken by another tenant → 409', async () => {
    const a = await t.createTenant();
    const b = await t.createTenant();
    const res = await t.call('PATCH', `/api/v1/tenants/${b.id}`, { key: platform, body: { slug: a.slug } });
    assert.equal(res.statusCode, 409);
    assert.equal(res.json().code, 'conflict');
  });

  test('tenant keys cannot change tenants (403), even their own', async () => {
    const a = await t.tenantWithKey();
    const res = await t.call('PATCH', `/api/v1/tenants/${a.tenant.id}`, { key: a.key, body: { name: 'Mine now' } });
    assert.equal(res.statusCode, 403);
    assert.equal(res.json().code, 'forbidden');
  });

  test("suspending cuts the tenant's keys off at once (403 tenant_suspended); reactivating restores them", async () => {
    const a = await t.tenantWithKey();
    assert.equal((await t.call('GET', `/api/v1/tenants/${a.tenant.id}`, { key: a.key })).statusCode, 200);
    const suspended = await t.call('PATCH', `/api/v1/tenants/${a.tenant.id}`, { key: platform, body: { status: 'suspended' } });
    assert.equal(suspended.json().tenant.status, 'suspended');
    const denied = await t.call('GET', `/api/v1/tenants/${a.tenant.id}`, { key: a.key });
    assert.equal(denied.statusCode, 403);
    assert.equal(denied.json().code, 'tenant_suspended');
    // The platform still sees and manages it.
    assert.equal((await t.call('GET', `/api/v1/tenants/${a.tenant.id}`, { key: platform })).statusCode, 200);
    await t.call('PATCH', `/api/v1/tenants/${a.tenant.id}`, { key: platform, body: { status: 'active' } });
    assert.equal((await t.call('GET', `/api/v1/tenants/${a.tenant.id}`, { key: a.key })).statusCode, 200);
  });

  test('unknown and malformed ids → 404', async () => {
    assert.equal((await t.call('PATCH', '/api/v1/tenants/00000000-0000-7000-8000-000000000000', { key: platform, body: { name: 'Nobody' } })).statusCode, 404);
    assert.equal((await t.call('PATCH', '/api/v1/tenants/nope', { key: platform, body: { name: 'Nobody' } })).statusCode, 404);
  });
});

describe('DELETE /tenants/{id}', () => {
  test('needs ?confirm=<slug>; then removes the tenant and everything it owns', async () => {
    const a = await t.tenantWithKey();
    const user = await t.createUser({ tenantId: a.tenant.id, role: 'owner' });
    const missing = await t.call('DELETE', `/api/v1/tenants/${a.tenant.id}`, { key: platform });
    assert.equal(missing.statusCode, 400);
    assert.ok(missing.json().fieldErrors.confirm);
    const wrong = await t.call('DELETE', `/api/v1/tenants/${a.tenant.id}?confirm=not-it`, { key: platform });
    assert.equal(wrong.statusCode, 400);
    assert.equal((await t.rt.db.select().from(tenants).where(eq(tenants.id, a.tenant.id))).length, 1);

    const res = await t.call('DELETE', `/api/v1/tenants/${a.tenant.id}?confirm=${a.tenant.slug}`, { key: platform });
    assert.equal(res.statusCode, 204);
    assert.equal(res.body, '');
    assert.equal((await t.rt.db.select().from(tenants).where(eq(tenants.id, a.tenant.id))).length, 0);
    assert.equal((await t.rt.db.select().from(users).where(eq(users.id, user.id))).length, 0);
    assert.equal((await t.rt.db.select().from(apiKeys).where(eq(apiKeys.tenantId, a.tenant.id))).length, 0);
    assert.equal((await eventsOf(a.tenant.id, 'tenant.deleted')).length, 1);
    assert.equal((await t.call('GET', '/api/v1/tenants', { key: a.key })).statusCode, 401, 'its keys are gone');
    assert.equal((await t.call('DELETE', `/api/v1/tenants/${a.tenant.id}?confirm=${a.tenant.slug}`, { key: platform })).statusCode, 404);
  });

  test('tenant keys cannot delete (403)', async () => {
    const a = await t.tenantWithKey();
    assert.equal((await t.call('DELETE', `/api/v1/tenants/${a.tenant.id}?confirm=${a.tenant.slug}`, { key: a.key })).statusCode, 403);
  });
});
