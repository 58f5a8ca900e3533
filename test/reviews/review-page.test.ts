// The public review funnel through HTTP: /r/<code> (scan, reload, bots), the rating and feedback
// form posts (JSON for the page's script, post/redirect/get without it), /r/<code>/go/<channel>,
// every refusal (unknown, inactive, suspended, CSRF, limits, bad input, oversized bodies), the
// owner alert on a real SMTP server, and that the database and analytics match what happened.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { and, asc, eq, like, sql } from 'drizzle-orm';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { queryRows } from '../../src/db/index.ts';
import { auditLog, events, mailOutbox, users } from '../../src/platform/tables.ts';
import { reviewSessions } from '../../src/reviews/tables.ts';
import { uuidv7 } from '../../src/platform/ids.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { awayFromEdge, MINUTE } from '../helpers/clock.ts';
import { startSmtpServer, textBody, mailHeader, type LocalSmtp } from '../helpers/smtp.ts';

const PHONE_UA = 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1';
const PLACE_ID = 'ChIJN1t_tDeuEmsRUsoyG83frY4';

let t: TestApp;
let smtp: LocalSmtp;
let platformKey: string;
before(async () => {
  smtp = await startSmtpServer();
  t = await startTestApp({ SMTP_URL: smtp.url });
  platformKey = await t.platformKey();
});
after(async () => {
  await t.close();
  await smtp.close();
});

let ipCounter = 0;
/** Each visitor gets an address of its own, so the per-IP limit only bites where a test wants it. */
const newIp = () => `198.51.100.${++ipCounter}`;

/** A phone on the public page, keeping its cookies like a browser would. */
class Visitor {
  cookies = new Map<string, string>();
  constructor(
    readonly app: TestApp,
    readonly ip = newIp(),
    readonly headers: Record<string, string> = { 'user-agent': PHONE_UA },
  ) {}

  async request(method: InjectOptions['method'], url: string, opts: { form?: Record<string, string>; json?: boolean; headers?: Record<string, string>; payload?: string } = {}) {
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await this.app.app.inject({
      method,
      url,
      remoteAddress: this.ip,
      headers: {
        ...this.headers,
        ...(cookie ? { cookie } : {}),
        ...(opts.form || opts.payload ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
        ...(opts.json ? { accept: 'application/json' } : {}),
        ...opts.headers,
      },
      ...(opts.form ? { payload: new URLSearchParams(opts.form).toString() } : opts.payload ? { payload: opts.payload } : {}),
    });
    for (const c of setCookies(res)) {
      const [pair] = c.split(';');
      const i = pair.indexOf('=');
      this.cookies.set(pair.slice(0, i), pair.slice(i + 1));
    }
    return res;
  }

  open(code: string, query = '') {
    return this.request('GET', `/r/${code}${query}`);
  }

  /** Opens the page and returns the CSRF token of its forms. */
  async csrf(code: string): Promise<string> {
    const res = await this.open(code);
    assert.equal(res.statusCode, 200, res.body);
    return /name="csrf" value="([^"]+)"/.exec(res.body)![1];
  }

  async rate(code: string, rating: string, opts: { json?: boolean; csrf?: string; extra?: Record<string, string> } = {}) {
    const csrf = opts.csrf ?? (await this.csrf(code));
    return this.request('POST', `/r/${code}/rating`, { form: { csrf, rating, ...opts.extra }, json: opts.json });
  }

  async feedback(code: string, form: Record<string, string>, opts: { json?: boolean; csrf?: string } = {}) {
    const csrf = opts.csrf ?? (await this.csrf(code));
    return this.request('POST', `/r/${code}/feedback`, { form: { csrf, ...form }, json: opts.json });
  }
}

function setCookies(res: LightMyRequestResponse): string[] {
  const h = res.headers['set-cookie'];
  return h === undefined ? [] : Array.isArray(h) ? h : [String(h)];
}

interface Setup {
  tenantId: string;
  key: string;
  shopId: string;
  employee: { id: string; code: string; name: string };
}

async function setup(opts: { tenantName?: string; shop?: Record<string, unknown>; templates?: { body: string; language: string }[] } = {}): Promise<Setup> {
  const a = await t.tenantWithKey({ name: opts.tenantName ?? 'Harbour Salon' });
  const shopRes = await t.call('POST', `/api/v1/tenants/${a.tenant.id}/shops`, {
    key: a.key,
    body: { name: 'Riverside', googlePlaceId: PLACE_ID, xhsHandle: 'harboursalon', ...opts.shop },
  });
  assert.equal(shopRes.statusCode, 201, shopRes.body);
  const shopId = shopRes.json().shop.id;
  const empRes = await t.call('POST', `/api/v1/tenants/${a.tenant.id}/employees`, { key: a.key, body: { shopId, name: 'Mei Lin' } });
  assert.equal(empRes.statusCode, 201, empRes.body);
  for (const tpl of opts.templates ?? []) {
    const res = await t.call('POST', `/api/v1/tenants/${a.tenant.id}/templates`, { key: a.key, body: tpl });
    assert.equal(res.statusCode, 201, res.body);
  }
  return { tenantId: a.tenant.id, key: a.key, shopId, employee: empRes.json().employee };
}

