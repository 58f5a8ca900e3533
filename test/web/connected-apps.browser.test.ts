// OAuth in a real browser with JavaScript off (the pages must work without it): an MCP client's
// authorization URL → our sign-in page → consent → the code delivered to the client's loopback
// redirect (the CSP lets the form's redirect through). Then, with JavaScript on, the dashboard's
// "Connected apps" page lists the app and disconnects it, which ends its token.
// Screenshots go to test-results/oauth-*.png and dashboard-connected-apps.png.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { principalOfAccessToken } from '../../src/oauth/access-tokens.ts';
import { freePort, startTestApp, type TestApp } from '../helpers/app.ts';
import { browserSkipReason, launchBrowser, screenshot } from '../helpers/browser.ts';
import { authorizeUrl, LOOPBACK_REDIRECT, pkce, registerClient, tokenRequest } from '../helpers/oauth.ts';
import { PASSWORD } from '../helpers/sessions.ts';
import { DESKTOP, ensureWebBuild, signInWithForm, watch } from '../helpers/web.ts';

const skip = browserSkipReason();

let t: TestApp;
let base: string;
let browser: Browser;

describe('OAuth pages and Connected apps in a real browser', { skip: skip ?? false }, () => {
  before(async () => {
    ensureWebBuild();
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

  test('authorize without JavaScript, then disconnect from the dashboard', async () => {
    const tenant = await t.createTenant('Harbour Dental');
    const user = await t.createUser({ tenantId: tenant.id, role: 'admin' });
    const client = await registerClient(t, { name: 'Claude' });
    const { verifier, challenge } = pkce();

    const noJs = await browser.newContext({ ...DESKTOP, javaScriptEnabled: false });
    const page = await noJs.newPage();
    // The client's loopback listener, played by the browser itself.
    let delivered: URL | null = null;
    await page.route(`${new URL(LOOPBACK_REDIRECT).origin}/**`, (route) => {
      delivered = new URL(route.request().url());
      return route.fulfill({ status: 200, contentType: 'text/plain', body: 'You can close this window.' });
    });
    await page.goto(base + authorizeUrl(t, client, { scopes: ['decisions:read', 'decisions:write', 'offline_access'], challenge }));
    await page.getByRole('heading', { name: 'Sign in to connect Claude' }).waitFor();
    await screenshot(page, 'oauth-sign-in');
    await page.getByLabel('Username or email').fill(user.username);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Allow Claude to use orgstack?' }).waitFor();
    assert.match((await page.textContent('main'))!, /Harbour Dental/);
    assert.match((await page.textContent('main'))!, /Create decisions and approve or reject them/);
    await screenshot(page, 'oauth-consent');
    await page.getByRole('button', { name: 'Approve' }).click();
    await page.getByText('You can close this window.').waitFor();
    assert.ok(delivered, 'the code reached the redirect URI');
    const code = (delivered as URL).searchParams.get('code')!;
    const res = await tokenRequest(t, { grant_type: 'authorization_code', code, redirect_uri: client.redirectUri, client_id: client.clientId, code_verifier: verifier, resource: `${base}/mcp` });
    assert.equal(res.statusCode, 200, res.body);
    const token = res.json().access_token;
    assert.ok(await principalOfAccessToken(t.rt, token));
    await noJs.close();

    // The dashboard: the same person (signing in there opened a session), now with JavaScript.
    const context = await browser.newContext(DESKTOP);
    const dash = await context.newPage();
    const problems = watch(dash, base);
    await signInWithForm(dash, base, user.username, PASSWORD);
    await dash.getByRole('link', { name: 'Connected apps' }).first().click();
    const row = dash.getByTestId('connected-app-row');
    await row.waitFor();
    assert.match((await row.textContent())!, /Claude/);
    assert.match((await row.textContent())!, /Harbour Dental/);
    assert.match((await row.textContent())!, /See decisions and the ones waiting for you/);
    await screenshot(dash, 'dashboard-connected-apps');
    await dash.getByRole('button', { name: 'Disconnect Claude' }).click();
    await dash.getByRole('dialog').getByRole('button', { name: 'Disconnect' }).click();
    await dash.getByText('No apps connected yet.').waitFor();
    assert.equal(await principalOfAccessToken(t.rt, token), null);
    assert.deepEqual(problems, []);
    await context.close();
  });
});
