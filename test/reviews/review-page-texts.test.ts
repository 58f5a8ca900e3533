// The review page's suggested texts and first screen through HTTP: `{employee}` filled with the
// employee's first name (English, Chinese, a title), unknown placeholders refused by the API and
// never shown, the brand before any tap (colour band, theme-color, logo as icon), and which
// visitors count as a scan: current phone browsers and in-app browsers always, bots never.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { and, asc, count, eq } from 'drizzle-orm';
import { events, tenants } from '../../src/platform/tables.ts';
import { uuidv7 } from '../../src/platform/ids.ts';
import { reviewSessions, templates } from '../../src/reviews/tables.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';

const IOS_SAFARI = 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/26.0 Mobile/15E148 Safari/604.1';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.close());

let ip = 0;
/** One page view by a new visitor (no cookie) with these headers. */
const open = (code: string, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'GET', url: `/r/${code}`, remoteAddress: `203.0.113.${++ip % 250}`, headers: { 'user-agent': IOS_SAFARI, ...headers } });

interface Setup {
  tenantId: string;
  key: string;
  codes: Record<string, string>;
}

/** A tenant with a shop on Google and Xiaohongshu, the given employees and templates (through the API). */
async function setup(employees: string[], tpls: { body: string; language: string }[]): Promise<Setup> {
  const a = await t.tenantWithKey({ name: 'Luna Hair Studio' });
  const call = async (method: 'POST' | 'PATCH', url: string, body: unknown, status: number) => {
    const res = await t.call(method, `/api/v1/tenants/${a.tenant.id}${url}`, { key: a.key, body });
    assert.equal(res.statusCode, status, res.body);
    return res.json();
  };
  await call('PATCH', '/settings', { brandPrimaryColor: '#7c3aed', brandAccentColor: '#f59e0b' }, 200);
  const { shop } = await call('POST', '/shops', { name: 'Riverside', googlePlaceId: 'ChIJN1t_tDeuEmsRUsoyG83frY4', xhsHandle: 'lunahair' }, 201);
  const codes: Record<string, string> = {};
  for (const name of employees) codes[name] = (await call('POST', '/employees', { shopId: shop.id, name }, 201)).employee.code;
  for (const tpl of tpls) await call('POST', '/templates', tpl, 201);
  return { tenantId: a.tenant.id, key: a.key, codes };
}

/** The suggested texts of a page, as the customer reads and copies them (the <p> the copy button copies). */
function shownTexts(html: string): string[] {
  const list = /<ul class="tpl">([\s\S]*?)<\/ul>/.exec(html)?.[1] ?? '';
  return [...list.matchAll(/<li><p>([\s\S]*?)<\/p>/g)].map((m) => m[1]);
}