const sessionsOf = (tenantId: string) => t.rt.db.select().from(reviewSessions).where(eq(reviewSessions.tenantId, tenantId)).orderBy(asc(reviewSessions.id));

async function analytics(s: Setup) {
  await t.rt.flush();
  const res = await t.call('GET', `/api/v1/tenants/${s.tenantId}/analytics?days=7`, { key: s.key });
  assert.equal(res.statusCode, 200, res.body);
  return res.json().summary;
}

/** Polls until the page shows what a committed change should make it show (caches drop on NOTIFY). */
async function eventually(check: () => Promise<boolean>, ms = 3000) {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('GET /r/<code>', () => {
  test('a first view: the branded page, a visit cookie scoped to the link, one review session (a scan), strict headers, no audit row', async () => {
    const s = await setup();
    const v = new Visitor(t);
    const res = await v.open(s.employee.code);
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.headers['content-type'], 'text/html; charset=utf-8');
    assert.match(res.body, /^<!doctype html><html lang="en"/);
    assert.match(res.body, /<meta name="viewport" content="width=device-width,initial-scale=1">/);
    assert.match(res.body, /<meta name="robots" content="noindex,nofollow">/);
    assert.match(res.body, /Mei Lin · Riverside/);
    assert.match(res.body, /Harbour Salon/);
    for (let n = 1; n <= 5; n++) assert.match(res.body, new RegExp(`name="rating" value="${n}"`));
    assert.equal(res.headers['x-robots-tag'], 'noindex, nofollow');
    assert.equal(res.headers['cache-control'], 'no-store');
    assert.equal(res.headers['referrer-policy'], 'no-referrer');
    const csp = String(res.headers['content-security-policy']);
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /script-src 'sha256-[A-Za-z0-9+/=]+'/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|https?:/);
    // No third-party resources: nothing in the page points off our origin but the shop's own links, which go through /go/.
    assert.doesNotMatch(res.body, /(src|href)="https?:/);
    assert.ok(Buffer.byteLength(res.body) < 30 * 1024, `page is ${Buffer.byteLength(res.body)} bytes`);

    const [cookie] = setCookies(res).filter((c) => c.startsWith('visit='));
    assert.match(cookie, new RegExp(`; Path=/r/${s.employee.code}; Max-Age=43200; HttpOnly; SameSite=Lax$`));
    const rows = await sessionsOf(s.tenantId);
    assert.equal(rows.length, 1);
    assert.equal(rows[0].employeeId, s.employee.id);
    assert.equal(rows[0].shopId, s.shopId);
    assert.ok(rows[0].scannedAt);
    assert.equal(rows[0].rating, null);
    assert.ok(cookie.startsWith(`visit=${rows[0].id}.0.0.`), 'the cookie names the session');
    await t.rt.flush();
    const audited = await t.rt.db.select().from(auditLog).where(like(auditLog.route, '/r/%'));
    assert.equal(audited.length, 0, 'public pages are funnel events, not audit rows');
    assert.equal((await analytics(s)).scans, 1);
  });

  test('reloads within the visit are not new scans; another employee’s link is its own visit', async () => {
    const s = await setup();
    const v = new Visitor(t);
    for (let i = 0; i < 3; i++) assert.equal((await v.open(s.employee.code)).statusCode, 200);
    assert.equal((await sessionsOf(s.tenantId)).length, 1);
    const other = await t.call('POST', `/api/v1/tenants/${s.tenantId}/employees`, { key: s.key, body: { shopId: s.shopId, name: 'Tom' } });
    await v.open(other.json().employee.code);
    assert.equal((await sessionsOf(s.tenantId)).length, 2);
    assert.equal((await analytics(s)).scans, 2);
  });

  test('a forged or foreign visit cookie is ignored: the view opens a new session', async () => {
    const s = await setup();
    const v = new Visitor(t);
    await v.open(s.employee.code);
    const [sid, , , sig] = v.cookies.get('visit')!.split('.');
    v.cookies.set('visit', `${sid}.5.1.${sig}`); // claims a rating it never gave
    const res = await v.open(s.employee.code);
    assert.equal(res.statusCode, 200);
    assert.doesNotMatch(res.body, /data-state="rated"/);
    assert.equal((await sessionsOf(s.tenantId)).length, 2);
  });

  test('bots, link previews, HEAD probes and prefetches get the page but open no session', async () => {
    const s = await setup();
    const agents = ['Googlebot/2.1 (+http://www.google.com/bot.html)', 'WhatsApp/2.23', 'facebookexternalhit/1.1', 'curl/8.5.0', ''];
    for (const ua of agents) {
      const res = await new Visitor(t, newIp(), { 'user-agent': ua }).open(s.employee.code);
      assert.equal(res.statusCode, 200, ua);
      assert.equal(setCookies(res).filter((c) => c.startsWith('visit=')).length, 0, ua);
      assert.doesNotMatch(res.body, /name="csrf"/);
    }
    const head = await new Visitor(t).request('HEAD', `/r/${s.employee.code}`);
    assert.equal(head.statusCode, 200);
    const prefetch = await new Visitor(t).request('GET', `/r/${s.employee.code}`, { headers: { 'sec-purpose': 'prefetch' } });
    assert.equal(prefetch.statusCode, 200);
    assert.equal((await sessionsOf(s.tenantId)).length, 0);
    assert.equal((await analytics(s)).scans, 0);
  });

  test('unknown and malformed codes: a friendly 404 page, nothing recorded', async () => {
    for (const code of ['ZZZZZZZZZZ', 'abc', 'a%3Cb%3E', 'x'.repeat(40)]) {
      const res = await new Visitor(t).open(code);
      assert.equal(res.statusCode, 404, code);
      assert.equal(res.headers['content-type'], 'text/html; charset=utf-8');
      assert.match(res.body, /This review link is not valid/);
      assert.doesNotMatch(res.body, /stack|Error:/);
    }
    const deeper = await new Visitor(t).request('GET', '/r/ZZZZZZZZZZ/elsewhere');
    assert.equal(deeper.statusCode, 404);
    assert.match(deeper.body, /This review link is not valid/);
  });

  test('an inactive employee gets 410, a suspended tenant 404 "unavailable"; nothing recorded', async () => {
    const s = await setup();
    const off = await t.call('PATCH', `/api/v1/tenants/${s.tenantId}/employees/${s.employee.id}`, { key: s.key, body: { active: false } });
    assert.equal(off.statusCode, 200, off.body);
    let res = await new Visitor(t).open(s.employee.code);
    assert.equal(res.statusCode, 410);
    assert.match(res.body, /no longer active/);

    const s2 = await setup();
    const suspend = await t.call('PATCH', `/api/v1/tenants/${s2.tenantId}`, { key: platformKey, body: { status: 'suspended' } });
    assert.equal(suspend.statusCode, 200, suspend.body);
    res = await new Visitor(t).open(s2.employee.code);
    assert.equal(res.statusCode, 404);
    assert.match(res.body, /temporarily unavailable/);

    for (const x of [s, s2]) assert.equal((await sessionsOf(x.tenantId)).length, 0);
  });

  test('changes reach the page at once: a rename shows, a deactivation turns it into 410 (cached links are dropped on commit)', async () => {
    const s = await setup();
    const v = new Visitor(t);
    assert.match((await v.open(s.employee.code)).body, /Mei Lin/);
    await t.call('PATCH', `/api/v1/tenants/${s.tenantId}/employees/${s.employee.id}`, { key: s.key, body: { name: 'Mei L. Chen' } });
    await eventually(async () => /Mei L\. Chen/.test((await v.open(s.employee.code)).body));
    await t.call('PATCH', `/api/v1/tenants/${s.tenantId}/settings`, { key: s.key, body: { brandPrimaryColor: '#ff0066' } });
    await eventually(async () => /--primary:#ff0066/.test((await v.open(s.employee.code)).body));
    await t.call('PATCH', `/api/v1/tenants/${s.tenantId}/employees/${s.employee.id}`, { key: s.key, body: { active: false } });
    await eventually(async () => (await v.open(s.employee.code)).statusCode === 410);
  });

  test('everything a tenant typed is escaped: a name or template with <script> renders as text', async () => {
    const s = await setup({
      tenantName: '<script>alert(1)</script> Salon',
      templates: [{ body: 'Great cut! <script>alert("x")</script> <img src=x onerror=alert(1)>', language: 'en' }],
    });
    await t.call('PATCH', `/api/v1/tenants/${s.tenantId}/employees/${s.employee.id}`, { key: s.key, body: { name: '"><b>Mei</b>' } });
    const v = new Visitor(t);
    await eventually(async () => /&quot;&gt;&lt;b&gt;Mei&lt;\/b&gt;/.test((await v.open(s.employee.code)).body));
    const res = await v.open(s.employee.code);
    assert.match(res.body, /&lt;script&gt;alert\(1\)&lt;\/script&gt; Salon/);
    assert.match(res.body, /&lt;img src=x onerror=alert\(1\)&gt;/);
    // The only script element is ours (its hash is in the CSP).
    assert.equal(res.body.match(/<script>/g)?.length, 1);
    assert.doesNotMatch(res.body, /<b>Mei<\/b>|<img src=x/);
  });

  test('language: Accept-Language picks Chinese; ?lang= switches and is remembered; templates follow the language', async () => {
    const s = await setup({
      templates: [
        { body: 'Lovely haircut, friendly staff.', language: 'en' },
        { body: '发型很好看，店员很热情。', language: 'zh-CN' },
      ],
    });
    const v = new Visitor(t, newIp(), { 'user-agent': PHONE_UA, 'accept-language': 'zh-CN,zh;q=0.9,en;q=0.8' });
    let res = await v.open(s.employee.code);
    assert.match(res.body, /<html lang="zh-CN"/);
    assert.match(res.body, /这次体验怎么样？/);
    assert.match(res.body, /发型很好看/);
    assert.doesNotMatch(res.body, /Lovely haircut/);
    assert.match(res.body, /<a class="lang" href="\?lang=en"[^>]*>English<\/a>/);
    res = await v.open(s.employee.code, '?lang=en');
    assert.match(res.body, /<html lang="en"/);
    assert.match(res.body, /Lovely haircut/);
    assert.match(setCookies(res).join(), /lang=en; Path=\/r; Max-Age=31536000; SameSite=Lax/);
    res = await v.open(s.employee.code);
    assert.match(res.body, /<html lang="en"/, 'the choice is remembered over Accept-Language');
    assert.equal((await sessionsOf(s.tenantId)).length, 1, 'switching language is not a new visit');
  });
});

describe('POST /r/<code>/rating', () => {
  test('with the script (JSON): records the rating, answers {rating, positive, lead}, updates the visit cookie and the event', async () => {
    const s = await setup();
    const v = new Visitor(t);
    const res = await v.rate(s.employee.code, '5', { json: true });
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json(), { rating: 5, positive: true, lead: 'public' });
    const [row] = await sessionsOf(s.tenantId);
    assert.equal(row.rating, 5);
    assert.equal(row.positive, true);
    assert.ok(v.cookies.get('visit')!.startsWith(`${row.id}.5.0.`));
    const evts = await t.rt.db.select().from(events).where(and(eq(events.tenantId, s.tenantId), eq(events.type, 'review.rated')));
    assert.equal(evts.length, 1);
    // The reload shows the rated state from the cookie, leading with the public review.
    const page = await v.open(s.employee.code);
    assert.match(page.body, /data-state="rated" data-lead="public"/);
    assert.match(page.body, /Your rating: 5 of 5/);
    assert.match(page.body, new RegExp(`href="/r/${s.employee.code}/go/google"`));
    assert.match(page.body, new RegExp(`href="/r/${s.employee.code}/go/xhs"`));
    const sum = await analytics(s);
    assert.equal(sum.ratings, 1);
    assert.equal(sum.positive, 1);
    assert.equal(sum.averageRating, 5);
  });

  test('without the script: 303 back to the page (post/redirect/get), which leads with private feedback below the threshold but still offers the public review', async () => {
    const s = await setup();
    const v = new Visitor(t);
    const res = await v.rate(s.employee.code, '2');
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, `/r/${s.employee.code}`);
    const page = await v.open(s.employee.code);
    assert.match(page.body, /data-state="rated" data-lead="feedback"/);
    assert.match(page.body, /<form id="feedback-form" method="post"/);
    assert.match(page.body, /Review on Google Maps/, 'Google requires the review option for every customer');
    const [row] = await sessionsOf(s.tenantId);
    assert.equal(row.rating, 2);
    assert.equal(row.positive, false);
    assert.equal((await analytics(s)).negative, 1);
  });

  test('a second rating in one visit replaces the first and still counts as one rating', async () => {
    const s = await setup();
    const v = new Visitor(t);
    assert.equal((await v.rate(s.employee.code, '2', { json: true })).statusCode, 200);
    const res = await v.rate(s.employee.code, '4', { json: true });
    assert.deepEqual(res.json(), { rating: 4, positive: true, lead: 'public' });
    const rows = await sessionsOf(s.tenantId);
    assert.equal(rows.length, 1);
    assert.equal(rows[0].rating, 4);
    const sum = await analytics(s);
    assert.equal(sum.ratings, 1);
    assert.equal(sum.positive, 1);
    assert.equal(sum.negative, 0);
    assert.equal(sum.averageRating, 4);
  });

  test('ratings 0, 6, abc, 2.5 and a missing one: 400 with the form again (or fieldErrors as JSON); nothing recorded', async () => {
    const s = await setup();
    const v = new Visitor(t);
    const csrf = await v.csrf(s.employee.code);
    for (const rating of ['0', '6', 'abc', '2.5', '']) {
      const html = await v.rate(s.employee.code, rating, { csrf });
      assert.equal(html.statusCode, 400, rating);
      assert.match(html.body, /<p id="rate-error" class="error" role="alert">Please choose from 1 to 5 stars\.<\/p>/);
    }
    for (const rating of ['0', 'abc']) {
      const json = await v.rate(s.employee.code, rating, { csrf, json: true });
      assert.equal(json.statusCode, 400);
      assert.deepEqual(json.json().fieldErrors, { rating: ['Please choose from 1 to 5 stars.'] });
    }
    const missing = await v.request('POST', `/r/${s.employee.code}/rating`, { form: { csrf } });
    assert.equal(missing.statusCode, 400);
    const [row] = await sessionsOf(s.tenantId);
    assert.equal(row.rating, null);
    assert.equal((await analytics(s)).ratings, 0);
  });

  test('CSRF: no visit cookie, a missing or forged token, another visit’s token → 403 page; nothing recorded', async () => {
    const s = await setup();
    const v = new Visitor(t);
    const csrf = await v.csrf(s.employee.code);
    const stranger = new Visitor(t);
    let res = await stranger.request('POST', `/r/${s.employee.code}/rating`, { form: { csrf, rating: '5' } });
    assert.equal(res.statusCode, 403, 'no session cookie');
    assert.match(res.body, /This page has expired/);
    res = await v.request('POST', `/r/${s.employee.code}/rating`, { form: { rating: '5' } });
    assert.equal(res.statusCode, 403, 'no token');
    res = await v.request('POST', `/r/${s.employee.code}/rating`, { form: { rating: '5', csrf: 'A'.repeat(22) } });
    assert.equal(res.statusCode, 403, 'forged token');
    const otherCsrf = await stranger.csrf(s.employee.code);
    res = await v.request('POST', `/r/${s.employee.code}/rating`, { form: { rating: '5', csrf: otherCsrf }, json: true });
    assert.equal(res.statusCode, 403, "another visit's token");
    assert.equal(res.json().code, 'csrf_failed');
    assert.ok((await sessionsOf(s.tenantId)).every((r) => r.rating === null));
  });

  test('the honeypot: a filled hidden field looks accepted but records nothing', async () => {
    const s = await setup();
    const v = new Visitor(t);
    const res = await v.rate(s.employee.code, '5', { json: true, extra: { website: 'http://spam.example' } });
    assert.equal(res.statusCode, 200);
    assert.equal((await sessionsOf(s.tenantId))[0].rating, null);
  });

  test('a flood from one IP gets the 429 page with Retry-After (every attempt counts); the refused post changes nothing', async () => {
    const limited = await startTestApp({ PUBLIC_SUBMISSIONS_PER_MINUTE: '3' });
    try {
      const a = await limited.tenantWithKey();
      const shop = (await limited.call('POST', `/api/v1/tenants/${a.tenant.id}/shops`, { key: a.key, body: { name: 'S' } })).json().shop;
      const emp = (await limited.call('POST', `/api/v1/tenants/${a.tenant.id}/employees`, { key: a.key, body: { shopId: shop.id, name: 'E' } })).json().employee;
      const ip = newIp();
      const statuses: number[] = [];
      await awayFromEdge(MINUTE, 20_000); // the count is per clock minute
      for (let i = 0; i < 4; i++) {
        const v = new Visitor(limited, ip); // many phones behind one address
        statuses.push((await v.rate(emp.code, i === 1 ? 'abc' : '4')).statusCode);
      }
      assert.deepEqual(statuses, [303, 400, 303, 429]);
      const last = await new Visitor(limited, ip).rate(emp.code, '1');
      assert.equal(last.statusCode, 429);
      assert.match(last.body, /Too many submissions/);
      const retry = Number(last.headers['retry-after']);
      assert.ok(retry >= 1 && retry <= 60, `Retry-After ${retry}`);
      const rated = await queryRows<{ n: number }>(limited.rt.db, sql`select count(*)::int as n from review_sessions where tenant_id = ${a.tenant.id} and rating is not null`);
      assert.equal(rated[0].n, 2);
      // Another address is not affected.
      assert.equal((await new Visitor(limited).rate(emp.code, '5')).statusCode, 303);
    } finally {
      await limited.close();
    }
  });

  test('one visit may submit at most 10 times a minute: the 11th is 429', async () => {
    const s = await setup();
    const v = new Visitor(t);
    const csrf = await v.csrf(s.employee.code);
    const statuses: number[] = [];
    // The counter's window is the clock's minute: start the eleven posts well inside one.
    await awayFromEdge(MINUTE, 20_000);
    for (let i = 0; i < 11; i++) statuses.push((await v.rate(s.employee.code, String((i % 5) + 1), { csrf, json: true })).statusCode);
    assert.deepEqual(statuses, [...Array(10).fill(200), 429]);
    assert.equal((await sessionsOf(s.tenantId))[0].rating, 5, 'the 10th rating stands');
  });

  test('a code that cannot take reviews refuses posts the same way as views', async () => {
    const s = await setup();
    const v = new Visitor(t);
    const csrf = await v.csrf(s.employee.code);
    await t.call('PATCH', `/api/v1/tenants/${s.tenantId}/employees/${s.employee.id}`, { key: s.key, body: { active: false } });
    await eventually(async () => (await v.open(s.employee.code)).statusCode === 410);
    const res = await v.rate(s.employee.code, '5', { csrf });
    assert.equal(res.statusCode, 410);
    assert.match(res.body, /no longer active/);
    assert.equal((await sessionsOf(s.tenantId))[0].rating, null);
  });
});

