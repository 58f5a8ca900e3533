// The tenant dashboard (/dashboard) in a real browser against a real server: a demo-provisioned
// owner signs in, must change the temporary password, adds a shop (several invalid fields shown
// at once) and an employee, downloads the QR codes, sees the public page's scan and rating in the
// overview, resolves a feedback, creates an API key, uses it, revokes it and sees 401; an invited
// member signs up through the emailed link and cannot create keys (the 403 shown as a message).
// Screenshots of every page at desktop and phone size go to test-results/dashboard-*.png.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { and, eq, isNull } from 'drizzle-orm';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { apiKeys, mailOutbox, users } from '../../src/platform/tables.ts';
import { employees, shops } from '../../src/reviews/tables.ts';
import type { DemoTenant } from '../../src/reviews/demo-data.ts';
import type { TestApp } from '../helpers/app.ts';
import { PNG_1x1 } from '../helpers/local-servers.ts';
import { browserSkipReason, launchBrowser, newPhoneContext, PHONE, screenshot } from '../helpers/browser.ts';
import { demoTenant, DESKTOP, screenshotPages, settled, signInWithForm, startWebServer, textOf, watch } from '../helpers/web.ts';

const skip = browserSkipReason();
const NEW_PASSWORD = 'harbour lane 2026 owner';

let t: TestApp;
let base: string;
let browser: Browser;
let demo: DemoTenant;
let platformKey: string;

/** The API as an integration sees it (a platform key), to check what the dashboard did. */
async function apiGet(path: string) {
  const res = await t.call('GET', `/api/v1/tenants/${demo.tenantId}${path}`, { key: platformKey });
  assert.equal(res.statusCode, 200, res.body);
  return res.json();
}

