// POST /api/v1/tenants (docs/reviews-api-contract.md §7): the exact response, every row it creates, every
// validation rule (alone and together), permissions, slugs and usernames, Maps/XHS listings,
// atomicity with a failure inside the transaction, and idempotent replays.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { and, asc, count, eq, sql } from 'drizzle-orm';
import { events, mailOutbox, tenants, userTokens, users } from '../../src/platform/tables.ts';
import { verifyPassword } from '../../src/platform/secrets.ts';
import { generateOfflineTemplates } from '../../src/reviews/offline-templates.ts';
import { slugFromName, firstFree } from '../../src/reviews/provisioning.ts';
import { billingRecords, shops, templates, tenantLogos } from '../../src/reviews/tables.ts';
import { libraryTemplates } from '../../src/reviews/template-library.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { hosts, localServer, PNG_1x1 } from '../helpers/local-servers.ts';
import { assertError } from '../helpers/assertions.ts';
import { signInRequest } from '../helpers/sessions.ts';

let t: TestApp;
let platformKey: string;
before(async () => {
  t = await startTestApp();
  platformKey = await t.platformKey();
});
after(() => t.close());
afterEach(() => {
  t.rt.outbound = { allowPrivate: false };
});

const provision = (body: unknown, opts: { key?: string; headers?: Record<string, string> } = {}) =>
  t.call('POST', '/api/v1/tenants', { key: opts.key ?? platformKey, body, headers: opts.headers });

async function created(body: unknown): Promise<any> {
  const res = await provision(body);
  assert.equal(res.statusCode, 201, res.body);
  return res.json();
}

const tenantRow = async (id: string) => (await t.rt.db.select().from(tenants).where(eq(tenants.id, id)))[0];

/** Row counts of every table provisioning writes to, to prove a failure changed nothing. */
async function counts() {
  const db = t.rt.db;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const n = async (table: any) => (await db.select({ n: count() }).from(table))[0].n;
  return {
    tenants: await n(tenants),
    shops: await n(shops),
    users: await n(users),
    templates: await n(templates),
    billingRecords: await n(billingRecords),
    events: await n(events),
    tenantLogos: await n(tenantLogos),
    mailOutbox: await n(mailOutbox),
    userTokens: await n(userTokens),
  };
}

