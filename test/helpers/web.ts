// The dashboard SPA in a real browser: a listening server whose PUBLIC_URL is its own address (so
// cookie calls pass the origin check), the built app (built here when web/dist is missing), a
// watcher for console errors, CSP violations and third-party requests, and screenshots of a page
// at desktop and phone size.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ALL_PERMISSIONS } from '../../src/platform/permissions.ts';
import type { ServiceContext } from '../../src/platform/principal.ts';
import { WEB_DIST } from '../../src/platform/web-app.ts';
import { createDemoTenant, type DemoTenant } from '../../src/reviews/demo-data.ts';
import { freePort, root, startTestApp, type TestApp } from './app.ts';
import { launchBrowser, PHONE, screenshot } from './browser.ts';

export const DESKTOP = { viewport: { width: 1280, height: 860 } };

/** Builds web/dist once if it is missing (a checkout where `npm install` has not run the build). */
export function ensureWebBuild() {
  if (fs.existsSync(path.join(WEB_DIST, 'index.html'))) return;
  const res = spawnSync(process.execPath, ['scripts/build-web.mjs'], { cwd: root, encoding: 'utf8' });
  assert.equal(res.status, 0, `building the dashboard failed:\n${res.stdout}\n${res.stderr}`);
}

export interface WebServer {
  t: TestApp;
  base: string;
}

export async function startWebServer(): Promise<WebServer> {
  ensureWebBuild();
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const t = await startTestApp({ PUBLIC_URL: base });
  await t.app.listen({ port, host: '127.0.0.1' });
  return { t, base };
}

/** The demo tenant (two shops, a dozen employees, 90 days of activity) with its first-login password. */
export function demoTenant(t: TestApp, name?: string): Promise<DemoTenant> {
  const ctx: ServiceContext = {
    rt: t.rt,
    requestId: 'test',
    principal: { kind: 'platform_key', credentialId: 'test', tenantId: null, userId: null, keyPrefix: null, permissions: new Set(ALL_PERMISSIONS), hourlyLimit: 0, human: true },
  };
  return createDemoTenant(ctx, { name });
}

/**
 * What must never happen on a dashboard page: a script error, a CSP violation, a request to
 * another origin. (Failed API calls the page handles — a 401 before sign-in, a 403 it shows —
 * are expected and not counted.)
 */
export function watch(page: Page, base: string) {
  const problems: string[] = [];
  page.on('console', (m) => {
    const text = m.text();
    if (m.type() !== 'error' && m.type() !== 'warning') return;
    if (/Failed to load resource: the server responded with a status of (400|401|403|404|409)/.test(text)) return;
    problems.push(`console.${m.type()}: ${text}`);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('request', (r) => {
    const url = r.url();
    if (!url.startsWith(base) && !url.startsWith('data:') && !url.startsWith('blob:')) problems.push(`third-party request: ${url}`);
  });
  return problems;
}

export async function signInWithForm(page: Page, base: string, login: string, password: string) {
  await page.goto(`${base}/dashboard`);
  await page.getByLabel('Username or email').fill(login);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** A desktop browser signed in to the dashboard as `login` (the page is past the sign-in form), with its watcher. */
export async function openDashboard(base: string, login: string, password: string) {
  const browser = await launchBrowser();
  const context = await browser.newContext(DESKTOP);
  const page = await context.newPage();
  const problems = watch(page, base);
  await signInWithForm(page, base, login, password);
  return { browser, context, page, problems };
}

/** Screenshots of each path at desktop size (in `context`) and phone size (same session); neither may scroll sideways. */
export async function screenshotPages(browser: Browser, context: BrowserContext, base: string, pages: { path: string; name: string; ready: (p: Page) => Promise<unknown> }[]) {
  const phone = await browser.newContext({ ...PHONE, storageState: await context.storageState() });
  try {
    for (const [size, ctx] of [
      ['desktop', context],
      ['phone', phone],
    ] as const) {
      const page = await ctx.newPage();
      for (const p of pages) {
        await page.goto(`${base}${p.path}`);
        await p.ready(page);
        await page.locator('[role="status"].loading').waitFor({ state: 'detached' }).catch(() => {});
        await screenshot(page, `${p.name}-${size}`);
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        assert.ok(overflow <= 0, `${p.path} at ${size} size is ${overflow}px wider than the screen`);
        assert.deepEqual(await overflowProblems(page), [], `${p.path} at ${size} size: nothing sticks out or is cut off`);
      }
      await page.close();
    }
  } finally {
    await phone.close();
  }
}

/**
 * What sticks out of the screen sideways (any visible element beyond the viewport's edges, even
 * inside a scrolling box) and the containers whose content is cut off (scrollWidth beyond
 * clientWidth): a column hidden behind a sideways scroll, a long handle running out of its card.
 */
export function overflowProblems(page: Page): Promise<string[]> {
  // A string, not a function: tsx would wrap named helpers in a `__name` the page does not have.
  return page.evaluate<string[]>(`(() => {
    const vw = document.documentElement.clientWidth;
    const describe = (el) => '<' + el.tagName.toLowerCase() + ' class="' + (el.getAttribute('class') ?? '') + '"> "' + (el.textContent ?? '').trim().replace(/\\s+/g, ' ').slice(0, 50) + '"';
    const out = [];
    for (const el of document.querySelectorAll('body *')) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0 || el.closest('.sr-only, .offscreen, .skip, dialog:not([open])')) continue;
      // Inside a visually hidden box (a 1px clip, as a phone table's column headers are): not seen.
      let a = el.parentElement;
      while (a && a !== document.body && a.getBoundingClientRect().width > 1) a = a.parentElement;
      if (a && a !== document.body) continue;
      if (r.right > vw + 1 || r.left < -1) out.push(describe(el) + ' spans ' + Math.round(r.left) + '…' + Math.round(r.right) + ' of ' + vw + 'px');
    }
    for (const el of document.querySelectorAll('main, .topbar, .card, .table-wrap, .board, .board-column, .task-card, .row, .facts, .page-header, .stat')) {
      if (el.scrollWidth > el.clientWidth + 1) out.push(describe(el) + ' cuts off ' + (el.scrollWidth - el.clientWidth) + 'px of its content');
    }
    return out.slice(0, 8);
  })()`);
}

/** The text of an element, whitespace collapsed. */
export const textOf = async (page: Page, selector: string) => ((await page.locator(selector).first().textContent()) ?? '').replace(/\s+/g, ' ').trim();

/** Waits until no part of the page is loading (the app marks reloading parts aria-busy). */
export const settled = (page: Page) => page.waitForFunction(() => !document.querySelector('[aria-busy="true"], .loading'));
