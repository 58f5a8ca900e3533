import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { and, eq } from 'drizzle-orm';
import { events, tenants } from '../../src/platform/tables.ts';
import { reviewSettings } from '../../src/reviews/tables.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.close());

describe('tenant settings', () => {
  test('GET returns the defaults', async () => {
    const a = await t.tenantWithKey();
    const res = await t.call('GET', `/api/v1/tenants/${a.tenant.id}/settings`, { key: a.key });
    assert.equal(res.statusCode, 200);
    const { settings } = res.json();
    assert.deepEqual(
      { ...settings, brandPrimaryColor: undefined, brandAccentColor: undefined },
      {
        timezone: 'UTC',
        ratingThreshold: 4,
        defaultLanguage: 'en',
        feedbackContactRetentionDays: 365,
        notifyOnNegativeFeedback: true,
        brandPrimaryColor: undefined,
        brandAccentColor: undefined,
        logoUrl: null,
        websiteUrl: null,
        googleMapsUrl: null,
        googlePlaceCid: null,
        xhsHandle: null,
      },
    );
    assert.match(settings.brandPrimaryColor, /^#[0-9a-f]{6}$/);
  });

  test('PATCH changes what is sent, derives CID and XHS handle, writes tenant.updated', async () => {
    const a = await t.tenantWithKey();
    const res = await t.call('PATCH', `/api/v1/tenants/${a.tenant.id}/settings`, {
      key: a.key,
      body: {
        timezone: 'Asia/Shanghai',
        ratingThreshold: 5,
        defaultLanguage: 'zh-CN',
        brandAccentColor: '#123ABC',
        googleMapsUrl: 'https://www.google.com/maps/place/Shop/data=!4m2!3m1!1s0x3404002a1a1a1a1a:0x1f2e3d4c5b6a7980',
        xhsInput: 'https://www.xiaohongshu.com/user/profile/5f1a2b3c4d5e6f',
      },
    });
    assert.equal(res.statusCode, 200, res.body);
    const { settings } = res.json();
    assert.equal(settings.timezone, 'Asia/Shanghai');
    assert.equal(settings.ratingThreshold, 5);
    assert.equal(settings.brandAccentColor, '#123abc');
    assert.equal(settings.googlePlaceCid, BigInt('0x1f2e3d4c5b6a7980').toString());
    assert.equal(settings.xhsHandle, '5f1a2b3c4d5e6f');
    const [row] = await t.rt.db.select().from(tenants).where(eq(tenants.id, a.tenant.id));
    assert.equal(row.timezone, 'Asia/Shanghai');
    const [own] = await t.rt.db.select().from(reviewSettings).where(eq(reviewSettings.tenantId, a.tenant.id));
    assert.equal(own.ratingThreshold, 5);
    assert.equal(own.notifyOnNegativeFeedback, true, 'absent fields unchanged');
    const evs = await t.rt.db.select().from(events).where(and(eq(events.tenantId, a.tenant.id), eq(events.type, 'tenant.updated')));
    assert.equal(evs.length, 1);
  });

  test('bad values are all named at once and change nothing', async () => {
    const a = await t.tenantWithKey();
    const res = await t.call('PATCH', `/api/v1/tenants/${a.tenant.id}/settings`, {
      key: a.key,
      body: {
        timezone: 'Mars/Olympus',
        ratingThreshold: 6,
        brandPrimaryColor: 'red; background:url(x)',
        websiteUrl: 'javascript:alert(1)',
        googleMapsUrl: 'https://maps.evil.example/?cid=1',
        xhsInput: 'https://example.com/me',
        defaultLanguage: 'fr',
        logoUrl: 'https://example.com/logo.png',
        colour: '#fff',
      },
    });
    assert.equal(res.statusCode, 400);
    assert.deepEqual(Object.keys(res.json().fieldErrors).sort(), [
      'brandPrimaryColor', 'colour', 'defaultLanguage', 'googleMapsUrl', 'logoUrl', 'ratingThreshold', 'timezone', 'websiteUrl', 'xhsInput',
    ]);
    const [row] = await t.rt.db.select().from(tenants).where(eq(tenants.id, a.tenant.id));
    assert.equal(row.timezone, 'UTC');
    const [own] = await t.rt.db.select().from(reviewSettings).where(eq(reviewSettings.tenantId, a.tenant.id));
    assert.equal(own.ratingThreshold, 4);
  });

  test('permissions: settings:read / settings:write; another tenant → 403', async () => {
    const reader = await t.tenantWithKey({ permissions: ['settings:read'] });
    assert.equal((await t.call('GET', `/api/v1/tenants/${reader.tenant.id}/settings`, { key: reader.key })).statusCode, 200);
    const write = await t.call('PATCH', `/api/v1/tenants/${reader.tenant.id}/settings`, { key: reader.key, body: { ratingThreshold: 3 } });
    assert.equal(write.statusCode, 403);
    const none = await t.tenantWithKey({ permissions: ['shops:read'] });
    assert.equal((await t.call('GET', `/api/v1/tenants/${none.tenant.id}/settings`, { key: none.key })).statusCode, 403);
    const other = await t.tenantWithKey();
    assert.equal((await t.call('GET', `/api/v1/tenants/${reader.tenant.id}/settings`, { key: other.key })).statusCode, 403);
  });
});
