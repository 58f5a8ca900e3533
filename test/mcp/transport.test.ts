// /mcp as HTTP: the protocol revisions clients speak (SDK client for 2025-11-25 and 2026-07-28, a
// raw initialize for 2025-06-18), the server instructions, and every refusal before a tool runs —
// no or bad token (401 + WWW-Authenticate), GET/DELETE (405), foreign Origin or Host (403),
// batches, oversized and malformed bodies — and that a refused write changed nothing.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { count, eq } from 'drizzle-orm';
import { decisions } from '../../src/work/tables.ts';
import { callOk, connect, post, startMcpApp, type McpTestApp } from './helpers.ts';

let t: McpTestApp;
let key: string;
let tenantId: string;

before(async () => {
  t = await startMcpApp();
  const { tenant } = await t.tenantWithKey();
  tenantId = tenant.id;
  const user = await t.createUser({ tenantId, role: 'owner' });
  key = await t.userKey(user.id);
});
after(() => t.close());

const rpc = (method: string, params: unknown = {}, id: number | string = 1) => JSON.stringify({ jsonrpc: '2.0', id, method, params });
const auth = () => ({ authorization: `Bearer ${key}` });
const decisionCount = async () => (await t.rt.db.select({ n: count() }).from(decisions).where(eq(decisions.tenantId, tenantId)))[0].n;

const EXPECTED_SCOPES = [
  'agents:read',
  'agents:write',
  'analytics:read',
  'decisions:read',
  'decisions:write',
  'employees:read',
  'employees:write',
  'feedback:read',
  'feedback:write',
  'initiatives:read',
  'initiatives:write',
  'memory:read',
  'shops:read',
  'shops:write',
  'templates:read',
  'templates:write',
  'tenants:read',
].join(' ');

describe('protocol revisions', () => {
  test('the SDK client (2025-11-25) initializes, reads the instructions and calls a tool', async () => {
    const client = await connect(t, key);
    assert.equal(client.getServerVersion()?.name, 'orgstack');
    const instructions = client.getInstructions() ?? '';
    assert.match(instructions, /1\. workspace action=get[\s\S]*2\. orgx_recommend[\s\S]*3\. orgx_search type=decision status=pending/);
    const ws = await callOk(client, 'workspace', { action: 'get' });
    assert.equal(ws.data.workspace.id, tenantId);
    await client.close();
  });

  test('a client pinned to 2026-07-28 (the newest the SDK serves) works statelessly too', async () => {
    const client = await connect(t, key, { pin: '2026-07-28' });
    const { tools } = await client.listTools();
    assert.ok(tools.some((x) => x.name === 'orgx_search'));
    const ws = await callOk(client, 'workspace', { action: 'get' });
    assert.equal(ws.data.workspace.id, tenantId);
    await client.close();
  });

  for (const version of ['2025-06-18', '2025-11-25']) {
    test(`initialize with protocolVersion ${version} is answered in that revision, with a JSON body and no session`, async () => {
      const res = await post(t, rpc('initialize', { protocolVersion: version, capabilities: {}, clientInfo: { name: 'raw', version: '1' } }), auth());
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
      assert.equal(res.headers.get('mcp-session-id'), null);
      const body: any = await res.json();
      assert.equal(body.result.protocolVersion, version);
      assert.equal(body.result.serverInfo.name, 'orgstack');
      assert.ok(body.result.capabilities.tools);
      // Later messages carry the header and no session.
      const list = await post(t, rpc('tools/list', {}, 2), { ...auth(), 'mcp-protocol-version': version });
      assert.equal(list.status, 200);
      assert.equal(((await list.json()) as any).result.tools.length, 17);
    });
  }
});

describe('authentication', () => {
  test('no token: 401 with the resource metadata and the scopes, no error code', async () => {
    const res = await post(t, rpc('tools/list'));
    assert.equal(res.status, 401);
    assert.equal(
      res.headers.get('www-authenticate'),
      `Bearer resource_metadata="http://orgstack.test/.well-known/oauth-protected-resource/mcp", scope="${EXPECTED_SCOPES}"`,
    );
    assert.equal(((await res.json()) as any).error, 'unauthorized');
  });

  for (const [what, header] of [
    ['an unknown OAuth token', 'Bearer not-a-real-token'],
    ['an oxk_ key that does not exist', 'Bearer oxk_0000000000000000000000000000000000000000'],
    ['a tenant key that does not exist', 'Bearer orgstack_sk_tnt_0000000000000000000000000000000000000000'],
    ['a Basic header', 'Basic dXNlcjpwYXNz'],
  ] as const) {
    test(`${what}: 401 invalid_token with WWW-Authenticate`, async () => {
      const before = await decisionCount();
      const res = await post(t, rpc('tools/call', { name: 'orgx_decide', arguments: { action: 'create', title: 'x' } }), { authorization: header });
      assert.equal(res.status, 401);
      const challenge = res.headers.get('www-authenticate') ?? '';
      assert.match(challenge, /^Bearer error="invalid_token", error_description="[^"]+", resource_metadata="http:\/\/orgstack\.test\/\.well-known\/oauth-protected-resource\/mcp", scope="[^"]+"$/);
      const body: any = await res.json();
      assert.equal(body.error, 'invalid_token');
      assert.equal(await decisionCount(), before);
    });
  }

  test('a session cookie alone is not a credential here', async () => {
    const res = await post(t, rpc('tools/list'), { cookie: 'orgstack_session=anything' });
    assert.equal(res.status, 401);
  });

  test('each authenticated POST counts against the hourly limit: 429 with Retry-After past it', async () => {
    const { key: limited } = await t.tenantWithKey({ hourlyLimit: 2 });
    const headers = { authorization: `Bearer ${limited}` };
    const first = await post(t, rpc('tools/list'), headers);
    assert.equal(first.status, 200);
    assert.equal(first.headers.get('x-ratelimit-limit'), '2');
    assert.equal(first.headers.get('x-ratelimit-remaining'), '1');
    assert.equal((await post(t, rpc('tools/list'), headers)).status, 200);
    const third = await post(t, rpc('tools/list'), headers);
    assert.equal(third.status, 429);
    assert.ok(Number(third.headers.get('retry-after')) > 0);
    const body: any = await third.json();
    assert.equal(body.jsonrpc, '2.0');
    assert.match(body.error.message, /Hourly limit of 2/);
  });
});

