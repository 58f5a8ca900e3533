// The public review page in a real browser (Debian's Chromium driven by playwright-core) against a
// real HTTP server: the journeys a customer takes on a phone — rate and go to Google, rate low and
// write privately, the same without JavaScript, in Chinese — plus what only a browser can check:
// tap-target sizes, labels, keyboard use, CSP and console cleanliness, no third-party requests,
// the page's weight, and that injected markup stays text. Screenshots of every state go to
// test-results/review-*.png. Skips (with the printed reason) where there is no browser.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { eq } from 'drizzle-orm';
import { PNG } from 'pngjs';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { tenants } from '../../src/platform/tables.ts';
import { reviewSessions, tenantLogos } from '../../src/reviews/tables.ts';
import { freePort, startTestApp, type TestApp } from '../helpers/app.ts';
import { browserSkipReason, launchBrowser, newPhoneContext, screenshot, SCREENSHOTS } from '../helpers/browser.ts';

/** Each test skips with this reason (printed once) where the machine has no Chromium. */
const skip = browserSkipReason();

const PLACE_ID = 'ChIJN1t_tDeuEmsRUsoyG83frY4';
const GOOGLE_URL = `https://search.google.com/local/writereview?placeid=${PLACE_ID}`;
const XHS_URL = 'https://www.xiaohongshu.com/user/profile/brightsmile';
const XSS = '<script>alert(1)</script>';
const EN_TEMPLATES = [
  'Friendly team and spotless rooms. Booking was easy and they kept to the time.',
  'Gentle, thorough and on time. I left without a worry.',
  'Great service from start to finish — I will be back.',
];
const ZH_TEMPLATES = ['服务很贴心，环境干净整洁，预约也很方便。', '技术专业，态度温和，整个过程很安心。', '从头到尾都很满意，下次还会再来！'];

let t: TestApp;
let browser: Browser;
let base: string;

interface Link {
  tenantId: string;
  key: string;
  employeeId: string;
  code: string;
  url: string;
}

/** A tenant (through the REST API) with brand colours, a shop on Google and Xiaohongshu, an employee and en + zh-CN templates. */
async function setupLink(opts: { tenantName?: string; employeeName?: string; shopName?: string; en?: string[]; zh?: string[] } = {}): Promise<Link> {
  const { tenant, key } = await t.tenantWithKey({ name: opts.tenantName ?? 'Bright Smile Dental' });
  const ok = async (method: 'POST' | 'PATCH', url: string, body: unknown, status: number) => {
    const res = await t.call(method, url, { key, body });
    assert.equal(res.statusCode, status, res.body);
    return res.json();
  };
  await ok('PATCH', `/api/v1/tenants/${tenant.id}/settings`, { brandPrimaryColor: '#0f766e', brandAccentColor: '#f59e0b' }, 200);
  const { shop } = await ok(
    'POST',
    `/api/v1/tenants/${tenant.id}/shops`,
    { name: opts.shopName ?? 'Riverside', googlePlaceId: PLACE_ID, xhsHandle: '@brightsmile' },
    201,
  );
  const { employee } = await ok('POST', `/api/v1/tenants/${tenant.id}/employees`, { shopId: shop.id, name: opts.employeeName ?? 'Mei Lin' }, 201);
  for (const body of opts.en ?? EN_TEMPLATES) await ok('POST', `/api/v1/tenants/${tenant.id}/templates`, { body, language: 'en' }, 201);
  for (const body of opts.zh ?? ZH_TEMPLATES) await ok('POST', `/api/v1/tenants/${tenant.id}/templates`, { body, language: 'zh-CN' }, 201);
  assert.equal(employee.reviewUrl, `${base}/r/${employee.code}`);
  return { tenantId: tenant.id, key, employeeId: employee.id, code: employee.code, url: employee.reviewUrl };
}

async function analytics(link: Link) {
  await t.rt.flush();
  const res = await t.call('GET', `/api/v1/tenants/${link.tenantId}/analytics?days=7`, { key: link.key });
  assert.equal(res.statusCode, 200, res.body);
  return res.json().summary as Record<string, number>;
}

const sessionsOf = (link: Link) => t.rt.db.select().from(reviewSessions).where(eq(reviewSessions.tenantId, link.tenantId));

