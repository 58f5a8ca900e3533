// MCP test fixtures: the app listening on a loopback port (the SDK's client speaks real HTTP), and
// an SDK Client connected with a key as its Bearer header.
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { startTestApp, type TestApp } from '../helpers/app.ts';

export interface McpTestApp extends TestApp {
  url: string;
}

export async function startMcpApp(env: Record<string, string> = {}): Promise<McpTestApp> {
  const t = await startTestApp(env);
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = t.app.server.address() as AddressInfo;
  return Object.assign(t, { url: `http://127.0.0.1:${port}/mcp` });
}

/** An SDK client on /mcp with `key` as Bearer; `pin` selects the 2026-07-28 revision. */
export async function connect(t: McpTestApp, key: string, opts: { pin?: string } = {}): Promise<Client> {
  const client = new Client(
    { name: 'orgstack-test', version: '1.0.0' },
    opts.pin ? { versionNegotiation: { mode: { pin: opts.pin } } } : {},
  );
  const transport = new StreamableHTTPClientTransport(new URL(t.url), { requestInit: { headers: { authorization: `Bearer ${key}` } } });
  await client.connect(transport);
  return client;
}

/** A tools/call that must succeed; its structuredContent. */
export async function callOk(client: Client, name: string, args: Record<string, unknown> = {}): Promise<any> {
  const result: any = await client.callTool({ name, arguments: args });
  assert.ok(!result.isError, `${name} ${JSON.stringify(args)} failed: ${JSON.stringify(result.content)}`);
  assert.equal(result.content.length, 1);
  assert.equal(result.content[0].type, 'text');
  assert.match(result.content[0].text, new RegExp(`^${name}\\b`));
  assert.equal(typeof result.structuredContent, 'object');
  return result.structuredContent;
}

/** A tools/call that must fail with `code`; its structured error. */
export async function callError(client: Client, name: string, args: Record<string, unknown>, code: string): Promise<any> {
  const result: any = await client.callTool({ name, arguments: args });
  assert.equal(result.isError, true, `${name} ${JSON.stringify(args)} should fail: ${JSON.stringify(result.structuredContent)}`);
  const error = result.structuredContent.error;
  assert.equal(error.code, code, JSON.stringify(error));
  assert.equal(typeof error.message, 'string');
  assert.equal(typeof error.next, 'string');
  assert.match(result.content[0].text, new RegExp(`^Error ${code}: `));
  return error;
}

/** A raw POST /mcp (for what the SDK client would never send). */
export function post(t: McpTestApp, body: string, headers: Record<string, string> = {}) {
  return fetch(t.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
    body,
  });
}