describe('POST /tenants: demo mode', () => {
  test('201 with the exact ProvisionResponse, and every row of the new tenant', async () => {
    const before = Date.now();
    const res = await provision({ name: 'Bright Smile Dental', vertical: 'clinic', xhsInput: '@brightsmile' });
    assert.equal(res.statusCode, 201, res.body);
    const body = res.json();
    assert.deepEqual(Object.keys(body).sort(), [
      'dashboardUrl', 'id', 'loginUsername', 'mode', 'shopId', 'slug', 'templatesCreated', 'temporaryPassword', 'trialEndsAt', 'unresolved',
    ]);
    assert.deepEqual(body.unresolved, [], 'an @handle needs no fetch: nothing is unresolved');
    assert.match(body.id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(body.slug, 'bright-smile-dental');
    assert.equal(body.mode, 'demo');
    assert.equal(body.loginUsername, 'bright-smile-dental');
    assert.match(body.temporaryPassword, /^[A-Za-z0-9]{5}(-[A-Za-z0-9]{5}){3}$/);
    assert.equal(body.dashboardUrl, 'http://orgstack.test/dashboard');
    assert.equal(body.templatesCreated, 20);
    const trialEnds = Date.parse(body.trialEndsAt);
    assert.ok(Math.abs(trialEnds - (before + 14 * 86_400_000)) < 60_000, body.trialEndsAt);
    assert.equal(res.headers.location, `/api/v1/tenants/${body.id}`);

    const tenant = await tenantRow(body.id);
    assert.equal(tenant.name, 'Bright Smile Dental');
    assert.equal(tenant.vertical, 'clinic');
    assert.equal(tenant.plan, 'trial');
    assert.equal(tenant.status, 'active');
    assert.equal(tenant.trialEndsAt?.toISOString(), body.trialEndsAt);
    assert.equal(tenant.xhsHandle, 'brightsmile');
    assert.equal(tenant.googleMapsUrl, null);
    assert.equal(tenant.googlePlaceCid, null);
    assert.equal(tenant.websiteUrl, null);
    assert.equal(tenant.logoUrl, null);
    assert.equal(tenant.brandPrimaryColor, '#1f6feb');
    assert.equal(tenant.brandAccentColor, '#f5a623');

    const shopRows = await t.rt.db.select().from(shops).where(eq(shops.tenantId, body.id));
    assert.equal(shopRows.length, 1);
    assert.equal(shopRows[0].id, body.shopId);
    assert.equal(shopRows[0].name, 'Bright Smile Dental');
    assert.equal(shopRows[0].isDefault, true);
    assert.equal(shopRows[0].xhsHandle, 'brightsmile');
    assert.equal(shopRows[0].googleMapsUrl, null);

    const userRows = await t.rt.db.select().from(users).where(eq(users.tenantId, body.id));
    assert.equal(userRows.length, 1);
    const user = userRows[0];
    assert.equal(user.username, 'bright-smile-dental');
    assert.equal(user.role, 'owner');
    assert.equal(user.email, null);
    assert.equal(user.mustChangePassword, true);
    assert.ok(await verifyPassword(body.temporaryPassword, user.passwordHash), 'the temporary password signs in');
    assert.ok(!user.passwordHash!.includes(body.temporaryPassword));
    // Generated (119 random bits), so stored under a fast hash; sign-in still works, and only with it.
    assert.match(user.passwordHash!, /^sha256\$[0-9a-f]{64}$/);
    assert.equal(await verifyPassword(body.temporaryPassword.toLowerCase(), user.passwordHash), false);
    assert.equal((await signInRequest(t, 'bright-smile-dental', body.temporaryPassword.toLowerCase())).statusCode, 401);
    assert.equal((await signInRequest(t, 'bright-smile-dental', body.temporaryPassword)).statusCode, 200);

    const templateRows = await t.rt.db.select().from(templates).where(eq(templates.tenantId, body.id)).orderBy(asc(templates.language), asc(templates.sortOrder));
    assert.equal(templateRows.length, 20);
    for (const language of ['en', 'zh-CN'] as const) {
      const rows = templateRows.filter((r) => r.language === language);
      assert.deepEqual(rows.map((r) => r.sortOrder), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      // "Dental" in the name: the clinic's dental texts among neutral ones, no physio or vet texts.
      assert.deepEqual(rows.map((r) => r.body), [...libraryTemplates('clinic', language, { name: 'Bright Smile Dental' })]);
      assert.ok(rows.every((r) => r.vertical === 'clinic' && r.active));
    }

    const billing = await t.rt.db.select().from(billingRecords).where(eq(billingRecords.tenantId, body.id));
    assert.equal(billing.length, 1);
    assert.equal(billing[0].plan, 'trial');
    assert.equal(billing[0].periodEnd?.toISOString(), body.trialEndsAt);
    assert.equal(billing[0].periodEnd!.getTime() - billing[0].periodStart.getTime(), 14 * 86_400_000);

    const evts = await t.rt.db.select().from(events).where(eq(events.tenantId, body.id));
    assert.deepEqual(evts.map((e) => e.type), ['tenant.provisioned']);
    const data = evts[0].data as any;
    assert.equal(data.tenant.id, body.id);
    assert.equal(data.tenant.slug, 'bright-smile-dental');
    assert.equal(data.shopId, body.shopId);
    assert.equal(data.userId, user.id);
    assert.equal(data.mode, 'demo');
    assert.equal(data.templatesCreated, 20);
    assert.ok(!JSON.stringify(evts[0]).includes(body.temporaryPassword), 'no password in the outbox');

    // Nothing else is minted: no key, no token, no mail, no logo.
    assert.equal((await t.rt.db.select().from(userTokens).where(eq(userTokens.userId, user.id))).length, 0);
    assert.equal((await t.rt.db.select().from(mailOutbox).where(eq(mailOutbox.tenantId, body.id))).length, 0);
    assert.equal((await t.rt.db.select().from(tenantLogos).where(eq(tenantLogos.tenantId, body.id))).length, 0);

    // The tenant reads back through the API like any other.
    const got = await t.call('GET', `/api/v1/tenants/${body.id}`, { key: platformKey });
    assert.equal(got.statusCode, 200, got.body);
    assert.equal(got.json().tenant.slug, 'bright-smile-dental');
  });

  test('an idempotent replay returns the same tenant with temporaryPassword null, and creates nothing', async () => {
    const headers = { 'idempotency-key': 'provision-replay-1' };
    const body = { name: 'Replay Bakery', vertical: 'fnb', mapsUrl: 'https://maps.google.com/?cid=42' };
    const first = await provision(body, { headers });
    assert.equal(first.statusCode, 201, first.body);
    assert.ok(first.json().temporaryPassword);
    const before = await counts();
    const replay = await provision(body, { headers });
    assert.equal(replay.statusCode, 201, replay.body);
    assert.equal(replay.headers['idempotent-replayed'], 'true');
    assert.deepEqual(replay.json(), { ...first.json(), temporaryPassword: null });
    assert.deepEqual(await counts(), before);
  });

  test('every built-in vertical gets its own 10 + 10 library texts', async () => {
    for (const vertical of ['auto', 'fnb', 'beauty', 'retail', 'services'] as const) {
      const body = await created({ name: `Vertical ${vertical}`, vertical, xhsInput: `@v${vertical}` });
      const rows = await t.rt.db.select().from(templates).where(and(eq(templates.tenantId, body.id), eq(templates.language, 'en'))).orderBy(asc(templates.sortOrder));
      assert.deepEqual(rows.map((r) => r.body), [...libraryTemplates(vertical, 'en')]);
    }
  });

  test('beauty: a hair salon gets hair and neutral texts, never nails or massage; a bare "Salon" only neutral ones', async () => {
    const hair = await created({ name: 'Luna Hair Studio', vertical: 'beauty', businessDescription: 'Cuts, colour and styling', xhsInput: '@lunahair' });
    const plain = await created({ name: 'Harbour Salon', vertical: 'beauty', xhsInput: '@harboursalon' });
    const bodies = async (id: string, language: string) =>
      (await t.rt.db.select().from(templates).where(and(eq(templates.tenantId, id), eq(templates.language, language))).orderBy(asc(templates.sortOrder))).map((r) => r.body);
    for (const language of ['en', 'zh-CN'] as const) {
      const texts = await bodies(hair.id, language);
      assert.equal(texts.length, 10);
      assert.ok(texts.some((x) => /hair|发型|发色|头发/.test(x)), `hair texts in ${language}`);
      for (const x of [...texts, ...(await bodies(plain.id, language))]) assert.doesNotMatch(x, /nail|massage|facial|lash|美甲|按摩|面部|睫毛/i, x);
      assert.deepEqual(await bodies(plain.id, language), [...libraryTemplates('beauty', language)]);
      assert.ok((await bodies(plain.id, language)).every((x) => !/hair|发型|发色|头发/.test(x)), 'neutral only');
    }
  });

  test('vertical other with no LLM configured: 10 offline texts per language from the description', async () => {
    const description = 'We are a family-run bicycle repair shop in Leeds';
    const body = await created({ name: 'Spoke & Chain', vertical: 'other', businessDescription: description, xhsInput: '@spoke' });
    assert.equal(body.templatesCreated, 20);
    for (const language of ['en', 'zh-CN'] as const) {
      const rows = await t.rt.db.select().from(templates).where(and(eq(templates.tenantId, body.id), eq(templates.language, language))).orderBy(asc(templates.sortOrder));
      assert.deepEqual(rows.map((r) => r.body), generateOfflineTemplates(description, language, 10));
      assert.ok(rows.every((r) => r.vertical === 'other'));
    }
    assert.equal((await tenantRow(body.id)).vertical, 'other');
  });
});

describe('POST /tenants: permissions', () => {
  test('a tenant key is refused with 403 (tenants:write is platform-only), and nothing is created', async () => {
    const before = await counts();
    const { key } = await t.tenantWithKey();
    const after = await counts();
    const res = await provision({ name: 'Not Allowed', vertical: 'fnb', xhsInput: '@no' }, { key });
    assertError(res, 403, 'forbidden');
    assert.deepEqual(await counts(), after);
    assert.equal(after.tenants, before.tenants + 1); // only tenantWithKey's own tenant
  });

  test('a platform key without tenants:write → 403; no key → 401', async () => {
    const readOnly = await t.platformKey({ permissions: ['tenants:read'] });
    assertError(await provision({ name: 'Not Allowed', vertical: 'fnb', xhsInput: '@no' }, { key: readOnly }), 403, 'forbidden');
    const res = await t.call('POST', '/api/v1/tenants', { body: { name: 'Not Allowed', vertical: 'fnb', xhsInput: '@no' } });
    assertError(res, 401, 'unauthorized');
  });
});

describe('POST /tenants: validation', () => {
  const valid = { name: 'Valid Name', vertical: 'fnb', xhsInput: '@valid' };
  const cases: [string, Record<string, unknown>, Record<string, string[]>][] = [
    ['name missing', { name: undefined }, { name: ['Required'] }],
    ['name of 1 character', { name: 'A' }, { name: ['Must be at least 2 characters'] }],
    ['name of spaces only', { name: '   ' }, { name: ['Must be at least 2 characters'] }],
    ['vertical missing', { vertical: undefined }, { vertical: ['Required'] }],
    ['vertical unknown', { vertical: 'restaurant' }, { vertical: ['Must be one of auto, fnb, beauty, clinic, retail, services, other'] }],
    ['other without businessDescription', { vertical: 'other' }, { businessDescription: ['Required when vertical is "other"'] }],
    ['other with a blank businessDescription', { vertical: 'other', businessDescription: '  ' }, { businessDescription: ['Required when vertical is "other"'] }],
    [
      'neither mapsUrl nor xhsInput',
      { xhsInput: undefined },
      { mapsUrl: ['Give mapsUrl or xhsInput (at least one is required)'], xhsInput: ['Give mapsUrl or xhsInput (at least one is required)'] },
    ],
    [
      'mapsUrl on a non-Google host',
      { mapsUrl: 'https://maps.example.com/place/1' },
      { mapsUrl: ['Must be a Google Maps URL (maps.app.goo.gl, goo.gl/maps, google.com/maps or maps.google.com)'] },
    ],
    ['mapsUrl on google.com but not /maps', { mapsUrl: 'https://www.google.com/search?q=x' }, { mapsUrl: [] }],
    ['mapsUrl not http(s)', { mapsUrl: 'ftp://maps.google.com/x' }, { mapsUrl: [] }],
    ['xhsInput not Xiaohongshu', { xhsInput: 'https://weibo.com/u/1' }, { xhsInput: ['Must be a Xiaohongshu profile URL, an xhslink.com link or an @handle'] }],
    ['websiteUrl not http(s)', { websiteUrl: 'javascript:alert(1)' }, { websiteUrl: ['Must be an http(s) URL'] }],
    ['ownerEmail not an email', { ownerEmail: 'owner-at-example' }, { ownerEmail: ['Must be an email address'] }],
    ['slug with upper case', { slug: 'Bright' }, { slug: [] }],
    ['slug of 1 character', { slug: 'b' }, { slug: [] }],
    ['slug with a leading hyphen', { slug: '-bright' }, { slug: [] }],
    ['slug of 64 characters', { slug: 'a'.repeat(64) }, { slug: [] }],
    ['slug with an underscore', { slug: 'bright_smile' }, { slug: [] }],
    ['an unknown field (a typo)', { mapUrl: 'https://maps.google.com/?cid=1' }, { mapUrl: ['Unknown field'] }],
    ['name of the wrong type', { name: 42 }, { name: ['Must be a string'] }],
  ];
  for (const [label, patch, expected] of cases) {
    test(`400 for ${label}, naming exactly the offending fields`, async () => {
      const before = await counts();
      const res = await provision({ ...valid, ...patch });
      const body = assertError(res, 400, 'validation_failed');
      assert.deepEqual(Object.keys(body.fieldErrors).sort(), Object.keys(expected).sort(), res.body);
      for (const [field, messages] of Object.entries(expected)) {
        if (messages.length) assert.deepEqual(body.fieldErrors[field], messages);
        else assert.ok(body.fieldErrors[field].length > 0);
      }
      assert.deepEqual(await counts(), before);
    });
  }

  test('every violation at once is reported in one 400', async () => {
    const res = await provision({
      name: 'A',
      slug: 'Not A Slug',
      vertical: 'other',
      mapsUrl: undefined,
      websiteUrl: 'file:///etc/passwd',
      ownerEmail: 'nope',
      mapUrl: 'typo',
      colour: 'red',
    });
    const body = assertError(res, 400, 'validation_failed');
    assert.deepEqual(Object.keys(body.fieldErrors).sort(), [
      'businessDescription', 'colour', 'mapUrl', 'mapsUrl', 'name', 'ownerEmail', 'slug', 'websiteUrl', 'xhsInput',
    ]);
  });

  test('a body that is not an object → 400', async () => {
    assertError(await provision([1, 2]), 400, 'validation_failed');
    assertError(await t.call('POST', '/api/v1/tenants', { key: platformKey, body: 'name=x', headers: { 'content-type': 'text/plain' } }), 415, 'unsupported_media_type');
  });

  test('null optional fields are treated as absent', async () => {
    const body = await created({ name: 'Null Fields', vertical: 'retail', xhsInput: '@nulls', mapsUrl: null, websiteUrl: null, ownerEmail: null, slug: null, businessDescription: null });
    assert.equal(body.slug, 'null-fields');
    assert.equal(body.mode, 'demo');
  });
});

describe('POST /tenants: slugs and usernames', () => {
  test('slugFromName transliterates and strips; a name without Latin letters gets tenant-<random>', () => {
    assert.equal(slugFromName('Café Zoë & Co.'), 'cafe-zoe-and-co');
    assert.equal(slugFromName('  Straße 12 — Bäckerei  '), 'strasse-12-backerei');
    assert.equal(slugFromName('ÆØÅ Søn'), 'aeoa-son');
    assert.match(slugFromName('小笼包'), /^tenant-[0-9a-f]{8}$/);
    assert.match(slugFromName('🙂🙂'), /^tenant-[0-9a-f]{8}$/);
    assert.notEqual(slugFromName('小笼包'), slugFromName('小笼包'));
    assert.equal(slugFromName('x'.repeat(80)).length, 50);
    assert.equal(firstFree('acme', ['acme', 'acme-2', 'ACME-3', 'acme-5']), 'acme-4');
    assert.equal(firstFree('a'.repeat(63), ['a'.repeat(63)]), `${'a'.repeat(61)}-2`);
  });

  test('an explicit slug is used as given; taken → 409 and nothing is created', async () => {
    const body = await created({ name: 'Whatever Name', slug: 'explicit-slug', vertical: 'beauty', xhsInput: '@ex' });
    assert.equal(body.slug, 'explicit-slug');
    assert.equal(body.loginUsername, 'explicit-slug');
    const before = await counts();
    const res = await provision({ name: 'Another', slug: 'explicit-slug', vertical: 'beauty', xhsInput: '@ex2' });
    const err = assertError(res, 409, 'conflict');
    assert.match(err.error, /explicit-slug/);
    assert.deepEqual(await counts(), before);
  });

  test('a derived slug gets a numeric suffix until free, and so does the username', async () => {
    const a = await created({ name: 'Twin Salon', vertical: 'beauty', xhsInput: '@twin' });
    const b = await created({ name: 'Twin Salon', vertical: 'beauty', xhsInput: '@twin' });
    const c = await created({ name: 'twin   salon!', vertical: 'beauty', xhsInput: '@twin' });
    assert.deepEqual([a.slug, b.slug, c.slug], ['twin-salon', 'twin-salon-2', 'twin-salon-3']);
    assert.deepEqual([a.loginUsername, b.loginUsername, c.loginUsername], ['twin-salon', 'twin-salon-2', 'twin-salon-3']);
  });

  test('a username already taken (any case, any tenant) gets a suffix although the slug is free', async () => {
    const other = await t.createTenant();
    await t.createUser({ tenantId: other.id, role: 'member', username: 'Corner-Shop' });
    const body = await created({ name: 'Corner Shop', vertical: 'retail', xhsInput: '@corner' });
    assert.equal(body.slug, 'corner-shop');
    assert.equal(body.loginUsername, 'corner-shop-2');
  });

  test('a Chinese-only name gets a tenant-<random> slug', async () => {
    const body = await created({ name: '小笼包之家', vertical: 'fnb', xhsInput: '@xlb' });
    assert.match(body.slug, /^tenant-[0-9a-f]{8}$/);
    assert.equal(body.loginUsername, body.slug);
    assert.equal((await tenantRow(body.id)).name, '小笼包之家');
  });
});

describe('POST /tenants: listings', () => {
  test('a cid= Maps URL → googlePlaceCid, on the tenant and its default shop', async () => {
    const mapsUrl = 'https://maps.google.com/?cid=12345678901234567890';
    const body = await created({ name: 'Cid Cafe', vertical: 'fnb', mapsUrl });
    const tenant = await tenantRow(body.id);
    assert.equal(tenant.googleMapsUrl, mapsUrl);
    assert.equal(tenant.googlePlaceCid, '12345678901234567890');
    const [shop] = await t.rt.db.select().from(shops).where(eq(shops.tenantId, body.id));
    assert.equal(shop.googleMapsUrl, mapsUrl);
    assert.equal(shop.googlePlaceCid, '12345678901234567890');
    assert.equal(shop.xhsHandle, null);
  });

  test('a 0x…:0x… feature id → the second half in decimal', async () => {
    const mapsUrl = 'https://www.google.com/maps/place/Cafe/@51.5,-0.1,17z/data=!3m1!4b1!4m6!3m5!1s0x48761b3333333333:0x1a2b3c4d5e6f7081!8m2';
    const body = await created({ name: 'Hex Cafe', vertical: 'fnb', mapsUrl });
    assert.equal((await tenantRow(body.id)).googlePlaceCid, BigInt('0x1a2b3c4d5e6f7081').toString());
  });

  test('a short link is resolved hop by hop through redirects to the CID (the Google page itself is never fetched)', async () => {
    const site = await localServer((req, res) => {
      if (req.url === '/abc') return res.writeHead(302, { location: '/step2' }).end();
      if (req.url === '/step2') return res.writeHead(301, { location: 'https://www.google.com/maps?cid=987654321&g_st=ic' }).end();
      res.writeHead(404).end();
    });
    try {
      const resolve = hosts({ 'maps.app.goo.gl': '127.0.0.1' });
      t.rt.outbound = { resolve, allowPrivate: true };
      const mapsUrl = `http://maps.app.goo.gl:${site.port}/abc`;
      const body = await created({ name: 'Short Link Spa', vertical: 'beauty', mapsUrl });
      const tenant = await tenantRow(body.id);
      assert.equal(tenant.googleMapsUrl, mapsUrl, 'the URL as given is kept');
      assert.equal(tenant.googlePlaceCid, '987654321');
      assert.deepEqual(site.requests.map((r) => r.url), ['/abc', '/step2']);
      assert.deepEqual(resolve.asked, ['maps.app.goo.gl', 'maps.app.goo.gl'], 'www.google.com was never looked up');
    } finally {
      await site.close();
    }
  });

  test('a short link that fails, loops, or resolves to a private address keeps the URL with a null CID', async () => {
    const site = await localServer((req, res) => {
      if (req.url === '/broken') return res.writeHead(500).end();
      if (req.url === '/loop') return res.writeHead(302, { location: '/loop' }).end();
      res.writeHead(302, { location: 'https://www.google.com/maps?cid=1' }).end();
    });
    try {
      t.rt.outbound = { resolve: hosts({ 'maps.app.goo.gl': '127.0.0.1' }), allowPrivate: true };
      for (const path of ['/broken', '/loop']) {
        const mapsUrl = `http://maps.app.goo.gl:${site.port}${path}`;
        const body = await created({ name: `Broken ${path}`, vertical: 'fnb', mapsUrl });
        const tenant = await tenantRow(body.id);
        assert.equal(tenant.googleMapsUrl, mapsUrl);
        assert.equal(tenant.googlePlaceCid, null);
      }
      assert.equal(site.requests.filter((r) => r.url === '/loop').length, 4, 'at most 3 redirects are followed');

      // Without the test-only allowance, a name resolving to loopback is never connected to.
      const before = site.requests.length;
      t.rt.outbound = { resolve: hosts({ 'maps.app.goo.gl': '127.0.0.1' }), allowPrivate: false };
      const body = await created({ name: 'Blocked Short Link', vertical: 'fnb', mapsUrl: `http://maps.app.goo.gl:${site.port}/ok` });
      assert.equal((await tenantRow(body.id)).googlePlaceCid, null);
      assert.equal(site.requests.length, before);
    } finally {
      await site.close();
    }
  });

  test('XHS: an @handle and a profile URL become xhsHandle; an xhslink.com link is resolved', async () => {
    const a = await created({ name: 'Handle One', vertical: 'fnb', xhsInput: '@bright.smile_01' });
    assert.equal((await tenantRow(a.id)).xhsHandle, 'bright.smile_01');
    const b = await created({ name: 'Handle Two', vertical: 'fnb', xhsInput: 'https://www.xiaohongshu.com/user/profile/5f1e2d3c4b5a69788796a5b4?xhsshare=CopyLink' });
    assert.equal((await tenantRow(b.id)).xhsHandle, '5f1e2d3c4b5a69788796a5b4');

    const site = await localServer((_req, res) => res.writeHead(302, { location: 'https://www.xiaohongshu.com/user/profile/abc123def?share=1' }).end());
    try {
      t.rt.outbound = { resolve: hosts({ 'xhslink.com': '127.0.0.1' }), allowPrivate: true };
      const c = await created({ name: 'Handle Three', vertical: 'fnb', xhsInput: `http://xhslink.com:${site.port}/a/xyz` });
      const tenant = await tenantRow(c.id);
      assert.equal(tenant.xhsHandle, 'abc123def');
      const [shop] = await t.rt.db.select().from(shops).where(eq(shops.tenantId, c.id));
      assert.equal(shop.xhsHandle, 'abc123def');
    } finally {
      await site.close();
    }
  });
});

describe('POST /tenants: unresolved (what could not be fetched or resolved)', () => {
  const fields = (body: { unresolved: { field: string; reason: string }[] }) => body.unresolved.map((u) => u.field).sort();

  test('everything resolved → []: a Maps URL with its CID, a handle, a website with colour and icon', async () => {
    const site = await localServer((req, res) => {
      if (req.url === '/') return res.writeHead(200, { 'content-type': 'text/html' }).end('<meta name="theme-color" content="#0f766e"><link rel="icon" href="/i.png">');
      res.writeHead(200, { 'content-type': 'image/png' }).end(PNG_1x1);
    });
    try {
      t.rt.outbound = { resolve: hosts({ 'fine.test': '127.0.0.1' }), allowPrivate: true };
      const body = await created({ name: 'All Fine', vertical: 'fnb', mapsUrl: 'https://maps.google.com/?cid=77', xhsInput: '@allfine', websiteUrl: `http://fine.test:${site.port}/` });
      assert.deepEqual(body.unresolved, []);
    } finally {
      await site.close();
    }
  });

  test('a website that fails, a Maps URL without a CID and an xhslink that fails: each named with a reason; provisioning still succeeds', async () => {
    const site = await localServer((_req, res) => res.writeHead(500).end());
    try {
      t.rt.outbound = { resolve: hosts({ 'down.test': '127.0.0.1', 'xhslink.com': '127.0.0.1' }), allowPrivate: true };
      const res = await provision({
        name: 'Nothing Resolves',
        vertical: 'fnb',
        mapsUrl: 'https://www.google.com/maps/search/?api=1&query=Nothing+Resolves',
        xhsInput: `http://xhslink.com:${site.port}/a/gone`,
        websiteUrl: `http://down.test:${site.port}/`,
      });
      assert.equal(res.statusCode, 201, res.body);
      const body = res.json();
      assert.deepEqual(fields(body), ['googlePlaceCid', 'websiteUrl', 'xhsInput']);
      const reason = (field: string) => body.unresolved.find((u: { field: string }) => u.field === field).reason;
      assert.match(reason('websiteUrl'), /could not be fetched \(it answered HTTP 500\).*default brand colours/);
      assert.match(reason('googlePlaceCid'), /no CID.*listing instead of the write-review form/);
      assert.match(reason('xhsInput'), /short link could not be followed \(it answered HTTP 500\)/);
      const tenant = await tenantRow(body.id);
      assert.equal(tenant.googlePlaceCid, null);
      assert.equal(tenant.xhsHandle, null);
      assert.equal(tenant.logoUrl, null);
    } finally {
      await site.close();
    }
  });

  test('a Maps short link that fails → mapsUrl; one that ends without a CID → googlePlaceCid; a blocked address says so', async () => {
    // The short link's last hop is a Maps page without a CID (Google itself, played locally).
    let port = 0;
    const site = await localServer((req, res) => {
      if (req.url === '/broken') return res.writeHead(502).end();
      if (String(req.headers.host).startsWith('www.google.com')) return res.writeHead(200, { 'content-type': 'text/html' }).end('<html></html>');
      res.writeHead(302, { location: `http://www.google.com:${port}/maps/search/?q=somewhere` }).end();
    });
    port = site.port;
    try {
      t.rt.outbound = { resolve: hosts({ 'maps.app.goo.gl': '127.0.0.1', 'www.google.com': '127.0.0.1' }), allowPrivate: true };
      const broken = await created({ name: 'Broken Short', vertical: 'fnb', mapsUrl: `http://maps.app.goo.gl:${site.port}/broken` });
      assert.deepEqual(fields(broken), ['mapsUrl']);
      assert.match(broken.unresolved[0].reason, /could not be followed \(it answered HTTP 502\).*kept as given/);
      const noCid = await created({ name: 'No Cid Short', vertical: 'fnb', mapsUrl: `http://maps.app.goo.gl:${site.port}/nocid` });
      assert.deepEqual(fields(noCid), ['googlePlaceCid']);

      t.rt.outbound = { resolve: hosts({ 'maps.app.goo.gl': '127.0.0.1' }), allowPrivate: false };
      const blocked = await created({ name: 'Blocked Short', vertical: 'fnb', mapsUrl: `http://maps.app.goo.gl:${site.port}/x` });
      assert.deepEqual(fields(blocked), ['mapsUrl']);
      assert.match(blocked.unresolved[0].reason, /private or local network address/);
      assert.ok(!blocked.unresolved[0].reason.includes('127.0.0.1'), 'no internal address is echoed');
    } finally {
      await site.close();
    }
  });

  test('a website without theme-color or usable icon → brandPrimaryColor and logoUrl', async () => {
    const site = await localServer((req, res) => {
      if (req.url === '/') return res.writeHead(200, { 'content-type': 'text/html' }).end('<title>plain</title>');
      res.writeHead(404).end();
    });
    try {
      t.rt.outbound = { resolve: hosts({ 'plain.test': '127.0.0.1' }), allowPrivate: true };
      const body = await created({ name: 'Plain Site', vertical: 'fnb', xhsInput: '@plain', websiteUrl: `http://plain.test:${site.port}/` });
      assert.deepEqual(fields(body), ['brandPrimaryColor', 'logoUrl']);
      assert.ok(body.unresolved.every((u: { reason: string }) => u.reason.length > 20));
    } finally {
      await site.close();
    }
  });

  test('the OpenAPI document describes unresolved and explains mode', async () => {
    const doc = (await t.call('GET', '/api/v1/openapi')).json();
    const schema = doc.components.schemas.ProvisionResponse;
    assert.ok(schema.required.includes('unresolved'));
    assert.deepEqual(schema.properties.unresolved.items.properties.field.enum, ['websiteUrl', 'brandPrimaryColor', 'logoUrl', 'mapsUrl', 'googlePlaceCid', 'xhsInput']);
    assert.match(schema.properties.unresolved.description, /could not be fetched or resolved/);
    assert.match(schema.properties.mode.description, /`owner`.*single-use link.*`demo`.*temporaryPassword/s);
  });
});

describe('POST /tenants: atomicity', () => {
  test('a failure at the last step inside the transaction leaves nothing; a retry with the same body succeeds', async () => {
    // A real database failure at the very end of the transaction (the tenant.provisioned event),
    // after the tenant, logo, shop, user, templates, billing, token and mail rows were written.
    await t.rt.db.execute(sql.raw(`create function orgstack_test_fail() returns trigger language plpgsql as $$ begin raise exception 'injected failure'; end $$`));
    await t.rt.db.execute(
      sql.raw(`create trigger orgstack_test_fail before insert on events for each row when (new.type = 'tenant.provisioned') execute function orgstack_test_fail()`),
    );
    const body = { name: 'Atomic Bakery', vertical: 'fnb', mapsUrl: 'https://maps.google.com/?cid=77', ownerEmail: 'owner@atomic.example' };
    const headers = { 'idempotency-key': 'atomic-1' };
    const before = await counts();
    try {
      const res = await provision(body, { headers });
      const err = assertError(res, 500, 'internal');
      assert.ok(!JSON.stringify(err).includes('injected'), 'no internals leak');
      assert.deepEqual(await counts(), before, 'not one row of the tenant remains');
      assert.equal((await t.rt.db.select().from(tenants).where(eq(tenants.slug, 'atomic-bakery'))).length, 0);
      assert.equal((await t.rt.db.select().from(users).where(eq(users.username, 'atomic-bakery'))).length, 0);
    } finally {
      await t.rt.db.execute(sql.raw('drop trigger orgstack_test_fail on events'));
      await t.rt.db.execute(sql.raw('drop function orgstack_test_fail()'));
    }
    // The 500 was not stored under the Idempotency-Key: the retry runs again, and takes the
    // slug and username the failed attempt would have had (nothing of it is in the way).
    const retry = await provision(body, { headers });
    assert.equal(retry.statusCode, 201, retry.body);
    assert.equal(retry.headers['idempotent-replayed'], undefined);
    const created = retry.json();
    assert.equal(created.slug, 'atomic-bakery');
    assert.equal(created.loginUsername, 'atomic-bakery');
    assert.equal(created.mode, 'owner');
    const now = await counts();
    assert.equal(now.tenants, before.tenants + 1);
    assert.equal(now.shops, before.shops + 1);
    assert.equal(now.users, before.users + 1);
    assert.equal(now.templates, before.templates + 20);
    assert.equal(now.billingRecords, before.billingRecords + 1);
    assert.equal(now.events, before.events + 1);
    assert.equal(now.userTokens, before.userTokens + 1);
    assert.equal(now.mailOutbox, before.mailOutbox + 1);
  });
});

describe('POST /tenants: owner mode without SMTP', () => {
  test('mode owner: no password, a reset token (hash only) and the mail kept in the outbox as logged', async () => {
    const body = await created({ name: 'Owner Mode Gym', vertical: 'services', xhsInput: '@gym', ownerEmail: 'Owner@Gym.example' });
    assert.equal(body.mode, 'owner');
    assert.equal(body.temporaryPassword, null);
    const [user] = await t.rt.db.select().from(users).where(eq(users.tenantId, body.id));
    assert.equal(user.email, 'Owner@Gym.example');
    assert.equal(user.passwordHash, null);
    assert.equal(user.mustChangePassword, false);
    const tokens = await t.rt.db.select().from(userTokens).where(eq(userTokens.userId, user.id));
    assert.equal(tokens.length, 1);
    assert.equal(tokens[0].purpose, 'reset_password');
    assert.match(tokens[0].tokenHash, /^[0-9a-f]{64}$/);
    const ttl = tokens[0].expiresAt.getTime() - tokens[0].createdAt.getTime();
    assert.equal(ttl, 72 * 3600_000);

    const [mail] = await t.rt.db.select().from(mailOutbox).where(eq(mailOutbox.tenantId, body.id));
    assert.equal(mail.status, 'logged');
    assert.equal(mail.to, 'Owner@Gym.example');
    assert.match(mail.subject, /Owner Mode Gym/);
    const link = /http:\/\/orgstack\.test\/dashboard\/reset-password\?token=([A-Za-z0-9]+)/.exec(mail.text);
    assert.ok(link, mail.text);
    assert.match(mail.text, /owner-mode-gym/);
    const { sha256Hex } = await import('../../src/platform/secrets.ts');
    assert.equal(sha256Hex(link[1]), tokens[0].tokenHash, 'the link carries the token whose hash is stored');
  });
});
