// /api/v1/tenants/{tenantId}/templates: list (filters, order), create (tenant defaults, end of
// list), update, delete, through HTTP, with the rows and events the database holds afterwards.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { and, asc, eq, like } from 'drizzle-orm';
import { mintKey } from '../../src/platform/keys.ts';
import { events, tenants } from '../../src/platform/tables.ts';
import { templates } from '../../src/reviews/tables.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { assertError, withoutRequestId } from '../helpers/assertions.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.close());

const TEMPLATE_KEYS = ['active', 'body', 'createdAt', 'id', 'language', 'sortOrder', 'tenantId', 'vertical'];
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const MISSING_ID = '00000000-0000-7000-8000-000000000000';

const templatesUrl = (tenantId: string) => `/api/v1/tenants/${tenantId}/templates`;
const eventsOf = (tenantId: string) =>
  t.rt.db.select().from(events).where(and(eq(events.tenantId, tenantId), like(events.type, 'template.%'))).orderBy(asc(events.seq));
const templateRow = async (tenantId: string, id: string) =>
  (await t.rt.db.select().from(templates).where(and(eq(templates.tenantId, tenantId), eq(templates.id, id))))[0];

async function createTemplate(tenantId: string, key: string, body: Record<string, unknown>) {
  const res = await t.call('POST', templatesUrl(tenantId), { key, body });
  assert.equal(res.statusCode, 201, res.body);
  return res.json().template;
}

describe('POST /tenants/{tenantId}/templates', () => {
  test('201 {template}: defaults (en, other, end of list, active); the row and one event', async () => {
    const a = await t.tenantWithKey();
    const res = await t.call('POST', templatesUrl(a.tenant.id), { key: a.key, body: { body: '  Lovely staff and quick service.  ' } });
    assert.equal(res.statusCode, 201, res.body);
    const body = res.json();
    assert.deepEqual(Object.keys(body), ['template']);
    const { template } = body;
    assert.deepEqual(Object.keys(template).sort(), TEMPLATE_KEYS);
    assert.match(template.id, UUID_RE);
    assert.deepEqual(template, {
      id: template.id,
      tenantId: a.tenant.id,
      vertical: 'other',
      language: 'en',
      body: 'Lovely staff and quick service.',
      active: true,
      sortOrder: 0,
      createdAt: template.createdAt,
    });
    assert.ok(Math.abs(Date.parse(template.createdAt) - Date.now()) < 60_000);

    const row = await templateRow(a.tenant.id, template.id);
    assert.deepEqual(
      [row.vertical, row.language, row.body, row.active, row.sortOrder, row.createdAt.toISOString()],
      ['other', 'en', 'Lovely staff and quick service.', true, 0, template.createdAt],
    );
    const evts = await eventsOf(a.tenant.id);
    assert.equal(evts.length, 1);
    assert.equal(evts[0].type, 'template.created');
    assert.deepEqual(evts[0].data, template);

    // The next one goes to the end of its language's list.
    assert.equal((await createTemplate(a.tenant.id, a.key, { body: 'Second' })).sortOrder, 1);
    assert.equal((await createTemplate(a.tenant.id, a.key, { body: 'Pinned', sortOrder: 10 })).sortOrder, 10);
    assert.equal((await createTemplate(a.tenant.id, a.key, { body: 'After pinned' })).sortOrder, 11);
    assert.equal((await createTemplate(a.tenant.id, a.key, { body: '第一条', language: 'zh-CN' })).sortOrder, 0);
  });

  test("the tenant's vertical and default language are the defaults; tags are stored canonically", async () => {
    const a = await t.tenantWithKey();
    await t.rt.db.update(tenants).set({ vertical: 'fnb', defaultLanguage: 'zh-CN' }).where(eq(tenants.id, a.tenant.id));
    const dflt = await createTemplate(a.tenant.id, a.key, { body: '好吃' });
    assert.deepEqual([dflt.vertical, dflt.language], ['fnb', 'zh-CN']);
    const explicit = await createTemplate(a.tenant.id, a.key, { body: 'Tasty', language: 'EN-gb', vertical: 'beauty', active: false, sortOrder: 3 });
    assert.deepEqual(
      [explicit.vertical, explicit.language, explicit.active, explicit.sortOrder],
      ['beauty', 'en-GB', false, 3],
    );
    assert.equal((await createTemplate(a.tenant.id, a.key, { body: 'x', language: 'zh-cn' })).language, 'zh-CN');
  });

  test('400 names every bad field at once; nothing is written', async () => {
    const a = await t.tenantWithKey();
    const res = await t.call('POST', templatesUrl(a.tenant.id), {
      key: a.key,
      body: { body: '   ', language: 'not a tag!', vertical: 'cars', sortOrder: -1, active: 'yes', text: 'typo' },
    });
    assertError(res, 400, 'validation_failed');
    assert.deepEqual(Object.keys(res.json().fieldErrors).sort(), ['active', 'body', 'language', 'sortOrder', 'text', 'vertical']);
    assert.deepEqual(res.json().fieldErrors.text, ['Unknown field']);

    const long = await t.call('POST', templatesUrl(a.tenant.id), { key: a.key, body: { body: 'x'.repeat(1001), sortOrder: 1.5 } });
    assert.deepEqual(Object.keys(long.json().fieldErrors).sort(), ['body', 'sortOrder']);
    assert.deepEqual(Object.keys((await t.call('POST', templatesUrl(a.tenant.id), { key: a.key, body: {} })).json().fieldErrors), ['body']);
    assert.equal((await createTemplate(a.tenant.id, a.key, { body: 'x'.repeat(1000) })).body.length, 1000);

    assert.equal((await t.rt.db.select().from(templates).where(eq(templates.tenantId, a.tenant.id))).length, 1);
    assert.equal((await eventsOf(a.tenant.id)).length, 1);
  });

  test('a platform key creates for any tenant; an unknown tenant is a 404', async () => {
    const tenant = await t.createTenant();
    const platform = await t.platformKey();
    assert.equal((await createTemplate(tenant.id, platform, { body: 'By platform' })).tenantId, tenant.id);
    assertError(await t.call('POST', templatesUrl(MISSING_ID), { key: platform, body: { body: 'x' } }), 404, 'not_found');
    assertError(await t.call('GET', templatesUrl(MISSING_ID), { key: platform }), 404, 'not_found');
  });
});

