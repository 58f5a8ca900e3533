// agent.json and the OpenAPI document name the MCP server: its URL, how to authorize, its tools
// and the first calls.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestApp, type TestApp } from '../helpers/app.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.close());

test('agent.json describes the MCP server', async () => {
  const res = await t.call('GET', '/.well-known/agent.json');
  assert.equal(res.statusCode, 200);
  const { mcp } = res.json();
  assert.equal(mcp.url, 'http://orgstack.test/mcp');
  assert.equal(mcp.transport, 'streamable-http');
  assert.equal(mcp.stateless, true);
  for (const v of ['2026-07-28', '2025-11-25', '2025-06-18']) assert.ok(mcp.protocolVersions.includes(v), v);
  assert.equal(mcp.auth.oauth.protectedResourceMetadata, 'http://orgstack.test/.well-known/oauth-protected-resource/mcp');
  assert.equal(mcp.auth.oauth.authorizationServerMetadata, 'http://orgstack.test/.well-known/oauth-authorization-server');
  assert.ok(mcp.auth.oauth.scopes.includes('decisions:write') && mcp.auth.oauth.scopes.includes('offline_access'));
  assert.match(mcp.auth.apiKeys, /Bearer/);
  assert.equal(mcp.tools.length, 17);
  assert.deepEqual(mcp.tools.find((x: any) => x.name === 'orgx_search'), { name: 'orgx_search', description: mcp.tools.find((x: any) => x.name === 'orgx_search').description, readOnly: true });
  assert.deepEqual(mcp.firstCalls, ['workspace action=get', 'orgx_recommend', 'orgx_search type=decision status=pending']);
});

test('the OpenAPI info names the MCP URL, its auth and its tools', async () => {
  const res = await t.call('GET', '/api/v1/openapi');
  assert.equal(res.statusCode, 200);
  const { description } = res.json().info;
  assert.match(description, /\*\*MCP\.\*\* .* at `http:\/\/orgstack\.test\/mcp`/);
  assert.match(description, /OAuth 2\.1/);
  assert.match(description, /`orgx_recommend`/);
  assert.match(description, /`reviews_feedback`/);
});