describe('POST /r/<code>/feedback', () => {
  test('private feedback: 303, stored on the session, listed by GET /feedback with its sessionId, counted once', async () => {
    const s = await setup();
    const v = new Visitor(t);
    await v.rate(s.employee.code, '2');
    const res = await v.feedback(s.employee.code, { message: '  The wait was 40 minutes.  ', contact: 'ana@example.com' });
    assert.equal(res.statusCode, 303);
    const [row] = await sessionsOf(s.tenantId);
    assert.equal(row.feedbackMessage, 'The wait was 40 minutes.');
    assert.equal(row.feedbackContact, 'ana@example.com');
    const page = await v.open(s.employee.code);
    assert.match(page.body, /data-done="feedback"/);
    assert.match(page.body, /Thank you\. Your message was sent to the owner\./);

    const list = await t.call('GET', `/api/v1/tenants/${s.tenantId}/feedback`, { key: s.key });
    assert.equal(list.statusCode, 200);
    const [item] = list.json().feedback;
    assert.equal(item.sessionId, row.id);
    assert.equal(item.rating, 2);
    assert.equal(item.message, 'The wait was 40 minutes.');
    assert.equal(item.contact, 'ana@example.com');
    assert.equal(item.employeeName, 'Mei Lin');
    assert.equal(item.shopName, 'Riverside');

    // A second submission in the visit does not overwrite the first or count again.
    assert.equal((await v.feedback(s.employee.code, { message: 'again' }, { json: true })).statusCode, 200);
    assert.equal((await sessionsOf(s.tenantId))[0].feedbackMessage, 'The wait was 40 minutes.');
    const sum = await analytics(s);
    assert.equal(sum.feedback, 1);
    assert.equal(sum.unresolvedFeedback, 1);
  });

  test('a NUL character in the form (%00, which PostgreSQL text cannot hold) is dropped: the feedback is stored, not a 500', async () => {
    const s = await setup();
    const v = new Visitor(t);
    await v.rate(s.employee.code, '2');
    const res = await v.feedback(s.employee.code, { message: 'Cold\u0000 coffee', contact: '\u0000ana' });
    assert.equal(res.statusCode, 303);
    const [row] = await sessionsOf(s.tenantId);
    assert.deepEqual([row.feedbackMessage, row.feedbackContact], ['Cold coffee', 'ana']);
  });

  test('bad input: an empty or 2,001-character message, an overlong contact → 400 with the form and the text kept; a 100 KB body → 413 page; nothing stored', async () => {
    const s = await setup();
    const v = new Visitor(t);
    await v.rate(s.employee.code, '1');
    let res = await v.feedback(s.employee.code, { message: '   ' });
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /Please write a message\./);
    res = await v.feedback(s.employee.code, { message: 'x'.repeat(2001), contact: 'me' });
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /Please keep it under 2000 characters\./);
    assert.match(res.body, /value="me"/, 'what the customer typed is kept');
    res = await v.feedback(s.employee.code, { message: 'ok', contact: 'c'.repeat(201) }, { json: true });
    assert.equal(res.statusCode, 400);
    assert.deepEqual(Object.keys(res.json().fieldErrors), ['contact']);
    res = await v.feedback(s.employee.code, { message: 'y'.repeat(100 * 1024) });
    assert.equal(res.statusCode, 413);
    assert.match(res.body, /That was too long/);
    res = await v.request('POST', `/r/${s.employee.code}/feedback`, { payload: 'not a form', headers: { 'content-type': 'text/plain' } });
    assert.equal(res.statusCode, 415);
    assert.match(res.headers['content-type'] as string, /text\/html/);
    const [row] = await sessionsOf(s.tenantId);
    assert.equal(row.feedbackMessage, null);
    assert.equal((await analytics(s)).feedback, 0);
  });

  test('CSRF: without a visit or with a forged token → 403; nothing stored', async () => {
    const s = await setup();
    const v = new Visitor(t);
    await v.rate(s.employee.code, '1');
    let res = await new Visitor(t).request('POST', `/r/${s.employee.code}/feedback`, { form: { message: 'hi', csrf: 'x' } });
    assert.equal(res.statusCode, 403);
    res = await v.request('POST', `/r/${s.employee.code}/feedback`, { form: { message: 'hi' } });
    assert.equal(res.statusCode, 403);
    res = await v.request('POST', `/r/${s.employee.code}/feedback`, { form: { message: 'hi', csrf: 'B'.repeat(22) } });
    assert.equal(res.statusCode, 403);
    assert.equal((await sessionsOf(s.tenantId))[0].feedbackMessage, null);
  });
});

