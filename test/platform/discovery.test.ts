// Discovery: /api/v1/openapi, /.well-known/agent.json and /docs. Every authenticated route must
// be in the OpenAPI document and in agent.json, and nothing else; the document must lint.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.ts';
import { apiKeySchema } from '../../src/platform/key-schemas.ts';
import { ALL_PERMISSIONS } from '../../src/platform/permissions.ts';
import type { Capability } from '../../src/platform/operations.ts';
import { root, testConfig } from '../helpers/app.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';

const PUBLIC_URL = 'http://orgstack.test';
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string };
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head', 'trace'];

let app: FastifyInstance;
let operations: Capability[];
let testDb: TestDatabase;
let doc: any;
let tmp: string;

before(async () => {
  testDb = await createTestDatabase();
  // The probes below are anonymous on purpose; keep the per-IP failure limit out of the way.
  ({ app, operations } = await buildApp(testConfig({ AUTH_FAILURES_PER_MINUTE: '10000' }), testDb.database));
  const res = await app.inject({ method: 'GET', url: '/api/v1/openapi' });
  assert.equal(res.statusCode, 200, res.body);
  doc = res.json();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'orgstack-discovery-'));
});
after(async () => {
  await app.close();
  await testDb.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

type Op = { method: string; path: string; op: any };
const docOperations = (): Op[] =>
  Object.entries(doc.paths as Record<string, Record<string, any>>).flatMap(([p, item]) =>
    Object.entries(item)
      .filter(([m]) => METHODS.includes(m))
      .map(([m, op]) => ({ method: m.toUpperCase(), path: p, op })),
  );
const sig = (method: string, p: string) => `${method.toUpperCase()} ${p}`;

/** Every (method, url) Fastify has registered, read from its own route tree. */
function registeredRoutes(): { method: string; url: string }[] {
  const out: { method: string; url: string }[] = [];
  const stack: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const m = /^((?:[│ ] {3})*)[├└]── (\S+)(?: \(([^)]+)\))?$/.exec(line);
    if (!m) continue;
    const depth = m[1].length / 4;
    stack.length = depth;
    const url = (stack[depth - 1] ?? '') + m[2];
    stack.push(url);
    for (const method of m[3]?.split(', ') ?? []) out.push({ method, url });
  }
  return out;
}

/** Routes that answer an anonymous request with 401: the authenticated surface, found by asking. */
async function authenticatedRoutes(): Promise<Set<string>> {
  const found = new Set<string>();
  for (const { method, url } of registeredRoutes()) {
    if (method === 'HEAD' || url.includes('*')) continue;
    // The dashboard's cookie sign-in surface (routes/auth.ts) is not part of the Bearer API's document.
    if (url.startsWith('/api/v1/auth/')) continue;
    // The MCP door speaks JSON-RPC, not REST: the document's info and agent.json describe it (test/mcp/discovery.test.ts).
    if (url === '/mcp') continue;
    const concrete = url.replace(/:(\w+)/g, '0193b5d2-7c1a-7a3e-9f4e-2b1c3d4e5f60');
    const res = await app.inject({ method: method as 'GET', url: concrete });
    if (res.statusCode === 401) found.add(sig(method, url.replace(/:(\w+)/g, '{$1}')));
    else assert.ok(res.statusCode < 500, `${method} ${url} → ${res.statusCode}`);
  }
  return found;
}

function runRedocly(file: string): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(root, 'node_modules/@redocly/cli/bin/cli.js'), 'lint', file, '--format=stylish'], {
      cwd: root,
      env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, out }));
  });
}