/** A phone context whose trips to Google and Xiaohongshu end at a stub (the machine has no network). */
async function phone(opts: BrowserContextOptions = {}): Promise<BrowserContext> {
  const context = await newPhoneContext(browser, opts);
  await context.route('https://search.google.com/**', (r) => r.fulfill({ status: 200, contentType: 'text/plain', body: 'google' }));
  await context.route('https://www.xiaohongshu.com/**', (r) => r.fulfill({ status: 200, contentType: 'text/plain', body: 'xiaohongshu' }));
  return context;
}

/** Console errors and warnings (CSP violations are reported there), page errors and dialogs of a page, collected as they happen. */
function watch(page: Page) {
  const problems: string[] = [];
  const dialogs: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console.${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  return { problems, dialogs };
}

const state = (page: Page) => page.locator('main').evaluate((m) => ({ state: m.dataset.state, lead: m.dataset.lead, done: m.dataset.done }));
const star = (page: Page, n: number) => page.locator(`#rate button.star[value="${n}"]`);

/** The visible parts of the rated state (rating confirmation, feedback, public review), top to bottom as laid out. */
async function visibleSectionsInOrder(page: Page): Promise<string[]> {
  const boxes: { id: string; y: number }[] = [];
  for (const id of ['thanks', 'feedback', 'public']) {
    const box = await page.locator(`#${id}`).boundingBox();
    if (box) boxes.push({ id, y: box.y });
  }
  return boxes.sort((a, b) => a.y - b.y).map((b) => b.id);
}

describe('review page in a real browser', () => {
  before(async () => {
    if (skip) return;
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    t = await startTestApp({ PUBLIC_URL: base });
    await t.app.listen({ port, host: '127.0.0.1' });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await t?.close();
  });

  test('scan → 5 stars → copy a template → Google: the click is recorded; a reload is not a new scan', { skip: skip ?? false }, async () => {
    const link = await setupLink();
    const context = await phone();
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
    const page = await context.newPage();
    const { problems } = watch(page);

    const res = await page.goto(link.url);
    assert.equal(res!.status(), 200);
    assert.equal(await page.locator('h1').textContent(), 'How was your visit?');
    assert.match((await page.locator('.who').textContent())!, /Mei Lin · Riverside/);
    assert.deepEqual(await state(page), { state: 'rate', lead: 'public', done: '' });
    assert.equal(await page.locator('#public').isVisible(), false, 'the review buttons come after a rating');
    await screenshot(page, 'review-1-rate');

    await star(page, 5).click();
    await page.waitForFunction(() => document.querySelector('main')!.dataset.state === 'rated');
    assert.deepEqual(await state(page), { state: 'rated', lead: 'public', done: '' });
    assert.equal(await star(page, 5).getAttribute('aria-pressed'), 'true');
    assert.equal(await page.locator('#your-rating').textContent(), 'Your rating: 5 of 5');
    assert.equal(await page.locator('button.star.lit').count(), 5);
    // Lit stars take the tenant's accent colour (after the short colour transition).
    await page.waitForFunction(() => getComputedStyle(document.querySelector('.star[value="5"]')!).color === 'rgb(245, 158, 11)');
    // The public review leads; the private option is offered below it.
    assert.deepEqual(await visibleSectionsInOrder(page), ['thanks', 'public', 'feedback']);
    assert.equal(await page.locator('#public-heading').innerText(), 'Would you share your experience publicly? It helps Bright Smile Dental a lot.');
    assert.equal(await page.locator('#feedback-heading').innerText(), 'Anything we should know? Tell the owner privately.');
    const google = page.locator('a.review', { hasText: 'Review on Google Maps' });
    const xhs = page.locator('a.review', { hasText: 'Post on Xiaohongshu' });
    assert.equal(await google.isVisible(), true);
    assert.equal(await xhs.isVisible(), true);
    assert.equal(await google.evaluate((a) => getComputedStyle(a).backgroundColor), 'rgb(15, 118, 110)');
    assert.equal(await google.getAttribute('href'), `/r/${link.code}/go/google`);
    assert.equal(await xhs.getAttribute('href'), `/r/${link.code}/go/xhs`);
    const shown = await page.locator('.tpl li p').allTextContents();
    assert.ok(shown.length >= 2 && shown.length <= 3, `2–3 templates: ${shown.length}`);
    for (const s of shown) assert.ok(EN_TEMPLATES.includes(s), `an English template: ${s}`);
    await screenshot(page, 'review-1-rated-public');

    // One tap copies the template and says so.
    const copy = page.locator('.tpl li').first().locator('button.copy');
    await copy.click();
    await page.waitForFunction(() => document.querySelector('.tpl button.copy')!.textContent === 'Copied');
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), shown[0]);
    await screenshot(page, 'review-1-copied');

    // Google opens in a new tab through /go/google, which lands on the shop's write-review form.
    const [popup] = await Promise.all([context.waitForEvent('page'), google.click()]);
    await popup.waitForURL(GOOGLE_URL);
    assert.equal(popup.url(), GOOGLE_URL);
    assert.equal(await popup.locator('body').textContent(), 'google');
    await popup.close();
    await page.waitForFunction(() => (document.querySelector('main')!.dataset.done ?? '').includes('click'));
    assert.equal(await page.locator('.done-click').isVisible(), true);
    assert.equal(await page.locator('.done-click').textContent(), 'Thank you for sharing your experience!');
    await screenshot(page, 'review-1-after-google');

    const [session, ...others] = await sessionsOf(link);
    assert.equal(others.length, 0, 'one visit, one session');
    assert.equal(session.rating, 5);
    assert.equal(session.positive, true);
    assert.ok(session.scannedAt && session.ratedAt);
    assert.ok(session.googleClickedAt instanceof Date, 'google_clicked_at is set');
    assert.equal(session.xhsClickedAt, null);
    assert.equal(session.feedbackAt, null);

    // A reload keeps the visit: no new scan, and the page comes back rated.
    await page.reload();
    assert.deepEqual(await state(page), { state: 'rated', lead: 'public', done: '' });
    assert.equal(await page.locator('#your-rating').textContent(), 'Your rating: 5 of 5');
    assert.equal((await sessionsOf(link)).length, 1);

    const summary = await analytics(link);
    assert.equal(summary.scans, 1);
    assert.equal(summary.ratings, 1);
    assert.equal(summary.positive, 1);
    assert.equal(summary.googleClicks, 1);
    assert.equal(summary.xhsClicks, 0);
    assert.equal(summary.feedback, 0);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('Xiaohongshu: the button goes to the shop profile and records an xhs click', { skip: skip ?? false }, async () => {
    const link = await setupLink();
    const context = await phone();
    const page = await context.newPage();
    await page.goto(link.url);
    await star(page, 4).click();
    await page.waitForFunction(() => document.querySelector('main')!.dataset.state === 'rated');
    const [popup] = await Promise.all([context.waitForEvent('page'), page.locator('a.review', { hasText: 'Xiaohongshu' }).click()]);
    await popup.waitForURL(XHS_URL);
    assert.equal(popup.url(), XHS_URL);
    const [session] = await sessionsOf(link);
    assert.ok(session.xhsClickedAt instanceof Date);
    assert.equal(session.googleClickedAt, null);
    const summary = await analytics(link);
    assert.deepEqual([summary.scans, summary.ratings, summary.xhsClicks, summary.googleClicks], [1, 1, 1, 0]);
    await context.close();
  });

  test('scan → 2 stars → private feedback leads, public option below → sent → listed by the API', { skip: skip ?? false }, async () => {
    const link = await setupLink();
    const context = await phone();
    const page = await context.newPage();
    const { problems } = watch(page);
    await page.goto(link.url);

    await star(page, 2).click();
    await page.waitForFunction(() => document.querySelector('main')!.dataset.state === 'rated');
    assert.deepEqual(await state(page), { state: 'rated', lead: 'feedback', done: '' });
    assert.equal(await page.locator('button.star.lit').count(), 2);
    assert.deepEqual(await visibleSectionsInOrder(page), ['thanks', 'feedback', 'public'], 'feedback leads; the public option stays visible below');
    assert.equal(await page.locator('#public-heading').innerText(), 'You can also post a public review:');
    assert.equal(await page.locator('#feedback-heading').innerText(), 'Sorry we fell short. Tell the owner what happened — privately.');
    assert.equal(await page.locator('a.review', { hasText: 'Review on Google Maps' }).isVisible(), true);
    assert.equal(await page.locator('a.review', { hasText: 'Post on Xiaohongshu' }).isVisible(), true);
    assert.match((await page.locator('#consent').textContent())!, /goes only to Bright Smile Dental/);
    await screenshot(page, 'review-2-rated-feedback');

    // An empty message is refused by the browser's own validation (required), nothing is sent.
    await page.getByRole('button', { name: 'Send privately' }).click();
    assert.equal(await page.locator('#message').evaluate((el: HTMLTextAreaElement) => el.validity.valueMissing), true);
    assert.equal((await sessionsOf(link))[0].feedbackAt, null);

    await page.getByLabel('What could we do better?').fill('Waited 40 minutes past my appointment time.');
    await page.getByLabel('Phone or email, if you would like a reply (optional)').fill('alex@example.com');
    await screenshot(page, 'review-2-feedback-filled');
    await page.getByRole('button', { name: 'Send privately' }).click();
    await page.waitForFunction(() => (document.querySelector('main')!.dataset.done ?? '').includes('feedback'));
    assert.equal(await page.locator('#thanks-feedback').isVisible(), true);
    assert.equal(await page.locator('#thanks-feedback').textContent(), 'Thank you. Your message was sent to the owner.');
    assert.equal(await page.locator('#feedback-form').isVisible(), false);
    assert.equal(await page.locator('a.review', { hasText: 'Review on Google Maps' }).isVisible(), true, 'still offered after feedback');
    assert.equal(await page.locator('#feedback-heading').isVisible(), false);
    assert.deepEqual(await visibleSectionsInOrder(page), ['thanks', 'feedback', 'public']);
    await screenshot(page, 'review-2-thanks');

    const [session] = await sessionsOf(link);
    const res = await t.call('GET', `/api/v1/tenants/${link.tenantId}/feedback`, { key: link.key });
    assert.equal(res.statusCode, 200, res.body);
    const { feedback, total } = res.json();
    assert.equal(total, 1);
    assert.equal(feedback[0].sessionId, session.id);
    assert.equal(feedback[0].rating, 2);
    assert.equal(feedback[0].message, 'Waited 40 minutes past my appointment time.');
    assert.equal(feedback[0].contact, 'alex@example.com');
    assert.equal(feedback[0].employeeName, 'Mei Lin');
    assert.equal(feedback[0].shopName, 'Riverside');

    // A reload shows the thank-you state, not the form again.
    await page.reload();
    assert.equal(await page.locator('#thanks-feedback').isVisible(), true);
    assert.equal(await page.locator('#feedback-form').isVisible(), false);

    const summary = await analytics(link);
    assert.deepEqual([summary.scans, summary.ratings, summary.negative, summary.positive, summary.feedback, summary.reviewClicks], [1, 1, 1, 0, 1, 0]);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('without JavaScript: rating and feedback are plain form posts that come back to the page', { skip: skip ?? false }, async () => {
    const link = await setupLink();
    const context = await phone({ javaScriptEnabled: false });
    const page = await context.newPage();
    const posts: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST') posts.push(`${r.url()} ${r.headers().accept ?? ''}`);
    });
    await page.goto(link.url);
    assert.equal(await page.locator('html').getAttribute('class'), 'no-js');
    assert.equal(await page.locator('#public').isVisible(), false);
    await screenshot(page, 'review-3-nojs-rate');

    // A star is a submit button: the form posts, the server redirects back (303), the page shows the rating.
    const [nav] = await Promise.all([page.waitForNavigation(), star(page, 2).click()]);
    assert.equal(nav!.url(), link.url);
    assert.equal(nav!.request().redirectedFrom()?.method(), 'POST');
    assert.equal(posts.length, 1);
    assert.ok(posts[0].startsWith(`${link.url}/rating`), posts[0]);
    assert.doesNotMatch(posts[0], /application\/json/);
    assert.deepEqual(await state(page), { state: 'rated', lead: 'feedback', done: '' });
    assert.equal(await page.locator('#thanks').isVisible(), true);
    assert.equal(await page.locator('#your-rating').textContent(), 'Your rating: 2 of 5');
    assert.equal(await star(page, 2).getAttribute('aria-pressed'), 'true');
    assert.deepEqual(await visibleSectionsInOrder(page), ['thanks', 'feedback', 'public']);
    assert.equal(await page.locator('#public-heading').innerText(), 'You can also post a public review:');
    // Copy needs the script: its buttons are hidden, the text itself stays selectable.
    assert.equal(await page.locator('.tpl button.copy').first().isVisible(), false);
    assert.equal(await page.locator('.tpl li p').first().isVisible(), true);
    await screenshot(page, 'review-3-nojs-rated');

    await page.getByLabel('What could we do better?').fill('The room was cold.');
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Send privately' }).click()]);
    assert.equal(page.url(), link.url);
    assert.equal(await page.locator('#thanks-feedback').isVisible(), true);
    assert.equal(await page.locator('#feedback-form').isVisible(), false);
    await screenshot(page, 'review-3-nojs-thanks');

    // The review button is a plain link through /go/google (no script needed).
    const [popup] = await Promise.all([context.waitForEvent('page'), page.locator('a.review', { hasText: 'Review on Google Maps' }).click()]);
    await popup.waitForURL(GOOGLE_URL);

    const sessions = await sessionsOf(link);
    assert.equal(sessions.length, 1);
    assert.equal(sessions[0].rating, 2);
    assert.equal(sessions[0].feedbackMessage, 'The room was cold.');
    assert.equal(sessions[0].feedbackContact, null);
    const summary = await analytics(link);
    assert.deepEqual([summary.scans, summary.ratings, summary.negative, summary.feedback, summary.googleClicks], [1, 1, 1, 1, 1]);
    await context.close();
  });

  test('Chinese from Accept-Language, zh-CN templates, and a language switch that is remembered', { skip: skip ?? false }, async () => {
    const link = await setupLink();
    const context = await phone({ locale: 'zh-CN' });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
    const page = await context.newPage();
    const { problems } = watch(page);
    let accept = '';
    page.on('request', (r) => {
      if (r.isNavigationRequest()) accept = r.headers()['accept-language'] ?? '';
    });
    await page.goto(link.url);
    assert.match(accept, /^zh-CN/);
    assert.equal(await page.locator('html').getAttribute('lang'), 'zh-CN');
    assert.equal(await page.locator('h1').textContent(), '这次体验怎么样？');
    assert.equal(await page.title(), '评价您的体验 — Bright Smile Dental');
    const sw = page.locator('a.lang');
    assert.equal(await sw.textContent(), 'English');
    assert.equal(await sw.isVisible(), true);
    await screenshot(page, 'review-4-zh-rate');

    await star(page, 5).click();
    await page.waitForFunction(() => document.querySelector('main')!.dataset.state === 'rated');
    assert.equal(await page.locator('#your-rating').textContent(), '您的评分：5 / 5');
    assert.equal(await page.locator('a.review', { hasText: '在 Google 地图上评价' }).isVisible(), true);
    assert.equal(await page.locator('a.review', { hasText: '在小红书发布' }).isVisible(), true);
    const shown = await page.locator('.tpl li p').allTextContents();
    assert.ok(shown.length >= 2 && shown.length <= 3);
    for (const s of shown) assert.ok(ZH_TEMPLATES.includes(s), `a Chinese template: ${s}`);
    await page.locator('.tpl button.copy').first().click();
    await page.waitForFunction(() => document.querySelector('.tpl button.copy')!.textContent === '已复制');
    await screenshot(page, 'review-4-zh-rated');

    // The switch: English (same visit, still rated, English templates) ...
    await Promise.all([page.waitForNavigation(), sw.click()]);
    assert.equal(await page.locator('html').getAttribute('lang'), 'en');
    assert.equal(await page.locator('h1').textContent(), 'How was your visit?');
    assert.equal(await page.locator('#your-rating').textContent(), 'Your rating: 5 of 5');
    for (const s of await page.locator('.tpl li p').allTextContents()) assert.ok(EN_TEMPLATES.includes(s), `an English template: ${s}`);
    assert.equal(await page.locator('a.lang').textContent(), '中文');
    await screenshot(page, 'review-4-en');
    // ... remembered when the link is opened again without ?lang, over the browser's zh-CN.
    await page.goto(link.url);
    assert.equal(await page.locator('html').getAttribute('lang'), 'en');
    assert.equal(await page.locator('h1').textContent(), 'How was your visit?');
    // And back to Chinese, remembered too.
    await Promise.all([page.waitForNavigation(), page.locator('a.lang').click()]);
    assert.equal(await page.locator('html').getAttribute('lang'), 'zh-CN');
    await page.goto(link.url);
    assert.equal(await page.locator('html').getAttribute('lang'), 'zh-CN');
    assert.equal(await page.locator('h1').textContent(), '这次体验怎么样？');

    const summary = await analytics(link);
    assert.deepEqual([summary.scans, summary.ratings], [1, 1], 'switching language is not a new scan');
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('accessibility and weight: tap targets, labels, keyboard, no errors or CSP violations, nothing third-party, < 30 KB', { skip: skip ?? false }, async () => {
    const link = await setupLink();
    // A logo served from our own origin, so the page shows (and loads) one the way tenants have it.
    const png = new PNG({ width: 240, height: 80 });
    for (let i = 0; i < png.data.length; i += 4) png.data.set([15, 118, 110, 255], i);
    const bytes = PNG.sync.write(png);
    const sha = createHash('sha256').update(bytes).digest('hex');
    await t.rt.db.insert(tenantLogos).values({ tenantId: link.tenantId, contentType: 'image/png', bytes, sha256: sha });
    await t.rt.db.update(tenants).set({ logoUrl: `${base}/assets/logos/${link.tenantId}.png?v=${sha.slice(0, 8)}` }).where(eq(tenants.id, link.tenantId));
    t.rt.reviewLinks.invalidate(link.tenantId);

    const context = await phone();
    const page = await context.newPage();
    const { problems, dialogs } = watch(page);
    await page.addInitScript(() => {
      (window as unknown as { cspViolations: string[] }).cspViolations = [];
      document.addEventListener('securitypolicyviolation', (e) => (window as unknown as { cspViolations: string[] }).cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`));
    });
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));

    const res = (await page.goto(link.url))!;
    const body = await res.body();
    assert.equal(res.headers()['content-encoding'], undefined, 'measured uncompressed');
    assert.ok(body.length < 30 * 1024, `the document is ${body.length} bytes`);
    console.log(`# review page document: ${body.length} bytes (en, 3 templates, logo excluded)`);
    assert.match(res.headers()['content-security-policy'], /default-src 'none'/);
    assert.equal(await page.locator('img.logo').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth), 240, 'the logo loaded');
    assert.equal(await page.locator('img.logo').getAttribute('alt'), 'Bright Smile Dental');
    assert.equal(await page.locator('meta[name=viewport]').getAttribute('content'), 'width=device-width,initial-scale=1');
    assert.equal(await page.locator('meta[name=robots]').getAttribute('content'), 'noindex,nofollow');
    await screenshot(page, 'review-5-logo');

    // Keyboard: Tab reaches the stars (after the language switch); Space on the 4th star rates.
    let focused = '';
    for (let i = 0; i < 10 && !focused.startsWith('star'); i++) {
      await page.keyboard.press('Tab');
      focused = await page.evaluate(() => {
        const el = document.activeElement as HTMLElement;
        return el.classList.contains('star') ? `star ${(el as HTMLButtonElement).value}` : el.tagName;
      });
    }
    assert.equal(focused, 'star 1', 'Tab reaches the first star');
    for (let i = 0; i < 3; i++) await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => (document.activeElement as HTMLButtonElement).value), '4');
    // The focused star shows a visible focus ring.
    assert.notEqual(await star(page, 4).evaluate((b) => getComputedStyle(b).outlineStyle), 'none');
    await screenshot(page, 'review-5-keyboard-focus');
    await page.keyboard.press('Space');
    await page.waitForFunction(() => document.querySelector('main')!.dataset.state === 'rated');
    assert.equal(await star(page, 4).getAttribute('aria-pressed'), 'true');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'thanks', 'focus moves to the confirmation');
    // Enter on another star changes the rating (the second rating updates the visit).
    await star(page, 3).focus();
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('main')!.dataset.lead === 'feedback');
    assert.equal(await page.locator('#your-rating').textContent(), 'Your rating: 3 of 5');
    assert.equal((await sessionsOf(link))[0].rating, 3);
    await screenshot(page, 'review-5-rated');

    // Every visible control is at least 44×44 CSS px, and every form field has a label.
    const controls = page.locator('main a, main button, main input:not([type=hidden]), main textarea, main select');
    const small: string[] = [];
    let checked = 0;
    for (const el of await controls.all()) {
      // The honeypot is off-screen and hidden from assistive technology: not a control for people.
      if (!(await el.isVisible()) || (await el.evaluate((e) => e.closest('[aria-hidden=true]') !== null))) continue;
      const box = (await el.boundingBox())!;
      checked++;
      if (box.width < 44 || box.height < 44) small.push(`${await el.evaluate((e) => e.outerHTML.slice(0, 80))} ${box.width}×${box.height}`);
    }
    assert.ok(checked >= 13, `checked ${checked} controls`); // 5 stars, switch, 2 review links, 3 copies, message, contact, send
    assert.deepEqual(small, [], 'tap targets under 44 px');
    const unlabeled = await page.evaluate(() =>
      [...document.querySelectorAll<HTMLInputElement | HTMLTextAreaElement>('input:not([type=hidden]), textarea, select')]
        .filter((f) => !(f.labels && f.labels.length > 0 && f.labels[0].textContent!.trim()) && !f.getAttribute('aria-label'))
        .map((f) => f.name),
    );
    assert.deepEqual(unlabeled, []);
    // The stars have accessible names and sit in a labelled group.
    assert.equal(await star(page, 5).getAttribute('aria-label'), '5 stars — Excellent');
    assert.equal(await page.locator('#rate legend').textContent(), 'Tap a star to rate');

    // Feedback by keyboard too.
    await page.locator('#message').focus();
    await page.keyboard.type('Too loud.');
    await page.keyboard.press('Tab');
    await page.keyboard.type('0400 000 000');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Send privately');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => (document.querySelector('main')!.dataset.done ?? '').includes('feedback'));
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'thanks-feedback');

    assert.deepEqual(problems, [], 'console errors/warnings');
    assert.deepEqual(await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations), [], 'CSP violations');
    assert.deepEqual(dialogs, []);
    const foreign = requests.filter((u) => !u.startsWith(`${base}/`));
    assert.deepEqual(foreign, [], 'requests leaving the origin');
    assert.ok(requests.some((u) => u.startsWith(`${base}/assets/logos/`)));
    assert.ok(requests.some((u) => u === `${link.url}/rating`));
    assert.ok(requests.some((u) => u === `${link.url}/feedback`));
    await context.close();
  });

  test('the first screen shows the brand; suggested texts show and copy the employee\'s first name, never a {placeholder}', { skip: skip ?? false }, async () => {
    const link = await setupLink({
      employeeName: 'Mei Lin',
      en: ['Thanks to {employee} for the warm welcome.', '{employee} explained every step.', 'Spotless and on time.'],
      zh: ['谢谢{employee}的耐心讲解。'],
    });
    const context = await phone();
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
    const page = await context.newPage();
    const { problems } = watch(page);
    await page.goto(link.url);

    // Before any tap: the band in the primary colour, holding the name, inside the first screen.
    const band = page.locator('header.top');
    assert.equal(await band.evaluate((h) => getComputedStyle(h).backgroundColor), 'rgb(15, 118, 110)');
    assert.equal(await band.evaluate((h) => getComputedStyle(h).borderBottomColor), 'rgb(245, 158, 11)', 'edged in the accent');
    const box = (await band.boundingBox())!;
    assert.ok(box.y >= 0 && box.y + box.height <= 844 && box.width >= 389, `the band spans the first screen's top: ${JSON.stringify(box)}`);
    assert.equal(await page.locator('.brand').isVisible(), true);
    assert.equal(await page.locator('.brand').evaluate((b) => getComputedStyle(b).color), 'rgb(255, 255, 255)');
    assert.equal(await page.locator('meta[name=theme-color]').getAttribute('content'), '#0f766e');
    assert.equal(await page.locator('#rate').isVisible(), true);
    await page.screenshot({ path: `${SCREENSHOTS}/review-7-brand-first-screen.png` });

    await star(page, 5).click();
    await page.waitForFunction(() => document.querySelector('main')!.dataset.state === 'rated');
    const shown = await page.locator('.tpl li p').allInnerTexts();
    assert.deepEqual(shown, ['Thanks to Mei for the warm welcome.', 'Mei explained every step.', 'Spotless and on time.']);
    const visible = await page.locator('main').innerText();
    assert.doesNotMatch(visible, /\{[^}]*\}/, 'no {placeholder} anywhere on the page');
    await page.locator('.tpl li', { hasText: 'warm welcome' }).locator('button.copy').click();
    await page.waitForFunction(() => [...document.querySelectorAll('.tpl button.copy')].some((b) => b.textContent === 'Copied'));
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), 'Thanks to Mei for the warm welcome.');
    await screenshot(page, 'review-7-filled-texts');

    // Chinese, for an employee with a Chinese name: the whole name, copied as shown.
    const zhLink = await setupLink({ employeeName: '王小美', en: ['Thanks to {employee}!'], zh: ['谢谢{employee}的耐心讲解。'] });
    const zh = await phone({ locale: 'zh-CN' });
    await zh.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
    const zhPage = await zh.newPage();
    await zhPage.goto(zhLink.url);
    await star(zhPage, 5).click();
    await zhPage.waitForFunction(() => document.querySelector('main')!.dataset.state === 'rated');
    assert.deepEqual(await zhPage.locator('.tpl li p').allInnerTexts(), ['谢谢王小美的耐心讲解。']);
    await zhPage.locator('.tpl button.copy').click();
    await zhPage.waitForFunction(() => document.querySelector('.tpl button.copy')!.textContent === '已复制');
    assert.equal(await zhPage.evaluate(() => navigator.clipboard.readText()), '谢谢王小美的耐心讲解。');
    assert.doesNotMatch(await zhPage.locator('main').innerText(), /[{｛][^}｝]*[}｝]/);
    await screenshot(zhPage, 'review-7-zh-filled-texts');
    await zh.close();
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('with a logo: the logo sits in the band on the first screen, before any tap', { skip: skip ?? false }, async () => {
    const link = await setupLink();
    const png = new PNG({ width: 240, height: 80 });
    for (let i = 0; i < png.data.length; i += 4) png.data.set([180, 40, 90, 255], i);
    const bytes = PNG.sync.write(png);
    const sha = createHash('sha256').update(bytes).digest('hex');
    await t.rt.db.insert(tenantLogos).values({ tenantId: link.tenantId, contentType: 'image/png', bytes, sha256: sha });
    await t.rt.db.update(tenants).set({ logoUrl: `${base}/assets/logos/${link.tenantId}.png?v=${sha.slice(0, 8)}` }).where(eq(tenants.id, link.tenantId));
    t.rt.reviewLinks.invalidate(link.tenantId);
    const context = await phone();
    const page = await context.newPage();
    const { problems } = watch(page);
    await page.goto(link.url);
    const logo = page.locator('header.top img.logo');
    await page.waitForFunction(() => (document.querySelector('img.logo') as HTMLImageElement).complete);
    assert.equal(await logo.evaluate((img: HTMLImageElement) => img.naturalWidth), 240, 'the logo loaded');
    assert.equal(await logo.isVisible(), true);
    const box = (await logo.boundingBox())!;
    assert.ok(box.y + box.height <= 844 && box.height >= 24, `the logo is on the first screen: ${JSON.stringify(box)}`);
    assert.equal(await page.locator('header.top').evaluate((h) => getComputedStyle(h).backgroundColor), 'rgb(15, 118, 110)');
    assert.equal(await page.locator('link[rel=icon]').getAttribute('href'), `/assets/logos/${link.tenantId}.png?v=${sha.slice(0, 8)}`);
    await page.screenshot({ path: `${SCREENSHOTS}/review-7-logo-first-screen.png` });
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('a tenant, shop, employee and template holding <script> render as text; no dialog fires', { skip: skip ?? false }, async () => {
    const link = await setupLink({
      tenantName: `${XSS} Café`,
      shopName: `Shop ${XSS}`,
      employeeName: `Ana "><img src=x onerror=alert(2)>`,
      en: [`Loved it ${XSS}`, `Second <b>bold</b> & "quoted"`],
    });
    const context = await phone();
    const page = await context.newPage();
    const { problems, dialogs } = watch(page);
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(link.url);
    assert.equal(await page.locator('.brand').textContent(), `${XSS} Café`);
    assert.equal(await page.title(), `Rate your visit — ${XSS} Café`);
    assert.equal(await page.locator('.who').textContent(), `Ana "><img src=x onerror=alert(2)> · Shop ${XSS}`);
    assert.equal(await page.locator('main script').count(), 0);
    assert.equal(await page.locator('img').count(), 0);
    await star(page, 5).click();
    await page.waitForFunction(() => document.querySelector('main')!.dataset.state === 'rated');
    assert.deepEqual(await page.locator('.tpl li p').allTextContents(), [`Loved it ${XSS}`, `Second <b>bold</b> & "quoted"`]);
    assert.equal(await page.locator('.tpl b').count(), 0);
    assert.match((await page.locator('#public-heading').textContent())!, new RegExp(`helps ${XSS.replace(/[()/]/g, '\\$&')} Café`));
    assert.match((await page.locator('#consent').textContent())!, /goes only to <script>alert\(1\)<\/script> Café/);
    await screenshot(page, 'review-6-xss');
    await page.waitForTimeout(200);
    assert.deepEqual(dialogs, [], 'no alert ran');
    assert.deepEqual(problems, []);
    assert.deepEqual(
      requests.filter((u) => !u.startsWith(link.url)),
      [],
      'no request for an injected image',
    );
    await context.close();
  });
});

