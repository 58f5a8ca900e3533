// The dashboard's Webhooks page in a real browser against a real server and a real receiver: an
// owner adds an endpoint (a private address refused beside the field), copies the secret shown
// once, sends a test event that the receiver verifies with that secret, reads the delivery log,
// retries a failed delivery, edits the event filters and rotates the secret; a member sees the
// page read-only. Screenshots at desktop and phone size go to test-results/dashboard-webhooks-*.png.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { freePort, startTestApp, type TestApp } from '../helpers/app.ts';
import { browserSkipReason, screenshot } from '../helpers/browser.ts';
import { DESKTOP, openDashboard, ensureWebBuild, screenshotPages, signInWithForm } from '../helpers/web.ts';
import { PASSWORD } from '../helpers/sessions.ts';
import { receiver, standardVerify, until, WEBHOOK_ENV, type Receiver } from '../helpers/webhooks.ts';

const skip = browserSkipReason();

let t: TestApp;
let base: string;
let browser: Browser;
let r: Receiver;

describe('the Webhooks page in a real browser', { skip: skip ?? false }, () => {
  let context: BrowserContext;
  let page: Page;
  let problems: string[];
  let tenantId: string;

  before(async () => {
    ensureWebBuild();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    t = await startTestApp({ ...WEBHOOK_ENV, PUBLIC_URL: base });
    await t.app.listen({ port, host: '127.0.0.1' });
    r = await receiver();
    const tenant = await t.createTenant('Harbour Dental');
    tenantId = tenant.id;
    const owner = await t.createUser({ tenantId, role: 'owner' });
    ({ browser, context, page, problems } = await openDashboard(base, owner.username, PASSWORD));
    await page.getByRole('link', { name: 'Webhooks' }).first().waitFor();
  });
  after(async () => {
    await browser?.close();
    await r?.close();
    await t?.close();
  });

  test('add an endpoint: a private address is refused beside the field; the secret is shown once', async () => {
    await page.goto(`${base}/dashboard/webhooks`);
    await page.getByRole('heading', { name: 'Add an endpoint' }).waitFor();
    await page.getByLabel('URL').fill('https://10.0.0.7/hook');
    await page.getByRole('button', { name: 'Add endpoint' }).click();
    await page.locator('.field-error').first().waitFor();
    assert.match((await page.locator('.field-error').first().textContent())!, /public address/);
    assert.equal((await t.call('GET', `/api/v1/tenants/${tenantId}/webhooks`, { key: await t.platformKey() })).json().total, 0);

    await page.getByLabel('URL').fill(r.url);
    await page.getByLabel('Description').fill('Front desk system');
    await page.getByLabel('Every event').uncheck();
    await page.getByLabel('All shop events').check();
    await page.getByLabel('All employee events').check();
    await screenshot(page, 'dashboard-webhooks-add-desktop');
    await page.getByRole('button', { name: 'Add endpoint' }).click();
    const secretInput = page.locator('input[data-secret]');
    await secretInput.waitFor();
    const secret = await secretInput.inputValue();
    assert.match(secret, /^whsec_/);
    await page.getByRole('button', { name: 'I have stored it' }).click();
    assert.equal(await page.locator('input[data-secret]').count(), 0, 'the secret is gone from the page');
    const row = page.getByTestId('webhook-row');
    await row.waitFor();
    assert.match((await row.textContent())!, /shop\.\*, employee\.\*/);
    assert.match((await row.textContent())!, /no deliveries yet/);

    // Send test: the receiver verifies it with the secret the page showed.
    await row.getByRole('button', { name: 'Send test' }).click();
    await row.getByText('Test event sent').waitFor();
    const got = await until('the test event', () => r.received[0]);
    assert.equal(got.json.type, 'webhook.test');
    assert.doesNotThrow(() => standardVerify(secret, got));

    await row.getByRole('button', { name: 'Deliveries' }).click();
    const delivery = row.getByTestId('delivery-row').first();
    await until('the succeeded delivery in the log', async () => {
      await row.getByRole('button', { name: 'Refresh' }).click();
      return /succeeded/.test((await delivery.textContent().catch(() => '')) ?? '');
    });
    assert.match((await delivery.textContent())!, /webhook\.test/);
    assert.match((await delivery.textContent())!, /1 attempt · last: 204/);
  });

  test('a failed delivery shows as failed with its attempts; Retry sends it again', async () => {
    const row = page.getByTestId('webhook-row');
    r.answer = (_n, _req, res) => res.writeHead(500).end('down');
    await row.getByRole('button', { name: 'Send test' }).click();
    await until('three failed attempts', () => r.received.length >= 4);
    await row.getByRole('button', { name: 'failed' }).click();
    const failed = row.getByTestId('delivery-row').first();
    await until('the failed delivery in the log', async () => {
      await row.getByRole('button', { name: 'Refresh' }).click();
      return /failed/.test((await failed.textContent().catch(() => '')) ?? '');
    });
    assert.match((await failed.textContent())!, /3 attempts · last: 500/);
    // The endpoint's health comes from its own request, answered beside the log's: wait for it.
    await until('the endpoint shown as failing', async () => /failing since/.test((await page.getByTestId('webhook-row').textContent()) ?? ''));
    assert.match((await page.getByTestId('webhook-row').textContent())!, /failing since/);
    await screenshot(page, 'dashboard-webhooks-log-desktop');

    r.answer = (_n, _req, res) => res.writeHead(204).end();
    await failed.getByRole('button', { name: 'Retry' }).click();
    await until('the retried delivery', () => r.received.length >= 5);
    assert.equal(r.received[4].headers['webhook-id'], r.received[1].headers['webhook-id']);
  });

  test('edit the event filters, rotate the secret, delete', async () => {
    const row = page.getByTestId('webhook-row');
    await row.getByRole('button', { name: 'Edit events' }).click();
    await row.getByLabel('All employee events').uncheck();
    await row.getByRole('button', { name: 'Save filters' }).click();
    await until('saved', async () => !/employee\.\*/.test((await row.textContent()) ?? ''));
    const key = await t.platformKey();
    const [webhook] = (await t.call('GET', `/api/v1/tenants/${tenantId}/webhooks`, { key })).json().webhooks;
    assert.deepEqual(webhook.eventTypes, ['shop.*']);

    await row.getByRole('button', { name: 'Rotate secret' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Rotate secret' }).click();
    const secret = await page.locator('input[data-secret]').inputValue();
    assert.match(secret, /^whsec_/);
    await page.getByRole('button', { name: 'I have stored it' }).click();
    await row.getByText('old secret signs until').waitFor();

    await screenshotPages(browser, context, base, [
      { path: '/dashboard/webhooks', name: 'dashboard-webhooks', ready: (p) => p.getByTestId('webhook-row').first().waitFor() },
    ]);

    await row.getByRole('button', { name: /^Delete/ }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete endpoint' }).click();
    await page.getByText('No endpoints yet.').waitFor();
    assert.equal((await t.call('GET', `/api/v1/tenants/${tenantId}/webhooks`, { key })).json().total, 0);
    assert.deepEqual(problems, []);
  });

  test('a member sees the page read-only', async () => {
    const member = await t.createUser({ tenantId, role: 'member' });
    const ctx = await browser.newContext(DESKTOP);
    try {
      const p = await ctx.newPage();
      await signInWithForm(p, base, member.username, PASSWORD);
      await p.getByRole('link', { name: 'Webhooks' }).first().click();
      await p.getByRole('note').waitFor();
      assert.match((await p.getByRole('note').textContent())!, /can view this page but not change it/);
      assert.equal(await p.getByRole('heading', { name: 'Add an endpoint' }).count(), 0);
    } finally {
      await ctx.close();
    }
  });
});