describe('suggested texts on the review page', () => {
  test('{employee} is the first name of the employee scanned, in English and Chinese; no placeholder reaches the page', async () => {
    const s = await setup(
      ['Mei Lin', '王小美', 'Dr. Sarah Lee'],
      [
        { body: 'Thanks to {employee} for the great cut.', language: 'en' },
        { body: '{employee} listened to what I wanted.', language: 'en' },
        { body: 'Lovely team, spotless salon.', language: 'en' },
        { body: '谢谢{employee}的推荐，发型很满意。', language: 'zh-CN' },
      ],
    );
    const expected: Record<string, { en: string[]; zh: string }> = {
      'Mei Lin': { en: ['Thanks to Mei for the great cut.', 'Mei listened to what I wanted.', 'Lovely team, spotless salon.'], zh: '谢谢Mei的推荐，发型很满意。' },
      王小美: { en: ['Thanks to 王小美 for the great cut.', '王小美 listened to what I wanted.', 'Lovely team, spotless salon.'], zh: '谢谢王小美的推荐，发型很满意。' },
      'Dr. Sarah Lee': { en: ['Thanks to Dr. Lee for the great cut.', 'Dr. Lee listened to what I wanted.', 'Lovely team, spotless salon.'], zh: '谢谢Dr. Lee的推荐，发型很满意。' },
    };
    for (const [name, want] of Object.entries(expected)) {
      const en = await open(s.codes[name]);
      assert.equal(en.statusCode, 200, en.body);
      assert.deepEqual(shownTexts(en.body), want.en, name);
      const zh = await open(s.codes[name], { 'accept-language': 'zh-CN,zh;q=0.9' });
      assert.deepEqual(shownTexts(zh.body), [want.zh], name);
      for (const body of [en.body, zh.body]) assert.doesNotMatch(body, /\{employee\}|｛employee｝/i);
    }
    // The stored text keeps its placeholder: the page fills it per employee.
    const rows = await t.rt.db.select().from(templates).where(eq(templates.tenantId, s.tenantId)).orderBy(asc(templates.language), asc(templates.sortOrder));
    assert.equal(rows[0].body, 'Thanks to {employee} for the great cut.');
  });

  test('the built-in texts of a provisioned tenant reach the page filled (the four that name the employee among them)', async () => {
    const platformKey = await t.platformKey();
    const res = await t.call('POST', '/api/v1/tenants', { key: platformKey, body: { name: 'Jade Nails', vertical: 'beauty', xhsInput: '@jadenails' } });
    assert.equal(res.statusCode, 201, res.body);
    const tenantId = res.json().id;
    const emp = await t.call('POST', `/api/v1/tenants/${tenantId}/employees`, { key: platformKey, body: { shopId: res.json().shopId, name: 'Ana Souza' } });
    assert.equal(emp.statusCode, 201, emp.body);
    const stored = await t.rt.db.select().from(templates).where(eq(templates.tenantId, tenantId));
    const named = stored.filter((r) => r.body.includes('{employee}'));
    assert.ok(named.length >= 4, `${named.length} built-in texts name the employee`);
    // Only those texts, so every view shows them all: each filled with "Ana".
    for (const row of stored) if (!row.body.includes('{employee}')) await t.rt.db.update(templates).set({ active: false }).where(eq(templates.id, row.id));
    t.rt.reviewLinks.invalidate(tenantId);
    for (const lang of ['en', 'zh-CN']) {
      const page = await open(emp.json().employee.code, { 'accept-language': lang });
      const shown = shownTexts(page.body);
      assert.equal(shown.length, 2, lang);
      for (const text of shown) {
        assert.match(text, /Ana/, text);
        assert.doesNotMatch(text, /[{}｛｝]/, text);
      }
    }
  });

  test('the API refuses any other {…} (POST and PATCH), naming it; nothing is stored or announced', async () => {
    const s = await setup(['Mei Lin'], [{ body: 'Thanks to {employee}.', language: 'en' }]);
    const [row] = await t.rt.db.select().from(templates).where(eq(templates.tenantId, s.tenantId));
    const eventCount = async () => (await t.rt.db.select({ n: count() }).from(events).where(eq(events.tenantId, s.tenantId)))[0].n;
    const before = await eventCount();

    for (const body of ['Ask for {name} next time.', '谢谢｛员工｝！', 'Empty {} here']) {
      const res = await t.call('POST', `/api/v1/tenants/${s.tenantId}/templates`, { key: s.key, body: { body, language: 'en' } });
      assert.equal(res.statusCode, 400, res.body);
      const err = res.json();
      assert.equal(err.code, 'validation_failed');
      assert.match(err.fieldErrors.body[0], /^Unknown placeholder .+: the only placeholder is \{employee\}/);
    }
    const bad = await t.call('POST', `/api/v1/tenants/${s.tenantId}/templates`, { key: s.key, body: { body: 'At {shop} with {staff}', language: 'en' } });
    assert.equal(bad.json().fieldErrors.body[0], "Unknown placeholder {shop}, {staff}: the only placeholder is {employee} (the employee's first name)");

    const patch = await t.call('PATCH', `/api/v1/tenants/${s.tenantId}/templates/${row.id}`, { key: s.key, body: { body: 'Thanks {staff}!' } });
    assert.equal(patch.statusCode, 400, patch.body);
    assert.ok(patch.json().fieldErrors.body);
    const rows = await t.rt.db.select().from(templates).where(eq(templates.tenantId, s.tenantId));
    assert.deepEqual(rows.map((r) => r.body), ['Thanks to {employee}.']);
    assert.equal(await eventCount(), before);

    // Every spelling of {employee} is accepted, and a brace that opens nothing is just text.
    const ok = await t.call('POST', `/api/v1/tenants/${s.tenantId}/templates`, { key: s.key, body: { body: 'Thanks {{employee}} and ｛Employee｝ :-{', language: 'en' } });
    assert.equal(ok.statusCode, 201, ok.body);
    const page = await open(s.codes['Mei Lin']);
    assert.deepEqual(shownTexts(page.body), ['Thanks to Mei.', 'Thanks Mei and Mei :-{']);
  });

  test('a stored text with an unknown placeholder (written before the rule) is never shown', async () => {
    const s = await setup(['Mei Lin'], [{ body: 'Thanks to {employee}.', language: 'en' }]);
    await t.rt.db.insert(templates).values({ tenantId: s.tenantId, id: uuidv7(), vertical: 'beauty', language: 'en', body: 'Ask for {name} at {shop}!', active: true, sortOrder: 5 });
    t.rt.reviewLinks.invalidate(s.tenantId);
    const page = await open(s.codes['Mei Lin']);
    assert.deepEqual(shownTexts(page.body), ['Thanks to Mei.']);
    assert.doesNotMatch(page.body, /\{name\}|\{shop\}/);
  });
});

