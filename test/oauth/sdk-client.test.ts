// The official MCP SDK's OAuth client against a listening server: discovery from the
// protected-resource metadata of `/mcp`, dynamic registration, authorization with PKCE and the
// resource indicator, the code exchange, and a refresh — what every AI client built on it does.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { auth } from '@modelcontextprotocol/client';
import { principalOfAccessToken } from '../../src/oauth/access-tokens.ts';
import { freePort, startTestApp, type TestApp } from '../helpers/app.ts';
import { sdkAuthorize } from '../helpers/oauth.ts';

let t: TestApp;
let base: string;
before(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  t = await startTestApp({ PUBLIC_URL: base });
  await t.app.listen({ port, host: '127.0.0.1' });
});
after(async () => {
  await t?.close();
});

describe('the MCP SDK as the OAuth client', () => {
  test('discovers, registers, authorizes, exchanges and refreshes', async () => {
    const tenant = await t.createTenant();
    const user = await t.createUser({ tenantId: tenant.id, role: 'member' });
    const provider = await sdkAuthorize(t, `${base}/mcp`, user.username, ['decisions:read', 'decisions:write', 'offline_access']);
    assert.ok(provider.client?.client_id, 'registered dynamically');
    const tokens = provider.saved!;
    assert.equal(tokens.token_type, 'Bearer');
    assert.ok(tokens.refresh_token);
    const p = await principalOfAccessToken(t.rt, tokens.access_token);
    // A member holds reads only: the write scope was granted but is worth nothing.
    assert.deepEqual([...p!.permissions], ['decisions:read']);

    // With tokens stored, auth() refreshes (rotation: a new refresh token).
    const before = tokens.refresh_token;
    const again = await auth(provider, { serverUrl: `${base}/mcp` });
    assert.equal(again, 'AUTHORIZED');
    assert.notEqual(provider.saved!.refresh_token, before);
    assert.ok(await principalOfAccessToken(t.rt, provider.saved!.access_token));
  });
});