describe('owner alert for negative feedback', () => {
  async function withPeople(s: Setup) {
    const people = [
      { role: 'owner', email: `owner-${uuidv7().slice(-8)}@example.com` },
      { role: 'admin', email: `admin-${uuidv7().slice(-8)}@example.com` },
      { role: 'member', email: `member-${uuidv7().slice(-8)}@example.com` },
    ];
    for (const p of people) {
      const u = await t.createUser({ tenantId: s.tenantId, role: p.role });
      await t.rt.db.update(users).set({ email: p.email }).where(eq(users.id, u.id));
    }
    return people;
  }

  test('feedback below the threshold emails owners and admins (not members) with shop, employee, rating, message and the inbox link; the contact stays out', async () => {
    const s = await setup();
    const [owner, admin, member] = await withPeople(s);
    const v = new Visitor(t);
    await v.rate(s.employee.code, '2');
    const started = Date.now();
    const res = await v.feedback(s.employee.code, { message: 'Rude at the desk.\nNo apology.', contact: '+1 555 0100' });
    assert.equal(res.statusCode, 303);
    const mail = await smtp.waitFor((m) => m.to.includes(owner.email));
    await smtp.waitFor((m) => m.to.includes(admin.email));
    assert.ok(Date.now() - started < 5000);
    assert.match(mailHeader(mail.raw, 'Subject')!, /Private feedback \(2★\)|=\?UTF-8\?/);
    const text = textBody(mail.raw);
    assert.match(text, /Harbour Salon/);
    assert.match(text, /Shop: +Riverside/);
    assert.match(text, /Employee: Mei Lin/);
    assert.match(text, /Rating: +2 of 5/);
    assert.match(text, /Rude at the desk\.\r?\n +No apology\./);
    assert.match(text, /http:\/\/orgstack\.test\/dashboard\/feedback/);
    assert.doesNotMatch(text, /555 0100/);
    await new Promise((r) => setTimeout(r, 200));
    assert.ok(!smtp.inbox.some((m) => m.to.includes(member.email)), 'members are not alerted');
    const outbox = await t.rt.db.select().from(mailOutbox).where(eq(mailOutbox.tenantId, s.tenantId));
    assert.equal(outbox.length, 2);
    await eventually(async () => (await t.rt.db.select().from(mailOutbox).where(eq(mailOutbox.tenantId, s.tenantId))).every((m) => m.status === 'sent'));
  });

  test('no alert for positive feedback, or when the tenant turned alerts off', async () => {
    const s = await setup();
    await withPeople(s);
    const happy = new Visitor(t);
    await happy.rate(s.employee.code, '5');
    assert.equal((await happy.feedback(s.employee.code, { message: 'Loved it' })).statusCode, 303);
    const off = await t.call('PATCH', `/api/v1/tenants/${s.tenantId}/settings`, { key: s.key, body: { notifyOnNegativeFeedback: false } });
    assert.equal(off.statusCode, 200, off.body);
    const unhappy = new Visitor(t);
    await unhappy.rate(s.employee.code, '1');
    assert.equal((await unhappy.feedback(s.employee.code, { message: 'Bad' })).statusCode, 303);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal((await t.rt.db.select().from(mailOutbox).where(eq(mailOutbox.tenantId, s.tenantId))).length, 0);
  });
});

