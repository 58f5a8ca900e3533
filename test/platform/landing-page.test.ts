// `/`, the landing page (src/platform/landing-page.ts): what this server is, with a link to each
// surface, every one of which answers; server-rendered, no JavaScript, a strict CSP that admits
// exactly its own inline style. And `/docs` carries the product's name. In a real browser at
// 1280 and 390 wide when Chromium is here (screenshots under test-results/).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { browserSkipReason, launchBrowser, screenshot } from '../helpers/browser.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.close());

const LINKS = ['/dashboard', '/super', '/docs', '/api/v1/openapi', '/.well-known/agent.json'];

describe('GET /', () => {
  test('200 HTML naming the product, linking every surface, with no script and the security headers', async () => {
    const res = await t.call('GET', '/');
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['content-type'], 'text/html; charset=utf-8');
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
    assert.equal(res.headers['x-frame-options'], 'DENY');
    assert.ok(res.headers['x-request-id']);
    const html = res.body;
    assert.match(html, /<title>orgstack — this server<\/title>/);
    assert.match(html, /<h1>This server runs orgstack<\/h1>/);
    assert.match(html, /self-hostable, API-first platform/);
    for (const href of LINKS) assert.ok(html.includes(`href="${href}"`), `links ${href}`);
    assert.match(html, /http:\/\/orgstack\.test\/api\/client/, 'the Work API under PUBLIC_URL');
    assert.match(html, /MCP<\/h2>.*<code class="go">http:\/\/orgstack\.test\/mcp<\/code>/s, 'the MCP URL to copy into an AI client (not a link: a browser would get a 405)');
    assert.doesNotMatch(html, /<script/i);
    assert.doesNotMatch(html, /\son[a-z]+=/i, 'no inline handlers');
  });

  test('the CSP allows nothing but its own inline style, by hash', async () => {
    const res = await t.call('GET', '/');
    const csp = String(res.headers['content-security-policy']);
    assert.match(csp, /default-src 'none'/);
    assert.doesNotMatch(csp, /script-src|unsafe-inline/);
    const style = /<style>([\s\S]*?)<\/style>/.exec(res.body)![1];
    assert.ok(csp.includes(`'sha256-${createHash('sha256').update(style).digest('base64')}'`));
  });

  test('every link answers (none is a 404); HEAD / too', async () => {
    for (const href of LINKS) {
      const res = await t.call('GET', href);
      assert.notEqual(res.statusCode, 404, href);
      assert.ok(res.statusCode < 500 || (href === '/dashboard' || href === '/super'), `${href}: ${res.statusCode}`);
    }
    const head = await t.call('HEAD', '/');
    assert.equal(head.statusCode, 200);
  });

  test('/docs carries the product name, not "Swagger UI", and its logo links home', async () => {
    const res = await t.call('GET', '/docs/');
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /<title>orgstack API reference<\/title>/);
    assert.doesNotMatch(res.body, /<title>Swagger UI<\/title>/);
    const init = await t.call('GET', '/docs/static/swagger-initializer.js');
    assert.equal(init.statusCode, 200);
    assert.ok(init.body.includes(Buffer.from('orgstack').toString('base64').slice(0, 8)) || /data:image\/svg\+xml;base64,/.test(init.body));
  });
});

const skip = browserSkipReason();
describe('the landing page in a real browser', { skip: skip ?? false }, () => {
  // The app of this file, listening on a real port (no second database to start).
  const server = { url: '' };
  before(async () => {
    server.url = await t.app.listen({ port: 0, host: '127.0.0.1' });
  });

  for (const width of [1280, 390]) {
    test(`at ${width} wide: every card visible, nothing overflows, no failed load`, async () => {
      const browser = await launchBrowser();
      try {
        const page = await browser.newPage({ viewport: { width, height: 900 }, javaScriptEnabled: false });
        // Failed loads by URL (the browser's own /favicon.ico request is another part's concern).
        const errors: string[] = [];
        page.on('response', (r) => r.status() >= 400 && !r.url().endsWith('/favicon.ico') && errors.push(`${r.status()} ${r.url()}`));
        page.on('pageerror', (e) => errors.push(e.message));
        const res = await page.goto(`${server.url}/`);
        assert.equal(res?.status(), 200);
        assert.equal(await page.locator('.card').count(), 6);
        const overflow = await browser.newPage({ viewport: { width, height: 900 } }).then(async (p) => {
          await p.goto(`${server.url}/`);
          const o = await p.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
          await p.close();
          return o;
        });
        assert.equal(overflow, 0, 'no horizontal scrolling');
        await screenshot(page, `landing-${width}`);
        await page.getByRole('link', { name: 'Read the API docs' }).click();
        await page.waitForURL(/\/docs/);
        assert.deepEqual(errors, []);
      } finally {
        await browser.close();
      }
    });
  }
});