describe('GET /api/v1/openapi', () => {
  test('an OpenAPI 3.1.0 document, without authentication', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/openapi' });
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /^application\/json/);
    assert.match(String(res.headers['x-request-id']), /^req_/);
    assert.equal(res.headers['x-ratelimit-limit'], undefined, 'discovery is not rate limited per key');
    assert.equal(doc.openapi, '3.1.0');
    assert.equal(doc.info.title, 'orgstack API');
    assert.equal(doc.info.version, pkg.version);
    assert.ok(doc.info.description.length > 100);
    assert.ok(doc.info.license?.name);
    assert.deepEqual(doc.servers, [{ url: PUBLIC_URL }]);
    assert.deepEqual(
      { type: doc.components.securitySchemes.bearerAuth.type, scheme: doc.components.securitySchemes.bearerAuth.scheme },
      { type: 'http', scheme: 'bearer' },
    );
  });

  test('every authenticated route is documented, and every documented operation is a route', async () => {
    const probed = await authenticatedRoutes();
    // The probe itself must see the known surface, or it proves nothing.
    for (const known of ['GET /api/v1/tenants', 'POST /api/v1/tenants/{tenantId}/api-keys', 'DELETE /api/v1/tenants/{tenantId}/api-keys/{keyId}']) {
      assert.ok(probed.has(known), `probe found ${known}`);
    }
    const documented = new Set(docOperations().filter((o) => o.op.security).map((o) => sig(o.method, o.path)));
    assert.deepEqual([...documented].sort(), [...probed].sort());
    const fromPlugin = new Set(operations.filter((o) => o.permission !== undefined).map((o) => sig(o.method, o.path)));
    assert.deepEqual([...fromPlugin].sort(), [...probed].sort());
    // No documented operation is public; discovery routes are hidden from the document.
    assert.deepEqual(docOperations().filter((o) => !o.op.security).map((o) => sig(o.method, o.path)), []);
    assert.equal(doc.paths['/api/v1/openapi'], undefined);
    assert.equal(doc.paths['/.well-known/agent.json'], undefined);
  });

  test('each operation: operationId, summary, bearerAuth, its permission, success and error responses', () => {
    const ids = new Set<string>();
    for (const { method, path: p, op } of docOperations()) {
      const name = sig(method, p);
      assert.match(op.operationId ?? '', /^[a-z][A-Za-z]+$/, name);
      assert.ok(!ids.has(op.operationId), `duplicate operationId ${op.operationId}`);
      ids.add(op.operationId);
      assert.ok(op.summary?.length > 3, `${name} has a summary`);
      assert.ok(op.tags?.length > 0, `${name} has a tag`);
      assert.deepEqual(op.security, [{ bearerAuth: [] }], name);
      const capability = operations.find((o) => o.id === op.operationId)!;
      assert.ok(capability, `${name} is a known operation`);
      // null: any valid credential (ANY_CREDENTIAL, e.g. the Work API's bootstrap), and it says so.
      if (capability.permission === null) assert.ok(op.description.includes('Any valid key.'), `${name} says any key will do`);
      else assert.ok(ALL_PERMISSIONS.includes(capability.permission), `${name} declares a known permission`);
      if (capability.permission !== null) assert.ok(op.description.includes(`\`${capability.permission}\``), `${name} says it needs ${capability.permission}`);
      const codes = Object.keys(op.responses);
      assert.ok(codes.some((c) => /^2\d\d$/.test(c)), `${name} has a success response`);
      // Each surface documents its own error body: the Work API (/api/client) has the OrgX shapes.
      const work = p.startsWith('/api/client/');
      for (const code of ['400', '401', '403', '404', '429', '500']) {
        assert.ok(op.responses[code], `${name} documents ${code}`);
        assert.ok(op.responses[code].description, `${name} ${code} has a description`);
        const schema = !work ? 'Error' : code === '401' ? 'WorkUnauthorized' : 'WorkError';
        assert.equal(op.responses[code].content['application/json'].schema.$ref, `#/components/schemas/${schema}`, `${name} ${code}`);
      }
      for (const param of (op.parameters ?? []).filter((x: any) => x.in === 'path')) {
        assert.ok(p.includes(`{${param.name}}`), `${name} path parameter ${param.name}`);
        assert.equal(param.required, true);
      }
    }
    const error = doc.components.schemas.Error;
    assert.deepEqual(error.required.sort(), ['code', 'error', 'requestId']);
    const workError = doc.components.schemas.WorkError;
    assert.deepEqual(workError.required, ['error']);
    assert.deepEqual(workError.properties.error.required.sort(), ['code', 'message', 'request_id', 'status']);
    assert.deepEqual(doc.components.schemas.WorkUnauthorized.required.sort(), ['error', 'message']);
  });

  test('conventions are documented: pagination, 409s, bodies, examples generated from the route schemas', () => {
    const list = doc.paths['/api/v1/tenants/{tenantId}/api-keys'].get;
    const query = Object.fromEntries(list.parameters.filter((x: any) => x.in === 'query').map((x: any) => [x.name, x.schema]));
    assert.deepEqual({ min: query.limit.minimum, max: query.limit.maximum, def: query.limit.default }, { min: 1, max: 500, def: 100 });
    assert.equal(query.offset.default, 0);
    const create = doc.paths['/api/v1/tenants/{tenantId}/api-keys'].post;
    assert.ok(create.responses['201'] && create.responses['409']);
    assert.equal(create.requestBody.required, true);
    assert.ok(doc.paths['/api/v1/tenants/{tenantId}/api-keys/{keyId}/roll'].post.responses['409']);
    // The roll body may be omitted (the route accepts no body at all).
    const roll = doc.paths['/api/v1/tenants/{tenantId}/api-keys/{keyId}/roll'].post.requestBody;
    assert.equal(roll.required, false);
    assert.match(roll.content['application/json'].schema.$ref, /RollApiKeyRequest/);
    const revoke = doc.paths['/api/v1/tenants/{tenantId}/api-keys/{keyId}'].delete.responses['204'];
    assert.equal(revoke.content, undefined, '204 has no body');

    const schemaOf = (ref: string) => doc.components.schemas[ref.replace('#/components/schemas/', '')];
    for (const name of ['ApiKey', 'Tenant']) assert.ok(doc.components.schemas[name]?.example, `${name} has an example`);
    for (const { method, path: p, op } of docOperations().filter((o) => o.op.requestBody)) {
      const ref = op.requestBody.content['application/json'].schema.$ref;
      assert.ok(ref && schemaOf(ref)?.example, `${sig(method, p)}: the request body has an example`);
    }
    // Every component is used by some operation (no dead schemas).
    const refs = JSON.stringify(doc);
    for (const name of Object.keys(doc.components.schemas)) assert.ok(refs.includes(`"#/components/schemas/${name}"`), `${name} is referenced`);
    // An example is an instance of the very schema the route uses.
    assert.ok(apiKeySchema.safeParse(doc.components.schemas.ApiKey.example).success);
    assert.deepEqual(doc.components.schemas.ApiKey.required.sort(), Object.keys(apiKeySchema.shape).sort());
  });

  test('passes `redocly lint` (recommended ruleset)', async () => {
    const file = path.join(tmp, 'openapi.json');
    fs.writeFileSync(file, JSON.stringify(doc, null, 2));
    const { code, out } = await runRedocly(file);
    assert.equal(code, 0, out);
    assert.match(out, /valid/i);
    assert.doesNotMatch(out, /\d+:\d+\s+(?:error|warning)\s/, out);

    // The linter does fail a broken document (so the check above means something).
    const broken = structuredClone(doc);
    delete broken.info;
    broken.paths['/api/v1/tenants/{tenantId}'].get.operationId = broken.paths['/api/v1/tenants'].get.operationId;
    const bad = path.join(tmp, 'broken.json');
    fs.writeFileSync(bad, JSON.stringify(broken));
    const failed = await runRedocly(bad);
    assert.notEqual(failed.code, 0, failed.out);
  });
});

