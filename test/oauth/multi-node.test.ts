// Two app instances on one PostgreSQL: a person's authorization may hop between nodes, a token
// issued by one is honoured by the other, and a revocation on one is seen by the other within 5 s.
// PostgreSQL only (PGlite belongs to one process).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { buildApp, type BuiltApp } from '../../src/app.ts';
import { openDatabase, type Database } from '../../src/db/index.ts';
import { principalOfAccessToken } from '../../src/oauth/access-tokens.ts';
import { startTestApp, testConfig, type TestApp } from '../helpers/app.ts';
import { onPostgres } from '../helpers/db.ts';
import { decide, pkce, registerClient, signInAtConsent, startAuthorization, tokenRequest } from '../helpers/oauth.ts';

const skip = onPostgres ? false : 'needs TEST_DATABASE_URL (PostgreSQL)';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The status `/mcp` on a node answers a tools/list with this token (200, or 401 once refused). */
async function mcpStatus(node: { app: TestApp['app'] }, token: string): Promise<number> {
  const res = await node.app.inject({
    method: 'POST',
    url: '/mcp',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-06-18' },
    payload: { jsonrpc: '2.0', id: 1, method: 'tools/list' },
  });
  return res.statusCode;
}

let a: TestApp | undefined;
let b: BuiltApp | undefined;
let bDatabase: Database | undefined;
before(async () => {
  if (!onPostgres) return;
  a = await startTestApp();
  bDatabase = await openDatabase({ kind: 'postgres', url: a.testDb.url!, poolSize: 3 });
  b = await buildApp(testConfig(), bDatabase);
});
after(async () => {
  await b?.app.close();
  await bDatabase?.close();
  await a?.close();
});

describe('OAuth on two nodes', () => {
  test('authorization across nodes, a token from one accepted by the other, revocation seen within 5 s', { skip }, async () => {
    const nodeA = a!;
    const nodeB = { app: b!.app, rt: b!.rt };
    const tenant = await nodeA.createTenant();
    const user = await nodeA.createUser({ tenantId: tenant.id, role: 'admin' });
    const resource = `${nodeA.rt.config.publicUrl}/mcp`;

    // Registered on A; authorization started on A, its pages answered by B (cookies signed with
    // keys both derive from the server secret), resumed on A, code exchanged on B.
    const client = await registerClient(nodeA);
    const { verifier, challenge } = pkce();
    const flow = await startAuthorization(nodeA, client, { scopes: ['decisions:read', 'offline_access'], challenge });
    const consent = await signInAtConsent(nodeB, flow, user.username);
    const back = await decide(nodeA, flow, consent.body, 'approve');
    const res = await tokenRequest(nodeB, { grant_type: 'authorization_code', code: back.searchParams.get('code')!, redirect_uri: client.redirectUri, client_id: client.clientId, code_verifier: verifier, resource });
    assert.equal(res.statusCode, 200, res.body);
    const tokens = res.json();

    // Both nodes honour it (and now have it cached).
    assert.deepEqual([...(await principalOfAccessToken(nodeA.rt, tokens.access_token))!.permissions], ['decisions:read']);
    assert.deepEqual([...(await principalOfAccessToken(nodeB.rt, tokens.access_token))!.permissions], ['decisions:read']);

    // Refresh on A, the new token works on B.
    const refreshed = await tokenRequest(nodeA, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token, client_id: client.clientId, resource });
    assert.equal(refreshed.statusCode, 200, refreshed.body);
    const next = refreshed.json();
    assert.ok(await principalOfAccessToken(nodeB.rt, next.access_token));
    assert.equal(await mcpStatus(nodeA, next.access_token), 200);
    assert.equal(await mcpStatus(nodeB, next.access_token), 200);

    // Reusing the old refresh token on B revokes the grant; A stops honouring within 5 s.
    const replay = await tokenRequest(nodeB, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token, client_id: client.clientId, resource });
    assert.equal(replay.statusCode, 400);
    const started = Date.now();
    while ((await mcpStatus(nodeA, next.access_token)) !== 401) {
      assert.ok(Date.now() - started < 5000, 'node A\'s /mcp still honours a revoked grant after 5 s');
      await sleep(100);
    }
    assert.equal(await principalOfAccessToken(nodeA.rt, next.access_token), null);
  });
});