describe('GET /r/<code>/go/<channel>', () => {
  test('records the click once per channel and visit, then 302s to the shop’s own listing (write-review form when the Place ID is known)', async () => {
    const s = await setup();
    const v = new Visitor(t);
    await v.rate(s.employee.code, '5');
    let res = await v.request('GET', `/r/${s.employee.code}/go/google`);
    assert.equal(res.statusCode, 302);
    assert.equal(res.headers.location, `https://search.google.com/local/writereview?placeid=${PLACE_ID}`);
    assert.equal(res.headers['referrer-policy'], 'no-referrer');
    res = await v.request('GET', `/r/${s.employee.code}/go/google`);
    assert.equal(res.statusCode, 302);
    res = await v.request('GET', `/r/${s.employee.code}/go/xhs`);
    assert.equal(res.headers.location, 'https://www.xiaohongshu.com/user/profile/harboursalon');
    const [row] = await sessionsOf(s.tenantId);
    assert.ok(row.googleClickedAt && row.xhsClickedAt);
    const clicks = await t.rt.db.select().from(events).where(and(eq(events.tenantId, s.tenantId), eq(events.type, 'review.clicked')));
    assert.equal(clicks.length, 2);
    const sum = await analytics(s);
    assert.equal(sum.googleClicks, 1);
    assert.equal(sum.xhsClicks, 1);
    assert.equal(sum.reviewClicks, 2);
  });

  test('without a Place ID the button leads to the shop’s Maps listing', async () => {
    const s = await setup({ shop: { googlePlaceId: null, googleMapsUrl: 'https://maps.google.com/?cid=12345678901234567890', xhsHandle: null } });
    const v = new Visitor(t);
    await v.open(s.employee.code);
    const res = await v.request('GET', `/r/${s.employee.code}/go/google`);
    assert.equal(res.statusCode, 302);
    assert.equal(res.headers.location, 'https://maps.google.com/?cid=12345678901234567890');
  });

  test('a channel the shop does not have, or no such channel → 404 page; no visit → still redirected, nothing counted', async () => {
    const s = await setup({ shop: { xhsHandle: null } });
    const v = new Visitor(t);
    const page = await v.open(s.employee.code);
    assert.doesNotMatch(page.body, /go\/xhs/);
    for (const channel of ['xhs', 'facebook', 'GOOGLE']) {
      const res = await v.request('GET', `/r/${s.employee.code}/go/${channel}`);
      assert.equal(res.statusCode, 404, channel);
      assert.match(res.headers['content-type'] as string, /text\/html/);
    }
    const stranger = await new Visitor(t).request('GET', `/r/${s.employee.code}/go/google`);
    assert.equal(stranger.statusCode, 302);
    const rows = await sessionsOf(s.tenantId);
    assert.ok(rows.every((r) => !r.googleClickedAt && !r.xhsClickedAt));
    assert.equal((await analytics(s)).reviewClicks, 0);
  });
});