describe('GET /.well-known/agent.json', () => {
  test('the manifest: identity, URLs, auth, permissions, limits, contact — without authentication', async () => {
    const res = await app.inject({ method: 'GET', url: '/.well-known/agent.json' });
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /^application\/json/);
    const m = res.json();
    assert.equal(m.name, 'orgstack');
    assert.ok(m.description.length > 10);
    assert.equal(m.version, pkg.version);
    assert.equal(m.api.reviews, `${PUBLIC_URL}/api/v1`);
    assert.equal(m.openapi, `${PUBLIC_URL}/api/v1/openapi`);
    assert.equal(m.docs, `${PUBLIC_URL}/docs`);
    // The URLs it gives are served here.
    for (const url of [m.openapi, m.docs]) {
      const r = await app.inject({ method: 'GET', url: url.slice(PUBLIC_URL.length) });
      assert.equal(r.statusCode, 200, url);
    }

    assert.equal(m.auth.type, 'bearer');
    assert.deepEqual(m.auth.keyPrefixes, { tenant: 'orgstack_sk_tnt_', platform: 'orgstack_sk_plat_', user: 'oxk_' });
    assert.equal(m.auth.obtainKeys.tenant, `${PUBLIC_URL}/dashboard/api-keys`);
    assert.equal(m.auth.obtainKeys.platform, `${PUBLIC_URL}/super/api-keys`);
    assert.match(m.auth.obtainKeys.cli, /orgstack keys create/);

    assert.deepEqual([...m.permissions].sort(), [...ALL_PERMISSIONS].sort());
    for (const p of ['tenants:read', 'tenants:write', 'keys:read', 'keys:write', 'feedback:write', 'audit:read']) assert.ok(m.permissions.includes(p), p);

    assert.deepEqual(m.rateLimits.defaults, { tenantKey: 1000, platformKey: 5000, userKey: 1000 });
    assert.match(m.rateLimits.window, /hour/);
    assert.ok(m.contact?.url || m.contact?.email);
    assert.ok('mcp' in m);
  });

  test('one capability per operation, matching the OpenAPI document both ways', async () => {
    const m = (await app.inject({ method: 'GET', url: '/.well-known/agent.json' })).json();
    const caps = m.capabilities as { id: string; method: string; path: string; permission: string; summary: string }[];
    assert.ok(caps.length >= 7);
    const ops = docOperations();
    assert.equal(caps.length, ops.length);
    assert.equal(new Set(caps.map((c) => c.id)).size, caps.length, 'ids are unique');
    for (const c of caps) {
      assert.deepEqual(Object.keys(c).sort(), ['id', 'method', 'path', 'permission', 'summary']);
      const op = doc.paths[c.path]?.[c.method.toLowerCase()];
      assert.ok(op, `${c.method} ${c.path} is in the document`);
      assert.equal(op.operationId, c.id);
      assert.equal(op.summary, c.summary);
      assert.ok(c.summary.length > 3 && !c.summary.includes('\n'), 'a one-line summary');
      assert.ok(c.permission === null || ALL_PERMISSIONS.includes(c.permission), `${c.id}: ${c.permission}`);
    }
    for (const o of ops) {
      assert.ok(caps.some((c) => c.method === o.method && c.path === o.path), `${sig(o.method, o.path)} is a capability`);
    }
    const byId = Object.fromEntries(caps.map((c) => [c.id, c]));
    assert.deepEqual(byId.createApiKey, {
      id: 'createApiKey',
      method: 'POST',
      path: '/api/v1/tenants/{tenantId}/api-keys',
      permission: 'keys:write',
      summary: 'Create a tenant API key',
    });
    assert.equal(byId.listTenants.permission, 'tenants:read');
    assert.equal(byId.listApiKeys.permission, 'keys:read');
  });
});