describe('refusals before any tool runs', () => {
  for (const method of ['GET', 'DELETE']) {
    test(`${method} /mcp: 405 with Allow: POST (a stateless server has no stream or session)`, async () => {
      const res = await fetch(t.url, { method, headers: { ...auth(), accept: 'text/event-stream' } });
      assert.equal(res.status, 405);
      assert.equal(res.headers.get('allow'), 'POST');
      const body: any = await res.json();
      assert.equal(body.jsonrpc, '2.0');
      assert.match(body.error.message, /stateless/);
    });
  }

  test('a foreign Origin is 403 (DNS rebinding), a loopback or our own origin is served', async () => {
    const foreign = await post(t, rpc('tools/list'), { ...auth(), origin: 'https://evil.example' });
    assert.equal(foreign.status, 403);
    assert.match(((await foreign.json()) as any).error.message, /Origin "https:\/\/evil\.example" is not allowed/);
    for (const origin of ['http://localhost:6274', 'http://orgstack.test']) {
      assert.equal((await post(t, rpc('tools/list'), { ...auth(), origin })).status, 200, origin);
    }
  });

  test('a browser client from an allowed origin gets its preflight and may read the answers (Bearer, no cookies)', async () => {
    const preflight = await fetch(t.url, {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:6274', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type, mcp-protocol-version' },
    });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get('access-control-allow-methods'), 'POST');
    assert.match(preflight.headers.get('access-control-allow-headers') ?? '', /Authorization.*Mcp-Protocol-Version/);
    const res = await post(t, rpc('tools/list'), { origin: 'http://localhost:6274' });
    assert.equal(res.status, 401);
    assert.equal(res.headers.get('access-control-allow-origin'), '*');
    assert.match(res.headers.get('access-control-expose-headers') ?? '', /WWW-Authenticate/);
    assert.equal(res.headers.get('access-control-allow-credentials'), null);
    const foreign = await fetch(t.url, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
    assert.equal(foreign.status, 403);
  });

  test('a foreign Host is 403', async () => {
    // fetch sets Host itself; node:http lets the test send another.
    const http = await import('node:http');
    const url = new URL(t.url);
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request(
        { host: url.hostname, port: url.port, path: '/mcp', method: 'POST', headers: { host: 'rebound.attacker.example', 'content-type': 'application/json', ...auth() } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end(rpc('tools/list'));
    });
    assert.equal(status, 403);
  });

  test('a JSON-RPC batch is refused with a clear error, and nothing in it runs', async () => {
    const before = await decisionCount();
    const batch = JSON.stringify([
      { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'orgx_decide', arguments: { action: 'create', title: 'In a batch' } } },
      { jsonrpc: '2.0', id: 2, method: 'tools/list' },
    ]);
    const res = await post(t, batch, auth());
    assert.equal(res.status, 400);
    const body: any = await res.json();
    assert.equal(body.error.code, -32600);
    assert.match(body.error.message, /batches are not supported/);
    assert.equal(await decisionCount(), before);
  });

  test('a body over the limit is 413, and nothing runs', async () => {
    const before = await decisionCount();
    const huge = rpc('tools/call', { name: 'orgx_decide', arguments: { action: 'create', title: 'Big', summary: 'x'.repeat(600 * 1024) } });
    const res = await post(t, huge, auth());
    assert.equal(res.status, 413);
    const body: any = await res.json();
    assert.match(body.error.message, /larger than 512 KiB/);
    assert.equal(await decisionCount(), before);
  });

  test('a body that is not JSON is a JSON-RPC parse error', async () => {
    const res = await post(t, '{"jsonrpc": "2.0", "id": 1,', auth());
    assert.equal(res.status, 400);
    assert.equal(((await res.json()) as any).error.code, -32700);
  });

  test('a body that is not a JSON-RPC message gets a JSON-RPC error, never a 500', async () => {
    for (const body of ['"hello"', '{"method": 42}', '{"jsonrpc":"2.0","id":1,"method":"no/such/method"}']) {
      const res = await post(t, body, auth());
      assert.ok(res.status < 500, `${body}: ${res.status}`);
      const json: any = await res.json();
      assert.ok(json.error, body);
    }
  });
});