describe('GET /tenants/{tenantId}/templates', () => {
  test('{templates, total, pagination}: by language then sortOrder; language and active filters; pages', async () => {
    const a = await t.tenantWithKey();
    const zh1 = await createTemplate(a.tenant.id, a.key, { body: '二', language: 'zh-CN', sortOrder: 2 });
    const en2 = await createTemplate(a.tenant.id, a.key, { body: 'two', sortOrder: 2 });
    const en1 = await createTemplate(a.tenant.id, a.key, { body: 'one', sortOrder: 1, active: false });
    const zh0 = await createTemplate(a.tenant.id, a.key, { body: '一', language: 'zh-CN', sortOrder: 1 });
    const other = await t.tenantWithKey();
    await createTemplate(other.tenant.id, other.key, { body: 'not yours' });

    const res = await t.call('GET', templatesUrl(a.tenant.id), { key: a.key });
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json();
    assert.deepEqual(Object.keys(body), ['templates', 'total', 'pagination']);
    assert.deepEqual(body.templates, [en1, en2, zh0, zh1]);
    assert.equal(body.total, 4);
    assert.deepEqual(body.pagination, { limit: 100, offset: 0, has_more: false });

    const list = async (q: string) => (await t.call('GET', `${templatesUrl(a.tenant.id)}?${q}`, { key: a.key })).json();
    assert.deepEqual((await list('language=zh-CN')).templates, [zh0, zh1]);
    assert.deepEqual((await list('language=zh-cn')).templates, [zh0, zh1], 'the filter is canonicalized too');
    assert.deepEqual((await list('active=false')).templates, [en1]);
    assert.deepEqual((await list('active=true&language=en')).templates, [en2]);
    assert.equal((await list('active=true&language=en')).total, 1);
    assert.deepEqual(await list('language=fr'), { templates: [], total: 0, pagination: { limit: 100, offset: 0, has_more: false } });
    const page = await list('limit=2&offset=1');
    assert.deepEqual(page.templates, [en2, zh0]);
    assert.deepEqual(page.pagination, { limit: 2, offset: 1, has_more: true });

    const bad = await t.call('GET', `${templatesUrl(a.tenant.id)}?active=maybe&language=%21%21&limit=0&lang=en`, { key: a.key });
    assertError(bad, 400, 'validation_failed');
    assert.deepEqual(Object.keys(bad.json().fieldErrors).sort(), ['active', 'lang', 'language', 'limit']);
  });
});