describe('tenant dashboard in a real browser', { skip: skip ?? false }, () => {
  let owner: BrowserContext;
  let page: Page;
  let problems: string[];

  before(async () => {
    ({ t, base } = await startWebServer());
    demo = await demoTenant(t);
    platformKey = await t.platformKey();
    browser = await launchBrowser();
    owner = await browser.newContext({ ...DESKTOP, acceptDownloads: true });
    page = await owner.newPage();
    problems = watch(page, base);
  });
  after(async () => {
    await browser?.close();
    await t?.close();
  });

  test('sign-in: a wrong password gets one generic message; the temporary password leads to the forced change', async () => {
    await page.goto(`${base}/dashboard/employees`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    assert.ok(page.url().endsWith('/dashboard/employees'), 'signed out, any dashboard address shows sign-in in place');
    await screenshot(page, 'dashboard-sign-in-desktop');

    await signInWithForm(page, base, demo.loginUsername, 'not the password');
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.match((await alert.textContent())!, /password/i);
    assert.ok(!/no such user|unknown user/i.test((await alert.textContent())!), 'the message does not say which part was wrong');

    await page.getByLabel('Password', { exact: true }).fill(demo.temporaryPassword);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Choose a new password' }).waitFor();
    await screenshot(page, 'dashboard-change-password-desktop');

    // Too short and not repeated: both shown at once, nothing sent.
    await page.getByLabel('Current password').fill(demo.temporaryPassword);
    await page.getByLabel('New password', { exact: true }).fill('short');
    await page.getByLabel('Repeat the new password').fill('different');
    await page.getByRole('button', { name: 'Change password' }).click();
    assert.equal(await page.locator('.field-error').count(), 2);
    assert.match(await textOf(page, '.alert-error'), /2 fields/);

    await page.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel('Repeat the new password').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByTestId('overview').waitFor();
    const [user] = await t.rt.db.select().from(users).where(eq(users.username, demo.loginUsername));
    assert.equal(user.mustChangePassword, false);
  });

  test('overview: funnel, trend, averages, sortable tables, trial banner; render time after navigation', async () => {
    // Navigation inside the app (the way people move around): from Employees to Overview.
    await page.getByRole('link', { name: 'Employees' }).click();
    await page.getByTestId('employee-row').first().waitFor();
    const started = Date.now();
    await page.getByRole('navigation').getByRole('link', { name: 'Overview' }).click();
    await page.getByTestId('overview').waitFor();
    const navMs = Date.now() - started;
    // A cold load of the page (HTML, script, session, analytics) for comparison.
    const cold = Date.now();
    await page.goto(`${base}/dashboard`);
    await page.getByTestId('overview').waitFor();
    const coldMs = Date.now() - cold;
    console.log(`# overview rendered ${navMs} ms after navigation (cold page load: ${coldMs} ms) for the demo tenant`);

    assert.match(await textOf(page, '[data-testid=trial-banner]'), /14 days left/);
    const stats = await page.locator('.stat-value').allTextContents();
    assert.equal(stats.length, 5);
    assert.ok(Number(stats[0].replace(/\D/g, '')) > 0, 'the demo tenant has scans');
    assert.match(stats[2], /^\d\.\d\d ★$/, 'average rating');
    assert.equal(await page.locator('svg.funnel rect[class^="fill-"]').count(), 4, 'four funnel stages');
    const expected = await apiGet('/analytics?days=30');
    assert.equal(await page.locator('.trend polyline').count(), 4);
    assert.match((await page.locator('.trend desc').textContent())!, new RegExp(`${expected.daily.length} days`));

    // Sorting the employee table by name, then by name descending.
    const table = page.locator('section', { hasText: 'By employee' }).locator('table');
    const byScans = await table.locator('tbody tr td:first-child').allTextContents();
    assert.equal(byScans[0], [...expected.employees].sort((a, b) => b.scans - a.scans)[0].name, 'sorted by scans, most first');
    await table.getByRole('button', { name: /Employee/ }).click();
    const byName = await table.locator('tbody tr td:first-child').allTextContents();
    assert.deepEqual(byName, [...byName].sort((a, b) => a.localeCompare(b)));
    assert.equal(await table.locator('th[aria-sort=ascending]').count(), 1);
    await table.getByRole('button', { name: /Employee/ }).press('Enter');
    assert.equal(await table.locator('th[aria-sort=descending]').count(), 1, 'keyboard sorts too');

    // 7 days: the window changes and the URL keeps it.
    await page.getByText('7 days', { exact: true }).click();
    await page.locator('[data-testid=overview][data-days="7"]').waitFor();
    assert.ok(page.url().endsWith('/dashboard?days=7'));

    // CSV export: the API's file, saved byte for byte under its own name (the BOM kept for spreadsheets).
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV' }).click()]);
    assert.match(download.suggestedFilename(), /^analytics-.+-\d+d-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = fs.readFileSync((await download.path())!, 'utf8');
    assert.ok(csv.startsWith('\uFEFF'), 'the byte-order mark survives the download');
    assert.match(csv.split('\n')[0], /scans/);
    assert.ok(csv.split('\n').length > demo.employees, 'a row per employee at least');
  });

  test('shops: several invalid fields are all shown at once; a valid shop is added', async () => {
    await page.getByRole('link', { name: 'Shops' }).click();
    await page.getByRole('button', { name: 'Add a shop' }).click();
    await page.getByLabel('Name').fill('   ');
    await page.getByLabel('Google Maps URL').fill('https://example.com/not-maps');
    await page.getByLabel('Google Place ID').fill('not a place id!');
    await page.getByRole('button', { name: 'Add shop' }).click();
    await page.locator('.field-error').first().waitFor();
    const invalid = await page.locator('input[aria-invalid=true]').evaluateAll((els) => els.map((e) => (e as HTMLInputElement).name));
    assert.deepEqual(invalid.sort(), ['googleMapsUrl', 'googlePlaceId', 'name']);
    assert.match(await textOf(page, '.alert-error'), /3 fields/);
    const before = await t.rt.db.select().from(shops).where(eq(shops.tenantId, demo.tenantId));
    assert.equal(before.length, 2, 'nothing was created');
    await screenshot(page, 'dashboard-shops-errors-desktop');

    await page.getByLabel('Name').fill('Harbour Lane Pop-up');
    await page.getByLabel('Address').fill('1 Pier Road');
    await page.getByLabel('Google Maps URL').fill('');
    await page.getByLabel('Google Place ID').fill('');
    await page.getByRole('button', { name: 'Add shop' }).click();
    await page.getByTestId('shop-card').filter({ hasText: 'Harbour Lane Pop-up' }).waitFor();
    const after = await t.rt.db.select().from(shops).where(eq(shops.tenantId, demo.tenantId));
    assert.equal(after.length, 3);
  });

  test('employees: add one to the new shop, download both QR codes, copy the link; the public page feeds the overview', async () => {
    await page.getByRole('link', { name: 'Employees' }).click();
    const add = page.locator('section', { hasText: 'Add an employee' });
    await add.getByLabel('Name').fill('Nora Quinn');
    await add.getByLabel('Shop').selectOption({ label: 'Harbour Lane Pop-up' });
    await add.getByRole('button', { name: 'Add employee' }).click();
    const row = page.getByTestId('employee-row').filter({ hasText: 'Nora Quinn' });
    await row.waitFor();
    assert.match((await row.textContent())!, /Harbour Lane Pop-up/);
    const [emp] = await t.rt.db.select().from(employees).where(and(eq(employees.tenantId, demo.tenantId), eq(employees.name, 'Nora Quinn')));
    assert.ok(emp);

    // The row shows the QR code itself (loaded from the API under the CSP with the session).
    const preview = row.getByTestId('qr-preview');
    await preview.scrollIntoViewIfNeeded();
    await page.waitForFunction((img) => (img as HTMLImageElement).complete, await preview.elementHandle());
    assert.ok((await preview.evaluate((img) => (img as HTMLImageElement).naturalWidth)) > 0, 'the QR preview loads');
    // Downloads are grouped in one menu.
    await row.getByRole('button', { name: 'Download the QR code of Nora Quinn' }).click();
    const [svg] = await Promise.all([page.waitForEvent('download'), page.getByRole('menuitem', { name: /^SVG/ }).click()]);
    assert.match(svg.suggestedFilename(), /qr\.svg$/i);
    assert.match(fs.readFileSync((await svg.path())!, 'utf8'), /<svg[\s\S]*<\/svg>/);
    await row.getByRole('button', { name: 'Download the QR code of Nora Quinn' }).click();
    const [png] = await Promise.all([page.waitForEvent('download'), page.getByRole('menuitem', { name: /^PNG/ }).click()]);
    assert.deepEqual([...fs.readFileSync((await png.path())!).subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);

    await row.getByRole('button', { name: 'Copy link' }).click();
    await row.getByText('Copied').or(row.getByText(/Copy failed/)).waitFor();

    // Rename, then a customer scans and rates on their phone.
    await row.getByRole('button', { name: 'More for Nora Quinn' }).click();
    await page.getByRole('menuitem', { name: 'Edit Nora Quinn' }).click();
    const editing = page.getByTestId('employee-row').filter({ has: page.locator('form') });
    await editing.getByLabel('Name').fill('Nora Quinn-Lee');
    await editing.getByRole('button', { name: 'Save' }).click();
    await page.getByTestId('employee-row').filter({ hasText: 'Nora Quinn-Lee' }).getByRole('button', { name: 'Copy link' }).waitFor();
    const reviewUrl = (await page.getByTestId('employee-row').filter({ hasText: 'Nora Quinn-Lee' }).locator('.link-line a').textContent())!;
    assert.equal(reviewUrl, `${base}/r/${emp.code}`);

    // A customer's phone (a real phone's user agent: the page does not count headless browsers).
    const customer = await newPhoneContext(browser);
    const phonePage = await customer.newPage();
    await phonePage.goto(reviewUrl);
    await phonePage.locator('#rate button.star[value="5"]').click();
    await phonePage.locator('#rate button.star[value="5"][aria-pressed="true"]').waitFor();
    await customer.close();
    await t.rt.flush();

    await page.getByRole('link', { name: 'Overview' }).click();
    await page.getByText('7 days', { exact: true }).click();
    await page.locator('[data-testid=overview][data-days="7"]').waitFor();
    await settled(page);
    const empRow = page.locator('section', { hasText: 'By employee' }).locator('tbody tr', { hasText: 'Nora Quinn-Lee' });
    await empRow.waitFor();
    const cells = await empRow.locator('td').allTextContents();
    assert.deepEqual(cells.slice(0, 5), ['Nora Quinn-Lee', 'Harbour Lane Pop-up', '1', '1', '5.00']);
  });

  test('feedback: unresolved first, filter by shop, resolve one (and it stays resolved)', async () => {
    const before = (await apiGet('/feedback?resolved=false&limit=1')).total;
    await page.getByRole('link', { name: 'Feedback' }).click();
    const rows = page.getByTestId('feedback-row');
    await rows.first().waitFor();
    assert.match(await textOf(page, 'main p[aria-live]'), new RegExp(`of ${before}\\.`));
    const first = rows.first();
    const message = (await first.locator('.message').textContent())!;
    await first.getByRole('button', { name: 'Resolve' }).click();
    await first.getByText('resolved', { exact: true }).waitFor();
    assert.equal((await apiGet('/feedback?resolved=false&limit=1')).total, before - 1);
    const resolved = (await apiGet('/feedback?resolved=true&limit=500')).feedback as { message: string }[];
    assert.ok(resolved.some((f) => f.message === message));

    // A shop filter narrows the list and lives in the URL.
    await page.getByLabel('Shop').selectOption({ label: 'Harbour Lane Salon — Riverside' });
    await page.waitForURL(/shop=/);
    await settled(page);
    const shopsShown = await page.getByTestId('feedback-who').allTextContents();
    assert.ok(shopsShown.length > 0 && shopsShown.every((s) => s.includes('Riverside')));
  });

  test('API keys: create with defaults → shown once → works with fetch → revoke with confirmation → 401', async () => {
    await page.getByRole('link', { name: 'API keys' }).click();
    const tenantKeys = page.getByTestId('tenant-keys');
    assert.equal(await tenantKeys.getByLabel('Hourly limit').inputValue(), '1000');
    const boxes = tenantKeys.locator('fieldset.perms input[type=checkbox]');
    assert.ok((await boxes.count()) >= 17);
    assert.equal(await tenantKeys.locator('fieldset.perms input[type=checkbox]:not(:checked)').count(), 0, 'all permissions by default');
    await tenantKeys.getByLabel('Name').fill('CRM sync');
    await tenantKeys.getByRole('button', { name: 'Create key' }).click();
    const secret = await page.locator('input[data-secret]').inputValue();
    assert.match(secret, /^orgstack_sk_tnt_/);
    assert.match(await textOf(page, '.secret .alert-warn'), /only this once/);
    await screenshot(page, 'dashboard-api-key-created-desktop');

    const use = () => fetch(`${base}/api/v1/tenants/${demo.tenantId}/shops`, { headers: { authorization: `Bearer ${secret}` } });
    assert.equal((await use()).status, 200);

    await page.getByRole('button', { name: 'I have stored it' }).click();
    assert.equal(await page.locator('input[data-secret]').count(), 0, 'the secret is gone from the page');
    const row = page.getByTestId('key-row').filter({ hasText: 'CRM sync' });
    assert.match((await row.textContent())!, /all/);
    await row.getByRole('button', { name: 'Revoke CRM sync' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Revoke key' }).click();
    await row.getByText('revoked').waitFor();
    const res = await use();
    assert.equal(res.status, 401);
    const [key] = await t.rt.db.select().from(apiKeys).where(and(eq(apiKeys.tenantId, demo.tenantId), eq(apiKeys.name, 'CRM sync')));
    assert.ok(key.revokedAt);
  });

  test('settings: several invalid fields at once, then a valid save with the live preview', async () => {
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByLabel('Primary colour', { exact: true }).fill('teal');
    await page.getByLabel('Keep customer contact details for (days)').fill('0');
    await page.getByLabel('Website').fill('ftp://example.com');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.locator('.field-error').first().waitFor();
    assert.equal(await page.locator('form input[aria-invalid=true]').count(), 3);
    await page.getByLabel('Primary colour', { exact: true }).fill('#1d4ed8');
    assert.equal(await page.locator('.preview-svg rect').nth(1).getAttribute('fill'), '#1d4ed8', 'the preview follows the colour');
    await page.getByLabel('Keep customer contact details for (days)').fill('180');
    await page.getByLabel('Website').fill('');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText('Settings saved.').waitFor();
    const settings = (await apiGet('/settings')).settings;
    assert.equal(settings.brandPrimaryColor, '#1d4ed8');
    assert.equal(settings.feedbackContactRetentionDays, 180);

    // Logo: an SVG dressed up as a PNG is refused by the server, next to the field; a PNG is taken.
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><rect width="1" height="1"/></svg>');
    await page.getByLabel('Upload a file').setInputFiles({ name: 'logo.png', mimeType: 'image/png', buffer: svg });
    await page.getByRole('button', { name: 'Upload', exact: true }).click();
    await page.getByText('SVG is not accepted').waitFor();
    assert.equal((await apiGet('/settings')).settings.logoUrl, null);
    await page.getByLabel('Upload a file').setInputFiles({ name: 'logo.png', mimeType: 'image/png', buffer: PNG_1x1 });
    await page.getByRole('button', { name: 'Upload', exact: true }).click();
    await page.locator('img.logo').waitFor();
    const logoUrl = (await apiGet('/settings')).settings.logoUrl as string;
    assert.ok(logoUrl.startsWith(`${base}/assets/logos/${demo.tenantId}.png?v=`));
    assert.equal(await page.locator('img.logo').evaluate((img) => (img as HTMLImageElement).naturalWidth), 1, 'the image loads under the CSP');
    assert.equal(await page.locator('.preview-svg image').getAttribute('href'), logoUrl, 'the preview shows it');
    // The header carries the business's name and, now, its logo.
    const brand = page.getByTestId('brand');
    await brand.locator('img.brand-logo').waitFor();
    assert.equal(await brand.locator('img.brand-logo').getAttribute('src'), logoUrl);
    assert.equal(await brand.locator('img.brand-logo').evaluate((img) => (img as HTMLImageElement).naturalWidth), 1);
    assert.equal(await brand.locator('.brand-name').textContent(), (await apiGet('')).tenant.name);
  });

  test('templates: per language, reorder with the buttons, switch off, add', async () => {
    const order = async () =>
      ((await apiGet('/templates?language=en&limit=500')).templates as { body: string; sortOrder: number; active: boolean }[]).sort((a, b) => a.sortOrder - b.sortOrder);
    const before = await order();
    await page.getByRole('link', { name: 'Templates' }).click();
    const rows = page.getByTestId('template-row');
    await rows.first().waitFor();
    assert.equal(await page.locator('.tabs button').count(), 2, 'English and Chinese');
    assert.equal(await rows.count(), before.length);
    assert.equal(await rows.first().locator('.template-body').textContent(), before[0].body);

    await rows.nth(1).getByRole('button', { name: /^Move up/ }).click();
    await page.waitForFunction((body) => document.querySelector('[data-testid=template-row] .template-body')?.textContent === body, before[1].body);
    await settled(page);
    const moved = await order();
    assert.deepEqual(moved.slice(0, 2).map((x) => x.body), [before[1].body, before[0].body]);

    await rows.first().getByRole('button', { name: /^Switch off/ }).click();
    await rows.first().getByText('switched off').waitFor();
    assert.equal((await order())[0].active, false);

    await page.getByLabel('Text', { exact: true }).fill('Lovely team, spotless salon.');
    await page.getByRole('button', { name: 'Add template' }).click();
    await rows.last().getByText('Lovely team, spotless salon.').waitFor();
    assert.equal((await order()).at(-1)!.body, 'Lovely team, spotless salon.');

    await page.locator('.tabs button', { hasText: 'Chinese' }).click();
    await page.waitForURL(/language=zh-CN/);
    assert.match((await rows.first().textContent())!, /[\u4e00-\u9fff]/, 'Chinese templates');
  });

  test('employees: deactivate with confirmation; shown again with the filter, and reactivated', async () => {
    await page.getByRole('link', { name: 'Employees' }).click();
    const row = page.getByTestId('employee-row').filter({ hasText: 'Nora Quinn-Lee' });
    await row.getByRole('button', { name: 'More for Nora Quinn-Lee' }).click();
    await page.getByRole('menuitem', { name: 'Deactivate Nora Quinn-Lee' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Deactivate' }).click();
    await row.waitFor({ state: 'detached' });
    const [emp] = await t.rt.db.select().from(employees).where(eq(employees.name, 'Nora Quinn-Lee'));
    assert.equal(emp.active, false);
    await page.getByLabel('Show deactivated').check();
    await row.getByText('deactivated').waitFor();
    await row.getByRole('button', { name: 'More for Nora Quinn-Lee' }).click();
    await page.getByRole('menuitem', { name: 'Reactivate Nora Quinn-Lee' }).click();
    await row.getByText('deactivated').waitFor({ state: 'detached' });
    const [again] = await t.rt.db.select().from(employees).where(eq(employees.id, emp.id));
    assert.equal(again.active, true);
  });

  test('an invited member signs up through the emailed link and cannot create keys (403 shown)', async () => {
    await page.getByRole('link', { name: 'Users' }).click();
    await page.getByLabel('Email').fill('mia@example.com');
    await page.getByLabel('Role', { exact: true }).selectOption('member');
    await page.getByRole('button', { name: 'Send invitation' }).click();
    await page.getByText('Invitation sent to mia@example.com').waitFor();
    const [mail] = await t.rt.db.select().from(mailOutbox).where(eq(mailOutbox.to, 'mia@example.com'));
    const link = /https?:\/\/\S+\/dashboard\/accept-invite\?token=\S+/.exec(mail.text)![0];

    const member = await browser.newContext(DESKTOP);
    const mp = await member.newPage();
    const memberProblems = watch(mp, base);
    await mp.goto(link);
    await mp.getByRole('heading', { name: 'Accept your invitation' }).waitFor();
    await screenshot(mp, 'dashboard-accept-invite-desktop');
    await mp.getByLabel('New password', { exact: true }).fill('mia member password');
    await mp.getByLabel('Repeat the new password').fill('mia member password');
    await mp.getByRole('button', { name: 'Set password and sign in' }).click();
    await mp.getByTestId('overview').waitFor();
    assert.match(await textOf(mp, '.who'), /member/);

    await mp.getByRole('link', { name: 'API keys' }).click();
    await mp.getByText('can view this page but not change it').waitFor();
    await mp.getByTestId('tenant-keys').getByLabel('Name').fill('Sneaky');
    await mp.getByTestId('tenant-keys').getByRole('button', { name: 'Create key' }).click();
    const alert = mp.locator('.alert-error');
    await alert.waitFor();
    assert.match((await alert.textContent())!, /keys:write/);
    const sneaky = await t.rt.db.select().from(apiKeys).where(and(eq(apiKeys.name, 'Sneaky'), isNull(apiKeys.revokedAt)));
    assert.equal(sneaky.length, 0);
    await screenshot(mp, 'dashboard-member-403-desktop');

    // The link is single-use: a second visit explains instead of showing a form.
    await mp.goto(link);
    await mp.getByText('This link has expired or was already used.').waitFor();
    assert.deepEqual(memberProblems, []);
    await member.close();
  });

  test('keyboard: the skip link, a visible focus ring, a confirmation dialog opened and dismissed without a mouse', async () => {
    await page.goto(`${base}/dashboard/shops`);
    await page.getByTestId('shop-card').first().waitFor();
    await page.keyboard.press('Tab');
    const skip = page.getByRole('link', { name: 'Skip to content' });
    assert.equal(await skip.evaluate((el) => el === document.activeElement), true, 'the first Tab reaches the skip link');
    assert.ok((await skip.boundingBox())!.x >= 0, 'and it becomes visible');
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate(() => location.hash), '#main');

    const del = page.getByRole('button', { name: 'Delete Harbour Lane Pop-up' });
    await del.focus();
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Tab');
    const ring = await del.evaluate((el) => getComputedStyle(el).outlineStyle + ' ' + getComputedStyle(el).outlineWidth);
    assert.equal(ring, 'solid 3px', 'keyboard focus is visible');
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    assert.equal(await dialog.getByRole('button', { name: 'Cancel' }).evaluate((el) => el === document.activeElement), true, 'focus moves into the dialog, on the safe choice');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    assert.equal((await t.rt.db.select().from(shops).where(eq(shops.tenantId, demo.tenantId))).length, 3, 'nothing was deleted');
  });

  test('screenshots of every page at desktop and phone size with long names: nothing sticks out or is cut off; nothing third-party, no CSP or script errors', async () => {
    // Long names and handles where they are shown: a shop, its Xiaohongshu handle, an employee, a key.
    const post = async (path: string, body: unknown) => {
      const res = await t.call('POST', `/api/v1/tenants/${demo.tenantId}${path}`, { key: platformKey, body });
      assert.equal(res.statusCode, 201, res.body);
      return res.json();
    };
    const { shop } = await post('/shops', { name: 'Harbour Lane Salon at the Old Customs House on the Riverside Promenade', xhsHandle: '@harbourlanesalonoldcustomshouseriversidepromenade' });
    await post('/employees', { shopId: shop.id, name: 'Maximiliana Anastasia Worthington-Fairweather-Montgomery' });
    await post('/api-keys', { name: 'Customer relationship management nightly synchronisation job' });
    const h = (name: string) => (p: Page) => p.getByRole('heading', { name, level: 1 }).waitFor();
    await screenshotPages(browser, owner, base, [
      { path: '/dashboard', name: 'dashboard-overview', ready: (p) => p.getByTestId('overview').waitFor() },
      { path: '/dashboard/employees', name: 'dashboard-employees', ready: (p) => p.getByTestId('employee-row').first().waitFor() },
      { path: '/dashboard/shops', name: 'dashboard-shops', ready: (p) => p.getByTestId('shop-card').first().waitFor() },
      { path: '/dashboard/templates', name: 'dashboard-templates', ready: (p) => p.getByTestId('template-row').first().waitFor() },
      { path: '/dashboard/feedback', name: 'dashboard-feedback', ready: (p) => p.getByTestId('feedback-row').first().waitFor() },
      { path: '/dashboard/api-keys', name: 'dashboard-api-keys', ready: (p) => p.getByTestId('key-row').first().waitFor() },
      { path: '/dashboard/settings', name: 'dashboard-settings', ready: (p) => p.locator('.preview-svg').waitFor() },
      { path: '/dashboard/users', name: 'dashboard-users', ready: (p) => p.getByTestId('user-row').first().waitFor() },
      { path: '/dashboard/audit', name: 'dashboard-audit', ready: (p) => p.locator('table.audit').waitFor() },
      { path: '/dashboard/no-such-page', name: 'dashboard-not-found', ready: h('Page not found') },
    ]);

    // Phone: the navigation is behind the menu button and works by keyboard.
    const phone = await browser.newContext({ ...PHONE, storageState: await owner.storageState() });
    const pp = await phone.newPage();
    await pp.goto(`${base}/dashboard`);
    await pp.getByTestId('overview').waitFor();
    assert.equal(await pp.getByRole('navigation').isVisible(), false);
    await pp.getByRole('button', { name: 'Menu' }).click();
    await pp.getByRole('navigation').getByRole('link', { name: 'Feedback' }).click();
    await pp.getByRole('heading', { name: 'Feedback', level: 1 }).waitFor();
    await phone.close();

    assert.deepEqual(problems, []);
  });

  test('sign out: back to the sign-in form, and the old session no longer works', async () => {
    await page.goto(`${base}/dashboard`);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    const res = await page.request.get(`${base}/api/v1/auth/session`);
    assert.equal(res.status(), 401);
  });
});