describe('GET /docs', () => {
  test('an HTML reference served entirely from our own origin', async () => {
    const res = await app.inject({ method: 'GET', url: '/docs' });
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /^text\/html/);
    const html = res.body;
    assert.match(html, /<html/i);
    const refs = [...html.matchAll(/\b(?:src|href)\s*=\s*["']([^"']+)["']/gi)].map((x) => x[1]);
    assert.ok(refs.some((r) => r.endsWith('.js')), 'loads its scripts');
    for (const ref of refs) {
      assert.ok(!/^(?:[a-z][a-z0-9+.-]*:)?\/\//i.test(ref) || ref.startsWith(PUBLIC_URL), `${ref} is on our origin`);
      const url = new URL(ref, `${PUBLIC_URL}/docs`);
      const asset = await app.inject({ method: 'GET', url: url.pathname });
      assert.equal(asset.statusCode, 200, `${ref} is served`);
    }
    assert.doesNotMatch(html, /cdn\.|unpkg|jsdelivr|googleapis/i);

    // The page reads the document from our origin, and never asks a third-party validator.
    const init = await app.inject({ method: 'GET', url: '/docs/static/swagger-initializer.js' });
    assert.equal(init.statusCode, 200);
    assert.match(init.body, /url:\s*resolveUrl\(['"]\.\/json['"]\)/);
    assert.match(init.body, /validatorUrl:\s*null/);
    const spec = await app.inject({ method: 'GET', url: '/docs/json' });
    assert.equal(spec.statusCode, 200);
    assert.deepEqual(spec.json().paths, doc.paths);
  });
});
