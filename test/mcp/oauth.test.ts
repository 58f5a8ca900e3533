// /mcp with OAuth tokens, end to end through the official SDK: the client's transport meets the
// 401 challenge, discovers, registers, sends the person to sign in and approve, and then calls
// tools with the token — whose powers are the granted scopes ∩ the user's role. Revoking the
// grant stops the next call (401 invalid_token).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { auth, Client, StreamableHTTPClientTransport, UnauthorizedError } from '@modelcontextprotocol/client';
import { freePort, startTestApp, type TestApp } from '../helpers/app.ts';
import { CookieJar, decide, get, MemoryOAuthProvider, obtainMcpToken, signInAtConsent, type Flow } from '../helpers/oauth.ts';
import { callError, callOk } from './helpers.ts';

let t: TestApp;
let base: string;
before(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  t = await startTestApp({ PUBLIC_URL: base });
  await t.app.listen({ port, host: '127.0.0.1' });
});
after(() => t?.close());

describe('OAuth on /mcp', () => {
  test('the SDK client signs in from the first 401 and calls the tools; scopes ∩ role decide', async () => {
    const tenant = await t.createTenant();
    const owner = await t.createUser({ tenantId: tenant.id, role: 'owner' });
    const provider = new MemoryOAuthProvider();
    const url = new URL(`${base}/mcp`);
    const client = new Client({ name: 'oauth-e2e', version: '1' });
    // First connect: 401 → discovery → registration → the authorization URL (UnauthorizedError).
    await assert.rejects(client.connect(new StreamableHTTPClientTransport(url, { authProvider: provider })), UnauthorizedError);
    const authUrl = provider.authorizationUrl!;
    assert.ok(authUrl, 'the client was sent to authorize');
    const jar = new CookieJar();
    const start = await get(t, jar, authUrl.pathname + authUrl.search);
    assert.equal(start.statusCode, 303, start.body);
    const flow: Flow = { jar, interaction: new URL(String(start.headers.location), base).pathname };
    const consent = await signInAtConsent(t, flow, owner.username);
    const back = await decide(t, flow, consent.body, 'approve');
    const transport = new StreamableHTTPClientTransport(url, { authProvider: provider });
    await transport.finishAuth(back.searchParams);
    const signedIn = new Client({ name: 'oauth-e2e', version: '1' });
    await signedIn.connect(new StreamableHTTPClientTransport(url, { authProvider: provider }));

    const { tools } = await signedIn.listTools();
    assert.equal(tools.length, 17);
    const ws = await callOk(signedIn, 'workspace', { action: 'get' });
    assert.equal(ws.data.workspace.id, tenant.id);
    await callOk(signedIn, 'orgx_recommend', {});
    await callOk(signedIn, 'orgx_search', { type: 'decision', status: 'pending' });
    await signedIn.close();

    // The SDK refreshes with its stored refresh token (rotated); the new access token works and
    // the old refresh token is spent.
    const first = provider.saved!;
    assert.ok(first.refresh_token, 'the SDK asks for offline_access and gets a refresh token');
    assert.equal(await auth(provider, { serverUrl: url }), 'AUTHORIZED');
    assert.notEqual(provider.saved!.access_token, first.access_token);
    assert.notEqual(provider.saved!.refresh_token, first.refresh_token);
    const refreshed = new Client({ name: 'oauth-e2e', version: '1' });
    await refreshed.connect(new StreamableHTTPClientTransport(url, { authProvider: provider }));
    await callOk(refreshed, 'orgx_search', { type: 'initiative' });
    await refreshed.close();
  });

  test('a token with fewer scopes: the tool names the scope to grant; revoked: 401 invalid_token', async () => {
    const tenant = await t.createTenant();
    const owner = await t.createUser({ tenantId: tenant.id, role: 'owner' });
    const tokens = await obtainMcpToken(t, owner.username, ['memory:read', 'decisions:read']);
    const client = new Client({ name: 'oauth-e2e', version: '1' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${base}/mcp`), { requestInit: { headers: { authorization: `Bearer ${tokens.accessToken}` } } }));
    await callOk(client, 'orgx_search', { query: 'x' });
    // A documented decision: OAuth tokens are for /mcp only, never the REST APIs.
    for (const url of [`/api/v1/tenants/${tenant.id}`, '/api/client/decisions']) {
      const rest = await t.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${tokens.accessToken}` } });
      assert.equal(rest.statusCode, 401, url);
    }
    const error = await callError(client, 'orgx_write', { action: 'create', type: 'initiative', title: 'Nope' }, 'insufficient_scope');
    assert.equal(error.required_scope, 'initiatives:write');
    assert.match(error.next, /Reconnect this MCP server and approve the "initiatives:write" scope/);
    await client.close();

    const revoke = await t.app.inject({
      method: 'POST',
      url: '/oauth/revoke',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ token: tokens.accessToken, client_id: tokens.client.clientId }).toString(),
    });
    assert.equal(revoke.statusCode, 200, revoke.body);
    await new Promise((r) => setTimeout(r, 100));
    const res = await fetch(`${base}/mcp`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens.accessToken}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    assert.equal(res.status, 401);
    assert.match(res.headers.get('www-authenticate') ?? '', /^Bearer error="invalid_token"/);
  });
});