describe('PATCH and DELETE /tenants/{tenantId}/templates/{templateId}', () => {
  test('PATCH body, language, active, sortOrder; one template.updated event; a no-op emits none', async () => {
    const a = await t.tenantWithKey();
    const template = await createTemplate(a.tenant.id, a.key, { body: 'Old text' });
    const url = `${templatesUrl(a.tenant.id)}/${template.id}`;
    const res = await t.call('PATCH', url, { key: a.key, body: { body: 'New text', language: 'zh-hant-tw', active: false, sortOrder: 7 } });
    assert.equal(res.statusCode, 200, res.body);
    const updated = { ...template, body: 'New text', language: 'zh-Hant-TW', active: false, sortOrder: 7 };
    assert.deepEqual(res.json(), { template: updated });
    const row = await templateRow(a.tenant.id, template.id);
    assert.deepEqual([row.body, row.language, row.active, row.sortOrder], ['New text', 'zh-Hant-TW', false, 7]);

    const partial = await t.call('PATCH', url, { key: a.key, body: { active: true } });
    assert.deepEqual(partial.json().template, { ...updated, active: true });
    assert.deepEqual((await t.call('PATCH', url, { key: a.key, body: {} })).json(), partial.json());
    assert.deepEqual((await t.call('PATCH', url, { key: a.key, body: { sortOrder: 7, body: 'New text' } })).json(), partial.json());

    const evts = await eventsOf(a.tenant.id);
    assert.deepEqual(evts.map((e) => e.type), ['template.created', 'template.updated', 'template.updated']);
    assert.deepEqual(evts[1].data, updated);
  });

  test('PATCH 400 names every bad field, including vertical and unknown ones; nothing changes', async () => {
    const a = await t.tenantWithKey();
    const template = await createTemplate(a.tenant.id, a.key, { body: 'Keep me' });
    const res = await t.call('PATCH', `${templatesUrl(a.tenant.id)}/${template.id}`, {
      key: a.key,
      body: { body: '', language: '12', active: null, sortOrder: 'first', vertical: 'fnb' },
    });
    assertError(res, 400, 'validation_failed');
    assert.deepEqual(Object.keys(res.json().fieldErrors).sort(), ['active', 'body', 'language', 'sortOrder', 'vertical']);
    assert.equal((await templateRow(a.tenant.id, template.id)).body, 'Keep me');
    assert.equal((await eventsOf(a.tenant.id)).length, 1);
  });

  test('DELETE: 204 with no body, the row is gone, one template.deleted event; again → 404', async () => {
    const a = await t.tenantWithKey();
    const keep = await createTemplate(a.tenant.id, a.key, { body: 'Keep' });
    const drop = await createTemplate(a.tenant.id, a.key, { body: 'Drop' });
    const url = `${templatesUrl(a.tenant.id)}/${drop.id}`;
    const res = await t.call('DELETE', url, { key: a.key });
    assert.equal(res.statusCode, 204);
    assert.equal(res.body, '');
    assert.equal(await templateRow(a.tenant.id, drop.id), undefined);
    assert.ok(await templateRow(a.tenant.id, keep.id));
    const evts = await eventsOf(a.tenant.id);
    assert.deepEqual(evts.map((e) => e.type), ['template.created', 'template.created', 'template.deleted']);
    assert.deepEqual(evts[2].data, drop);
    assertError(await t.call('DELETE', url, { key: a.key }), 404, 'not_found');
    assertError(await t.call('PATCH', url, { key: a.key, body: { active: false } }), 404, 'not_found');
    assert.deepEqual((await t.call('GET', templatesUrl(a.tenant.id), { key: a.key })).json().templates, [keep]);
  });
});