describe('the first screen shows the brand', () => {
  test('a band in the primary colour with the name, the toolbar colour, our icon; with a logo, the logo in the band and as the icon', async () => {
    const s = await setup(['Mei Lin'], []);
    const page = await open(s.codes['Mei Lin']);
    assert.match(page.body, /<meta name="theme-color" content="#7c3aed">/);
    assert.match(page.body, /<link rel="icon" href="\/favicon.ico">/);
    assert.match(page.body, /<style>:root\{--primary:#7c3aed;--on-primary:#ffffff;--accent:#f59e0b\}<\/style>/);
    // The header is the first thing in <main>, before the heading and the stars.
    assert.match(page.body, /<main[^>]*>\s*<header class="top"><span class="brand">Luna Hair Studio<\/span>/);
    assert.match(page.body, /\.top\{[^}]*background:var\(--primary\)/);

    const logoUrl = `${t.rt.config.publicUrl}/assets/logos/${s.tenantId}.png?v=abcdef12`;
    await t.rt.db.update(tenants).set({ logoUrl }).where(eq(tenants.id, s.tenantId));
    t.rt.reviewLinks.invalidate(s.tenantId);
    const branded = await open(s.codes['Mei Lin']);
    const path = `/assets/logos/${s.tenantId}.png?v=abcdef12`;
    assert.ok(branded.body.includes(`<link rel="icon" href="${path}">`), 'the logo is the tab icon');
    assert.ok(branded.body.includes(`<header class="top"><span class="logo-tile"><img class="logo" src="${path}" alt="Luna Hair Studio"></span>`));
  });
});

describe('who counts as a scan', () => {
  // Current phone browsers, and the in-app browsers a QR code or a shared link opens in.
  const PHONES: Record<string, string> = {
    'iOS Safari': IOS_SAFARI,
    'Android Chrome': 'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Mobile Safari/537.36',
    'WeChat on iOS': 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.61(0x18003d2c) NetType/WIFI Language/zh_CN',
    'WeChat on Android':
      'Mozilla/5.0 (Linux; Android 15; 24129PN74C Build/AQ3A.240812.002; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/134.0.6998.136 Mobile Safari/537.36 XWEB/1340129 MMWEBSDK/20250503 MMWEBID/7215 MicroMessenger/8.0.61.2880(0x28003D35) WeChat/arm64 Weixin NetType/WIFI Language/zh_CN ABI/arm64',
    'Xiaohongshu on iOS':
      'Mozilla/5.0 (iPhone; CPU iPhone OS 18_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 discover/8.95 (iPhone; iOS 18.6; zh_CN) Resolution/1179*2556 Version/8.95 Build/8950398 Device/(Apple Inc.;iPhone15,2) NetType/WiFi',
    'Xiaohongshu on Android':
      'Mozilla/5.0 (Linux; Android 14; V2309A Build/UP1A.231005.007; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/126.0.6478.134 Mobile Safari/537.36 XhsWebView/1 discover/8.95.0 NetType/WIFI',
    'Telegram on Android':
      'Mozilla/5.0 (Linux; Android 14; SM-S911B Build/UP1A.231005.007; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/131.0.6778.135 Mobile Safari/537.36 Telegram-Android/11.5.3 (Samsung SM-S911B; Android 14; SDK 34; HIGH)',
    'a phone whose model name holds "bot"':
      'Mozilla/5.0 (Linux; Android 13; CUBOT KINGKONG 9 Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/130.0.6723.102 Mobile Safari/537.36 MicroMessenger/8.0.50.2701(0x28003237) WeChat/arm64 Weixin NetType/4G Language/zh_CN ABI/arm64',
  };
  const BOTS: Record<string, string> = {
    'Googlebot (smartphone)':
      'Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/141.0.7390.122 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
    Googlebot: 'Googlebot/2.1 (+http://www.google.com/bot.html)',
    bingbot: 'Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)',
    Baiduspider: 'Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)',
    Bytespider: 'Mozilla/5.0 (Linux; Android 5.0) AppleWebKit/537.36 (KHTML, like Gecko) Mobile Safari/537.36 (compatible; Bytespider; spider-feedback@bytedance.com)',
    'iMessage / Facebook preview': 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_11_1) AppleWebKit/601.2.4 (KHTML, like Gecko) Version/9.0.1 Safari/601.2.4 facebookexternalhit/1.1 Facebot Twitterbot/1.0',
    'WhatsApp preview': 'WhatsApp/2.24.6.77 A',
    'Telegram preview': 'TelegramBot (like TwitterBot)',
    'Slack preview': 'Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)',
    'Discord preview': 'Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)',
    'Skype preview': 'Mozilla/5.0 (Windows NT 6.1; WOW64) SkypeUriPreview Preview/0.5',
    'headless Chrome': 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/142.0.0.0 Safari/537.36',
    curl: 'curl/8.5.0',
    'python-requests': 'python-requests/2.32.3',
    'Go client': 'Go-http-client/2.0',
    'some other program': 'ShopMonitor 1.0',
    'no user agent': '',
  };

  test('every current phone browser and in-app browser opens a review session', async () => {
    const s = await setup(['Mei Lin'], []);
    for (const [who, ua] of Object.entries(PHONES)) {
      const res = await open(s.codes['Mei Lin'], { 'user-agent': ua });
      assert.equal(res.statusCode, 200, who);
      const cookies = [res.headers['set-cookie']].flat().map(String);
      assert.ok(cookies.some((c) => c.startsWith('visit=')), `${who} gets a visit`);
      assert.match(res.body, /name="csrf"/, `${who} can rate`);
    }
    const sessions = await t.rt.db.select().from(reviewSessions).where(eq(reviewSessions.tenantId, s.tenantId));
    assert.equal(sessions.length, Object.keys(PHONES).length, 'one scan each');
  });

  test('crawlers, link previews, headless browsers and scripts get the page but open no session', async () => {
    const s = await setup(['Mei Lin'], []);
    for (const [who, ua] of Object.entries(BOTS)) {
      const res = await open(s.codes['Mei Lin'], { 'user-agent': ua });
      assert.equal(res.statusCode, 200, who);
      assert.equal(res.headers['set-cookie'], undefined, who);
      assert.doesNotMatch(res.body, /name="csrf"/, who);
    }
    const [{ n }] = await t.rt.db.select({ n: count() }).from(reviewSessions).where(and(eq(reviewSessions.tenantId, s.tenantId)));
    assert.equal(n, 0);
  });
});
