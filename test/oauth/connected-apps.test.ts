// "Connected apps" over HTTP: the signed-in person's grants listed with client, scopes, tenant and
// last use, and disconnected — which ends every token of the grant at once.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { eq } from 'drizzle-orm';
import { principalOfAccessToken } from '../../src/oauth/access-tokens.ts';
import { oauthArtifacts, oauthGrants } from '../../src/oauth/tables.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { obtainMcpToken, tokenRequest } from '../helpers/oauth.ts';
import { callAs, signIn } from '../helpers/sessions.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(async () => {
  await t?.close();
});

describe('connected apps', () => {
  test('listed with client, scopes, tenant and last use; disconnecting ends the tokens', async () => {
    const tenant = await t.createTenant('Corner Café');
    const user = await t.createUser({ tenantId: tenant.id, role: 'admin' });
    const tokens = await obtainMcpToken(t, user.username, ['decisions:read', 'memory:read', 'offline_access']);
    const p = await principalOfAccessToken(t.rt, tokens.accessToken);
    assert.ok(p);
    await t.rt.flush();
    const browser = await signIn(t, user.username);

    // lastUsedAt is written off the request path; wait for it.
    let app: { id: string; clientName: string; scopes: string[]; tenant: { id: string; name: string }; lastUsedAt: string | null; createdAt: string } | undefined;
    for (let i = 0; i < 50; i++) {
      const res = await callAs(t, 'GET', '/api/v1/auth/connected-apps', { browser });
      assert.equal(res.statusCode, 200, res.body);
      [app] = res.json().connectedApps;
      if (app?.lastUsedAt) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.ok(app);
    assert.equal(app.id, p.credentialId);
    assert.equal(app.clientName, 'Test MCP client');
    assert.deepEqual(app.tenant, { id: tenant.id, name: 'Corner Café' });
    assert.deepEqual([...app.scopes].sort(), ['decisions:read', 'memory:read', 'offline_access']);
    assert.ok(app.lastUsedAt, 'last use is shown');

    // Someone else cannot see or revoke it.
    const other = await t.createUser({ tenantId: tenant.id, role: 'owner' });
    const otherBrowser = await signIn(t, other.username);
    assert.deepEqual((await callAs(t, 'GET', '/api/v1/auth/connected-apps', { browser: otherBrowser })).json().connectedApps, []);
    assert.equal((await callAs(t, 'DELETE', `/api/v1/auth/connected-apps/${app.id}`, { browser: otherBrowser })).statusCode, 404);
    // A key is not a session.
    const key = await t.userKey(user.id);
    assert.equal((await t.call('GET', '/api/v1/auth/connected-apps', { key })).statusCode, 403);
    // CSRF applies to the cookie surface.
    assert.equal((await callAs(t, 'DELETE', `/api/v1/auth/connected-apps/${app.id}`, { browser, csrf: false })).statusCode, 403);

    const gone = await callAs(t, 'DELETE', `/api/v1/auth/connected-apps/${app.id}`, { browser });
    assert.equal(gone.statusCode, 204, gone.body);
    assert.equal(await principalOfAccessToken(t.rt, tokens.accessToken), null);
    assert.equal((await t.rt.db.select().from(oauthGrants).where(eq(oauthGrants.id, app.id))).length, 0);
    assert.equal((await t.rt.db.select().from(oauthArtifacts).where(eq(oauthArtifacts.grantId, app.id))).length, 0);
    const refresh = await tokenRequest(t, { grant_type: 'refresh_token', refresh_token: tokens.refreshToken!, client_id: tokens.client.clientId, resource: `${t.rt.config.publicUrl}/mcp` });
    assert.equal(refresh.statusCode, 400);
    assert.equal((await callAs(t, 'DELETE', `/api/v1/auth/connected-apps/${app.id}`, { browser })).statusCode, 404);
    assert.deepEqual((await callAs(t, 'GET', '/api/v1/auth/connected-apps', { browser })).json().connectedApps, []);
  });
});