describe('templates: permissions and tenant scope', () => {
  test('403 for a key without the permission, on every route; nothing changes', async () => {
    const a = await t.tenantWithKey();
    const template = await createTemplate(a.tenant.id, a.key, { body: 'Mine' });
    const keyWith = async (permissions: string[]) => (await mintKey(t.rt.db, { kind: 'tenant', tenantId: a.tenant.id, permissions }, null)).key;
    const readOnly = await keyWith(['templates:read']);
    const none = await keyWith(['shops:read', 'shops:write', 'employees:read', 'employees:write']);
    const one = `${templatesUrl(a.tenant.id)}/${template.id}`;
    assertError(await t.call('GET', templatesUrl(a.tenant.id), { key: none }), 403, 'forbidden');
    for (const key of [readOnly, none]) {
      assertError(await t.call('POST', templatesUrl(a.tenant.id), { key, body: { body: 'X' } }), 403, 'forbidden');
      assertError(await t.call('PATCH', one, { key, body: { body: 'X' } }), 403, 'forbidden');
      assertError(await t.call('DELETE', one, { key }), 403, 'forbidden');
    }
    assert.equal((await t.call('GET', templatesUrl(a.tenant.id), { key: readOnly })).statusCode, 200);
    assert.equal((await templateRow(a.tenant.id, template.id)).body, 'Mine');
    assert.equal((await eventsOf(a.tenant.id)).length, 1);
  });

  test("403 for a tenant key on another tenant's path, on every route", async () => {
    const a = await t.tenantWithKey();
    const b = await t.tenantWithKey();
    const theirs = await createTemplate(b.tenant.id, b.key, { body: 'Theirs' });
    const one = `${templatesUrl(b.tenant.id)}/${theirs.id}`;
    assertError(await t.call('GET', templatesUrl(b.tenant.id), { key: a.key }), 403, 'forbidden');
    assertError(await t.call('POST', templatesUrl(b.tenant.id), { key: a.key, body: { body: 'X' } }), 403, 'forbidden');
    assertError(await t.call('PATCH', one, { key: a.key, body: { body: 'X' } }), 403, 'forbidden');
    assertError(await t.call('DELETE', one, { key: a.key }), 403, 'forbidden');
    assert.equal((await templateRow(b.tenant.id, theirs.id)).body, 'Theirs');
    assert.equal((await t.rt.db.select().from(templates).where(eq(templates.tenantId, b.tenant.id))).length, 1);
  });

  test("another tenant's template id in your own path → 404 byte-identical to an unknown id; malformed → 404", async () => {
    const a = await t.tenantWithKey();
    const b = await t.tenantWithKey();
    const theirs = await createTemplate(b.tenant.id, b.key, { body: 'Theirs' });
    const base = templatesUrl(a.tenant.id);
    for (const [method, body] of [
      ['PATCH', { body: 'Hijacked' }],
      ['DELETE', undefined],
    ] as const) {
      const foreign = await t.call(method, `${base}/${theirs.id}`, { key: a.key, body });
      const missing = await t.call(method, `${base}/${MISSING_ID}`, { key: a.key, body });
      const malformed = await t.call(method, `${base}/nope`, { key: a.key, body });
      for (const res of [foreign, missing, malformed]) assertError(res, 404, 'not_found');
      assert.equal(withoutRequestId(foreign), withoutRequestId(missing), method);
      assert.equal(withoutRequestId(malformed), withoutRequestId(missing), method);
    }
    assert.equal((await templateRow(b.tenant.id, theirs.id)).body, 'Theirs');
  });
});