describe('the funnel end to end', () => {
  test('analytics match what happened across several visits', async () => {
    const s = await setup();
    // 4 scans; 3 ratings (5, 4, 1); 2 Google clicks; 1 Xiaohongshu click; 1 private feedback; 1 bot view.
    const a = new Visitor(t);
    await a.rate(s.employee.code, '5');
    await a.request('GET', `/r/${s.employee.code}/go/google`);
    await a.request('GET', `/r/${s.employee.code}/go/xhs`);
    const b = new Visitor(t);
    await b.rate(s.employee.code, '4');
    await b.request('GET', `/r/${s.employee.code}/go/google`);
    const c = new Visitor(t);
    await c.rate(s.employee.code, '1');
    await c.feedback(s.employee.code, { message: 'Cold water' });
    await new Visitor(t).open(s.employee.code);
    await new Visitor(t, newIp(), { 'user-agent': 'bingbot/2.0' }).open(s.employee.code);
    const sum = await analytics(s);
    assert.deepEqual(
      { scans: sum.scans, ratings: sum.ratings, positive: sum.positive, negative: sum.negative, googleClicks: sum.googleClicks, xhsClicks: sum.xhsClicks, feedback: sum.feedback },
      { scans: 4, ratings: 3, positive: 2, negative: 1, googleClicks: 2, xhsClicks: 1, feedback: 1 },
    );
    assert.equal(sum.averageRating, 3.33);
    assert.equal(sum.ratingRate, 0.75);
    assert.equal(sum.reviewRate, 1);
    const rows = await sessionsOf(s.tenantId);
    assert.equal(rows.length, 4);
  });
});
