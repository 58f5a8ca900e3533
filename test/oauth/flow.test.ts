// The authorization server end to end over HTTP: discovery, registration, sign-in and consent
// as form posts, the code for a PKCE verifier, refresh with rotation, revocation, and what
// principalOfAccessToken makes of the tokens.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { principalOfAccessToken } from '../../src/oauth/access-tokens.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { obtainMcpToken, tokenRequest } from '../helpers/oauth.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(async () => {
  await t?.close();
});

describe('OAuth flow', () => {
  test('a user connects a client and the token stands for them', async () => {
    const tenant = await t.createTenant();
    const user = await t.createUser({ tenantId: tenant.id, role: 'admin' });
    const tokens = await obtainMcpToken(t, user.username, ['decisions:read', 'agents:write', 'offline_access']);
    assert.equal(tokens.expiresIn, 3600);
    assert.ok(tokens.refreshToken);
    const p = await principalOfAccessToken(t.rt, tokens.accessToken);
    assert.ok(p);
    assert.equal(p.kind, 'oauth_token');
    assert.equal(p.userId, user.id);
    assert.deepEqual([...p.permissions].sort(), ['agents:write', 'decisions:read']);
    const refreshed = await tokenRequest(t, { grant_type: 'refresh_token', refresh_token: tokens.refreshToken!, client_id: tokens.client.clientId, resource: `${t.rt.config.publicUrl}/mcp` });
    assert.equal(refreshed.statusCode, 200, refreshed.body);
  });
});
