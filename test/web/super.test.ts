// The operator console (/super) in a real browser against a real server: a superadmin searches
// tenants, provisions one (invalid fields all shown at once; the login and temporary password shown
// once), changes its plan, suspends and reactivates it, opens its dashboard, deletes another with
// typed confirmation, makes a platform key and uses it, and reads usage and the audit log. A tenant
// user is kept out. Screenshots of every page at desktop and phone size: test-results/super-*.png.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { eq } from 'drizzle-orm';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { apiKeys, tenants } from '../../src/platform/tables.ts';
import type { TestApp } from '../helpers/app.ts';
import { browserSkipReason, launchBrowser, screenshot } from '../helpers/browser.ts';
import { PASSWORD } from '../helpers/sessions.ts';
import { DESKTOP, screenshotPages, signInWithForm, startWebServer, textOf, watch } from '../helpers/web.ts';

const skip = browserSkipReason();

let t: TestApp;
let base: string;
let browser: Browser;

describe('operator console in a real browser', { skip: skip ?? false }, () => {
  let context: BrowserContext;
  let page: Page;
  let problems: string[];
  let provisionedId: string;

  before(async () => {
    ({ t, base } = await startWebServer());
    await t.createUser({ tenantId: null, role: 'superadmin', username: 'operator' });
    await t.createTenant('Alpha Bakery');
    await t.createTenant('Doomed Noodles');
    await t.createTenant('The Extraordinarily Long-Named Riverside Hair, Nail and Beauty Studio of Harbour Lane');
    browser = await launchBrowser();
    context = await browser.newContext(DESKTOP);
    page = await context.newPage();
    problems = watch(page, base);
  });
  after(async () => {
    await browser?.close();
    await t?.close();
  });

  test('a superadmin signing in at /dashboard lands in the console; the tenant list is searchable', async () => {
    await signInWithForm(page, base, 'OPERATOR', PASSWORD);
    await page.getByRole('heading', { name: 'Tenants', level: 1 }).waitFor();
    assert.ok(page.url().endsWith('/super'));
    const rows = page.locator('tbody tr');
    await rows.first().waitFor();
    assert.equal(await rows.count(), 3);
    await page.getByLabel('Search').fill('doomed');
    assert.equal(await rows.count(), 1);
    assert.match((await rows.first().textContent())!, /Doomed Noodles/);
    await page.getByLabel('Search').fill('nothing like this');
    await page.getByText('No tenant matches').waitFor();
  });

  test('provision: every invalid field at once, then the result with the login and the temporary password once', async () => {
    await page.getByRole('navigation').getByRole('link', { name: 'Provision a tenant' }).click();
    // The page says what one provisioning creates (src/reviews/provisioning.ts).
    const created = await textOf(page, '[data-testid=what-is-created]');
    for (const part of [/14-day trial/, /default shop/, /username = the slug/, /72 hours/, /20 suggested review texts: 10 in English and 10 in Simplified Chinese/, /seven standard AI agents/, /Not created: employees/]) {
      assert.match(created, part);
    }
    assert.equal(await page.getByLabel('Kind of business').inputValue(), '', 'the kind of business is chosen, not guessed');
    await page.getByLabel('Business name').fill('B');
    await page.getByLabel('Google Maps URL').fill('https://example.com/maps');
    await page.getByLabel('Owner email (optional)').fill('not-an-email');
    await page.getByRole('button', { name: 'Provision tenant' }).click();
    await page.locator('.field-error').first().waitFor();
    const invalid = await page.locator('[aria-invalid=true]').evaluateAll((els) => els.map((e) => (e as HTMLInputElement).name).sort());
    assert.deepEqual(invalid, ['mapsUrl', 'name', 'ownerEmail', 'vertical']);
    assert.equal((await t.rt.db.select().from(tenants)).length, 3, 'nothing was created');
    await screenshot(page, 'super-provision-errors-desktop');

    await page.getByLabel('Business name').fill('Blue Door Clinic');
    await page.getByLabel('Kind of business').selectOption('clinic');
    await page.getByLabel('Google Maps URL').fill('https://www.google.com/maps?cid=12345678901234567890');
    await page.getByLabel('Owner email (optional)').fill('');
    await page.getByRole('button', { name: 'Provision tenant' }).click();
    await page.getByTestId('provisioned').waitFor();
    assert.equal(await textOf(page, '[data-testid=login-username]'), 'blue-door-clinic');
    const password = await page.locator('input[data-secret]').inputValue();
    assert.ok(password.length >= 10);
    assert.match(await textOf(page, '.secret .alert-warn'), /only once/);
    assert.match(await textOf(page, '[data-testid=provisioned]'), /The default shop, 20 suggested review texts, default settings and the seven standard agents/);
    assert.match(await textOf(page, '[data-testid=provisioned-mode]'), /temporary password/);
    await screenshot(page, 'super-provisioned-desktop');
    const [tenant] = await t.rt.db.select().from(tenants).where(eq(tenants.slug, 'blue-door-clinic'));
    assert.equal(tenant.plan, 'trial');
    provisionedId = tenant.id;
  });

  test('tenant detail: plan change, suspend (with confirmation) and reactivate', async () => {
    await page.getByRole('link', { name: 'Open the tenant' }).click();
    await page.getByRole('heading', { name: 'Blue Door Clinic', level: 1 }).waitFor();
    assert.equal(await textOf(page, '[data-testid=tenant-status]'), 'active');
    assert.match(await textOf(page, 'main'), /trial, 14 d left/);

    await page.getByLabel('Plan', { exact: true }).fill('pro');
    await page.getByLabel('Trial ends').fill('');
    await page.getByRole('button', { name: 'Save plan' }).click();
    await page.getByText('Plan saved.').waitFor();
    let [row] = await t.rt.db.select().from(tenants).where(eq(tenants.id, provisionedId));
    assert.equal(row.plan, 'pro');
    assert.equal(row.trialEndsAt, null);

    await page.getByRole('button', { name: 'Suspend tenant' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    [row] = await t.rt.db.select().from(tenants).where(eq(tenants.id, provisionedId));
    assert.equal(row.status, 'active', 'cancel changes nothing');
    await page.getByRole('button', { name: 'Suspend tenant' }).click();
    await dialog.getByRole('button', { name: 'Suspend' }).click();
    await page.getByTestId('suspended-banner').waitFor();
    assert.equal(await textOf(page, '[data-testid=tenant-status]'), 'suspended');
    [row] = await t.rt.db.select().from(tenants).where(eq(tenants.id, provisionedId));
    assert.equal(row.status, 'suspended');
    await screenshot(page, 'super-tenant-suspended-desktop');

    await page.getByRole('button', { name: 'Reactivate tenant' }).click();
    await page.getByTestId('suspended-banner').waitFor({ state: 'detached' });
    [row] = await t.rt.db.select().from(tenants).where(eq(tenants.id, provisionedId));
    assert.equal(row.status, 'active');
  });

  test("the operator opens a tenant's dashboard", async () => {
    await page.getByRole('link', { name: 'Open its dashboard' }).click();
    await page.getByTestId('overview').waitFor();
    assert.match(await textOf(page, '.banner-info'), /Viewing Blue Door Clinic as platform operator/);
    assert.equal(await textOf(page, '[data-testid=brand] .brand-name'), 'Blue Door Clinic', "the header names the business");
    await page.getByRole('link', { name: 'Shops' }).click();
    await page.getByTestId('shop-card').first().waitFor();
    await page.getByRole('link', { name: 'Back to the console' }).click();
    await page.getByRole('heading', { name: 'Blue Door Clinic', level: 1 }).waitFor();
  });

  test('delete needs the slug typed; then the tenant and its data are gone', async () => {
    const [doomed] = await t.rt.db.select().from(tenants).where(eq(tenants.name, 'Doomed Noodles'));
    await page.goto(`${base}/super/tenants/${doomed.id}`);
    await page.getByRole('button', { name: 'Delete tenant' }).click();
    const dialog = page.getByRole('dialog');
    const confirm = dialog.getByRole('button', { name: 'Delete forever' });
    assert.equal(await confirm.isDisabled(), true);
    await dialog.getByLabel(/Type/).fill('doomed');
    assert.equal(await confirm.isDisabled(), true, 'only the exact slug enables it');
    await screenshot(page, 'super-delete-confirm-desktop');
    await dialog.getByLabel(/Type/).fill(doomed.slug);
    await confirm.click();
    await page.getByRole('heading', { name: 'Tenants', level: 1 }).waitFor();
    assert.equal((await t.rt.db.select().from(tenants).where(eq(tenants.id, doomed.id))).length, 0);
  });

  test('platform keys: 5000/h default, shown once, works, revoked → 401', async () => {
    await page.getByRole('navigation').getByRole('link', { name: 'Platform API keys' }).click();
    assert.equal(await page.getByLabel('Hourly limit').inputValue(), '5000');
    assert.ok((await page.locator('fieldset.perms').textContent())!.includes('tenants:write'));
    await page.getByLabel('Name').fill('Provisioning bot');
    await page.getByRole('button', { name: 'Create key' }).click();
    const secret = await page.locator('input[data-secret]').inputValue();
    assert.match(secret, /^orgstack_sk_plat_/);
    const use = () => fetch(`${base}/api/v1/tenants`, { headers: { authorization: `Bearer ${secret}` } });
    const ok = await use();
    assert.equal(ok.status, 200);
    assert.equal(((await ok.json()) as { tenants: unknown[] }).tenants.length, 3);
    await page.getByRole('button', { name: 'I have stored it' }).click();
    const row = page.getByTestId('key-row').filter({ hasText: 'Provisioning bot' });
    assert.match((await row.textContent())!, /5,000/);
    await row.getByRole('button', { name: 'Revoke Provisioning bot' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Revoke key' }).click();
    await row.getByText('revoked').waitFor();
    assert.equal((await use()).status, 401);
    const [key] = await t.rt.db.select().from(apiKeys).where(eq(apiKeys.name, 'Provisioning bot'));
    assert.equal(key.kind, 'platform');
    assert.equal(key.hourlyLimit, 5000);
    assert.ok(key.revokedAt);
  });

  test('usage and the audit log across tenants', async () => {
    await t.rt.flush();
    await page.getByRole('navigation').getByRole('link', { name: 'Usage' }).click();
    await page.locator('tbody tr').first().waitFor();
    assert.match(await textOf(page, 'table'), /Provisioning bot/);
    await page.getByRole('navigation').getByRole('link', { name: 'Audit log' }).click();
    await page.locator('table.audit tbody tr').first().waitFor();
    assert.match(await textOf(page, 'table.audit'), /POST \/api\/v1\/tenants/);
    assert.match(await textOf(page, 'table.audit'), /operator \(dashboard\)/, 'people by their names');
    assert.match(await textOf(page, 'table.audit'), /Blue Door Clinic/, 'tenants by their names');
    await page.getByLabel('Status').fill('401');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForFunction(() => [...document.querySelectorAll('table.audit tbody tr')].every((r) => r.textContent!.includes('401')));
  });

  test('screenshots of every console page at desktop and phone size; no errors, nothing third-party', async () => {
    await screenshotPages(browser, context, base, [
      { path: '/super', name: 'super-tenants', ready: (p) => p.locator('tbody tr').first().waitFor() },
      { path: '/super/tenants/new', name: 'super-provision', ready: (p) => p.getByLabel('Business name').waitFor() },
      { path: `/super/tenants/${provisionedId}`, name: 'super-tenant-detail', ready: (p) => p.getByTestId('tenant-status').waitFor() },
      { path: '/super/api-keys', name: 'super-api-keys', ready: (p) => p.getByTestId('key-row').first().waitFor() },
      { path: '/super/usage', name: 'super-usage', ready: (p) => p.locator('tbody tr').first().waitFor() },
      { path: '/super/audit', name: 'super-audit', ready: (p) => p.locator('table.audit').waitFor() },
    ]);
    assert.deepEqual(problems, []);
  });

  test('a tenant user is kept out of the console; the API refuses platform routes to them', async () => {
    const tenant = await t.createTenant('Gamma Gifts');
    const { username } = await t.createUser({ tenantId: tenant.id, role: 'owner' });
    const other = await browser.newContext(DESKTOP);
    const p = await other.newPage();
    await signInWithForm(p, base, username, PASSWORD);
    await p.getByTestId('overview').waitFor();
    await p.goto(`${base}/super/api-keys`);
    await p.getByRole('heading', { name: 'Platform operators only' }).waitFor();
    const res = await p.request.get(`${base}/api/v1/platform/api-keys`);
    assert.equal(res.status(), 403);
    await other.close();
  });
});
