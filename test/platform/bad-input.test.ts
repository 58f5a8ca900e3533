// Bad input at the edge, for every route (issue 14's fuzz as regression tests): a NUL or other
// control character, a malformed or non-UTF-8 escape, an over-long parameter in any path
// segment or query parameter; NUL in JSON bodies; JSON in another charset; bodies over the limit
// over a real socket; empty POSTs. Never a 500, always the documented body of the API that was
// called (with its request id), our own codes, the URL not echoed, and an audit row.
import assert from 'node:assert/strict';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { inArray, sql } from 'drizzle-orm';
import { queryRows } from '../../src/db/index.ts';
import { auditLog, apiKeys } from '../../src/platform/tables.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { assertError, assertWorkError, errorMessage, type Res } from '../helpers/assertions.ts';
import { signIn } from '../helpers/sessions.ts';

let t: TestApp;
let tenantKey: { tenant: { id: string }; key: string; keyId: string };
let platformKey: string;
before(async () => {
  t = await startTestApp();
  // The fuzz sends thousands of requests: more than a default key's hourly limit.
  tenantKey = await t.tenantWithKey({ hourlyLimit: 1_000_000 });
  platformKey = await t.platformKey({ hourlyLimit: 1_000_000 });
});
after(() => t.close());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const MISSING_ID = '00000000-0000-7000-8000-000000000000';
const idOf = (res: Res) => res.headers['x-request-id'] as string;

/** Flushes until every one of these requests has its audit row (or 5 s pass), then the rows. */
async function auditRows(requestIds: string[]) {
  const deadline = Date.now() + 5000;
  for (;;) {
    await t.rt.flush();
    const [{ n }] = await queryRows<{ n: number }>(
      t.rt.db,
      sql`select count(*)::int as n from audit_log where request_id in (${sql.join(requestIds.map((id) => sql`${id}`), sql`, `)})`,
    );
    if (n >= requestIds.length || Date.now() > deadline) break;
    await sleep(10);
  }
  const rows = await t.rt.db.select().from(auditLog).where(inArray(auditLog.requestId, requestIds));
  assert.equal(rows.length, requestIds.length, 'exactly one audit row per request');
  return new Map(rows.map((r) => [r.requestId, r]));
}

const isClient = (url: string) => url.startsWith('/api/client');

/** The documented error body of the API the URL belongs to, with its request id; never Fastify's. */
function assertApiError(url: string, res: Res, status: number, code: string) {
  const body = isClient(url) ? assertWorkError(res, status, code) : assertError(res, status, code);
  assert.doesNotMatch(res.body, /FST_|statusCode/, `${url}: our own body, not Fastify's`);
  return body;
}

/** fieldErrors of either API's 400. */
const fieldsOf = (body: any): Record<string, string[]> => (typeof body.error === 'object' ? body.error.details?.fields : body.fieldErrors) ?? {};

interface RouteOp {
  method: string;
  /** `/api/v1/tenants/{tenantId}` */
  path: string;
  params: string[];
  query: string[];
  body: { required: boolean; properties: string[] } | null;
}

async function routesOfOpenApi(): Promise<RouteOp[]> {
  const res = await t.app.inject({ method: 'GET', url: '/api/v1/openapi' });
  assert.equal(res.statusCode, 200);
  const doc = res.json();
  const out: RouteOp[] = [];
  for (const [path, item] of Object.entries<Record<string, any>>(doc.paths)) {
    for (const [method, op] of Object.entries<any>(item)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      const parameters: { in: string; name: string }[] = op.parameters ?? [];
      const media = op.requestBody?.content?.['application/json']?.schema;
      const resolved = media?.$ref ? doc.components.schemas[media.$ref.split('/').pop()] : media;
      out.push({
        method: method.toUpperCase(),
        path,
        params: parameters.filter((p) => p.in === 'path').map((p) => p.name),
        query: parameters.filter((p) => p.in === 'query').map((p) => p.name),
        body: op.requestBody ? { required: op.requestBody.required !== false, properties: Object.keys(resolved?.properties ?? {}) } : null,
      });
    }
  }
  return out;
}

/** The route's URL with every parameter a plausible value, one of them replaced by `raw`. */
function urlOf(op: RouteOp, replaced?: string, raw?: string) {
  return op.path.replace(/\{([^}]+)\}/g, (_, name: string) => {
    if (name === replaced) return raw!;
    return name === 'tenantId' ? tenantKey.tenant.id : MISSING_ID;
  });
}

const call = (method: string, url: string, opts: { key?: string; headers?: Record<string, string>; payload?: string | Buffer } = {}) =>
  t.app.inject({
    method: method as 'GET',
    url,
    headers: { authorization: `Bearer ${opts.key ?? tenantKey.key}`, ...opts.headers },
    ...(opts.payload !== undefined ? { payload: opts.payload } : {}),
  });

describe('every route of the OpenAPI document', () => {
  test('covers both APIs', async () => {
    const routes = await routesOfOpenApi();
    assert.ok(routes.some((r) => r.path.startsWith('/api/v1/')));
    assert.ok(routes.some((r) => r.path.startsWith('/api/client/')));
    assert.ok(routes.filter((r) => r.params.length > 0).length > 30, 'routes with path parameters');
  });

  test('a path parameter holding NUL, a control character or 300 characters → 404 not_found; a malformed or non-UTF-8 escape → 400; never a 500, never the input echoed', async () => {
    const routes = await routesOfOpenApi();
    const cases = [
      { raw: '%00', status: 404, code: 'not_found' },
      { raw: 'abc%00def', status: 404, code: 'not_found' },
      { raw: '%0A', status: 404, code: 'not_found' },
      { raw: '%7F', status: 404, code: 'not_found' },
      { raw: 'x'.repeat(300), status: 404, code: 'not_found' },
      { raw: '%E0%A4%A', status: 400, code: 'validation_failed' },
      { raw: '%zz', status: 400, code: 'validation_failed' },
      { raw: '%C3%28', status: 400, code: 'validation_failed' },
      { raw: '100%', status: 400, code: 'validation_failed' },
    ];
    let checked = 0;
    for (const op of routes) {
      for (const param of op.params) {
        for (const c of cases) {
          const url = urlOf(op, param, c.raw);
          const res = await call(op.method, url, { headers: { 'content-type': 'application/json' }, payload: '{}' });
          const body = assertApiError(url, res, c.status, c.code);
          if (c.status === 400) assert.deepEqual(fieldsOf(body), { url: ['Malformed percent-encoding'] }, `${op.method} ${url}`);
          const message = errorMessage(body);
          assert.ok(!message.includes(c.raw) && !message.includes('\0') && !message.includes('xxxxxxxx'), `${op.method} ${url}: ${message}`);
          checked++;
        }
      }
    }
    assert.ok(checked > 300, `checked ${checked} requests`);
  });

  test('a query parameter holding NUL or a malformed escape → 400 naming that parameter, before any lookup', async () => {
    const routes = await routesOfOpenApi();
    let checked = 0;
    for (const op of routes) {
      for (const name of op.query) {
        for (const [raw, problem] of [
          ['%00', 'Must not contain the NUL character (%00)'],
          ['a%00b', 'Must not contain the NUL character (%00)'],
          ['%E0%A4%A', 'Malformed percent-encoding'],
          ['%zz', 'Malformed percent-encoding'],
        ]) {
          const url = `${urlOf(op)}?${name}=${raw}`;
          const res = await call(op.method, url);
          const body = assertApiError(url, res, 400, 'validation_failed');
          assert.deepEqual(fieldsOf(body), { [name]: [problem] }, `${op.method} ${url}`);
          checked++;
        }
      }
    }
    assert.ok(checked > 100, `checked ${checked} requests`);
  });

  test('NUL (\\u0000) in any field of a JSON body → 400 naming that field; nothing is stored', async () => {
    const routes = await routesOfOpenApi();
    let checked = 0;
    for (const op of routes.filter((r) => r.body && r.body.properties.length > 0)) {
      const field = op.body!.properties[0];
      const url = urlOf(op);
      const send = (key: string) => call(op.method, url, { key, headers: { 'content-type': 'application/json' }, payload: `{"${field}":"a\\u0000b"}` });
      // Permissions are checked first; platform operations need the platform key.
      let res = await send(tenantKey.key);
      if (res.statusCode === 403) res = await send(platformKey);
      const body = assertApiError(url, res, 400, 'validation_failed');
      assert.deepEqual(fieldsOf(body), { [field]: ['Text must not contain the NUL character (\\u0000)'] }, `${op.method} ${url}`);
      checked++;
    }
    assert.ok(checked > 20, `checked ${checked} requests`);
  });

  test('an empty POST (no body, no Content-Type) is never a 400 about the body when every field is optional, and names the body when fields are required', async () => {
    const routes = await routesOfOpenApi();
    for (const op of routes.filter((r) => r.method === 'POST' && r.body)) {
      const url = urlOf(op);
      const res = await call('POST', url, { key: op.path.includes('/platform/') || op.path === '/api/v1/tenants' ? platformKey : tenantKey.key });
      assert.ok(res.statusCode < 500, `${url} → ${res.statusCode} ${res.body}`);
      if (res.statusCode === 400) {
        const fields = fieldsOf(res.json());
        if (fields.body) assert.deepEqual(fields.body, ['The body is empty; send a JSON object'], `${url}: ${res.body}`);
      }
    }
  });
});

describe('malformed URLs: request id, own code, no echo, audit row', () => {
  test('GET /api/v1/tenants/%E0%A4%A with a valid key → 400 in the v1 body, audited with the key and the route', async () => {
    const res = await call('GET', '/api/v1/tenants/%E0%A4%A', { key: platformKey });
    const body = assertError(res, 400, 'validation_failed');
    assert.deepEqual(body.fieldErrors, { url: ['Malformed percent-encoding'] });
    assert.doesNotMatch(res.body, /%E0|%A4|FST_/);
    assert.ok(res.headers['x-ratelimit-limit'], 'counted like every authenticated request');
    assert.equal(res.headers['access-control-allow-origin'], '*');

    const work = await call('GET', '/api/client/initiatives/%zz');
    const workBody = assertWorkError(work, 400, 'validation_failed');
    assert.deepEqual(workBody.error.details, { fields: { url: ['Malformed percent-encoding'] } });

    const long = await call('GET', `/api/v1/tenants/${tenantKey.tenant.id}/shops/${'a'.repeat(5000)}`);
    assertError(long, 404, 'not_found');
    assert.ok(!long.body.includes('aaaaaaaa'));

    const rows = await auditRows([idOf(res), idOf(work), idOf(long)]);
    const [platformKeyRow] = await t.rt.db.select().from(apiKeys).where(sql`${apiKeys.kind} = 'platform'`);
    assert.ok(platformKeyRow);
    const first = rows.get(idOf(res))!;
    assert.equal(first.status, 400);
    assert.equal(first.route, '/api/v1/tenants/:tenantId');
    assert.equal(first.principalKind, 'platform_key');
    assert.equal(first.method, 'GET');
    const second = rows.get(idOf(work))!;
    assert.deepEqual([second.status, second.route, second.principalId, second.tenantId], [400, '/api/client/initiatives/:initiativeId', tenantKey.keyId, tenantKey.tenant.id]);
    const third = rows.get(idOf(long))!;
    assert.deepEqual([third.status, third.route, third.principalId], [404, '/api/v1/tenants/:tenantId/shops/:shopId', tenantKey.keyId]);
  });

  test('without a key a malformed URL on an authenticated route is the usual 401; a bad key is a 401 too', async () => {
    const none = await t.app.inject({ method: 'GET', url: '/api/v1/tenants/%E0%A4%A' });
    assertError(none, 401, 'unauthorized');
    const bad = await call('GET', '/api/client/agents/%00', { key: 'orgstack_sk_tnt_ThisIsNotARealKeyButLooksLikeOne0123456789' });
    assert.equal(bad.statusCode, 401);
    assert.equal(bad.json().error, 'Unauthorized');
  });

  test('unknown routes: 404 without the path echoed; a malformed escape there is a 400; both audited', async () => {
    const unknown = await call('GET', '/api/v1/no-such-thing/%00%01<script>');
    const body = assertError(unknown, 404, 'not_found');
    assert.doesNotMatch(body.error, /no-such-thing|script|\u0000/);
    const malformed = await call('GET', '/api/v1/no%zz-such-thing');
    assertError(malformed, 400, 'validation_failed');
    const client = await call('GET', '/api/client/%E0%A4%A');
    assertWorkError(client, 400, 'validation_failed');
    const rows = await auditRows([idOf(unknown), idOf(malformed), idOf(client)]);
    assert.deepEqual([...rows.values()].map((r) => r.status).sort(), [400, 400, 404]);
  });

  test('the concrete cases of the fuzz: /api/client/agents/%00 and ?agent_id=%00 never reach SQL', async () => {
    const agent = await call('GET', '/api/client/agents/%00');
    assertWorkError(agent, 404, 'not_found');
    const runs = await call('GET', '/api/client/runs?agent_id=%00');
    const body = assertWorkError(runs, 400, 'validation_failed');
    assert.deepEqual(body.error.details.fields, { agent_id: ['Must not contain the NUL character (%00)'] });
    const decision = await call('POST', '/api/client/decisions', {
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ title: 'Ship?', agent_id: 'a\u0000' }),
    });
    assert.deepEqual(assertWorkError(decision, 400, 'validation_failed').error.details.fields, { agent_id: ['Text must not contain the NUL character (\\u0000)'] });
    // Query text may hold other control characters (a search for two lines is fine).
    const search = await call('GET', '/api/client/initiatives?q=a%0Ab');
    assert.notEqual(search.statusCode, 500);
  });

  test('NUL inside nested JSON names the dotted path; an escaped backslash before u0000 is text', async () => {
    const url = `/api/v1/tenants/${tenantKey.tenant.id}/settings`;
    const res = await call('PATCH', url, { headers: { 'content-type': 'application/json' }, payload: '{"brand":{"primaryColor":"#123456\\u0000"},"alerts":[{"x":"ok"},{"y":"\\u0000"}]}' });
    assert.deepEqual(assertError(res, 400, 'validation_failed').fieldErrors, {
      'brand.primaryColor': ['Text must not contain the NUL character (\\u0000)'],
      'alerts.1.y': ['Text must not contain the NUL character (\\u0000)'],
    });
    const key = await call('POST', `/api/v1/tenants/${tenantKey.tenant.id}/api-keys`, { headers: { 'content-type': 'application/json' }, payload: '{"name":"C:\\\\u0000"}' });
    assert.equal(key.statusCode, 201, key.body);
    assert.equal(key.json().apiKey.name, 'C:\\u0000');
  });

  test('public pages: a NUL, a control character or a malformed escape never reaches a lookup', async () => {
    for (const [url, status] of [
      ['/r/%00', 404],
      ['/r/abc%01def', 404],
      ['/r/%E0%A4%A', 400],
      ['/r/abcdefghij?lang=%00', 400],
      ['/dashboard/%zz', 400],
      ['/dashboard/assets/%00index.js', 404],
    ] as const) {
      const res = await t.app.inject({ method: 'GET', url });
      assert.equal(res.statusCode, status, `${url}: ${res.body}`);
      assert.match(String(res.headers['x-request-id']), /^req_/);
      assert.ok(!res.body.includes('\u0000') && !res.body.includes('%E0'), url);
    }
  });
});

describe('JSON in another charset, or not UTF-8', () => {
  test('charset=utf-16 (or any but UTF-8) → 415 in each API\'s body; utf-8, "UTF-8" and utf8 are accepted', async () => {
    const url = `/api/v1/tenants/${tenantKey.tenant.id}/api-keys`;
    for (const charset of ['utf-16', 'UTF-16LE', 'iso-8859-1', '"latin1"', 'gbk']) {
      const res = await call('POST', url, { headers: { 'content-type': `application/json; charset=${charset}` }, payload: '{"name":"x"}' });
      assertError(res, 415, 'unsupported_media_type');
    }
    const work = await call('POST', '/api/client/initiatives', { headers: { 'content-type': 'application/json; charset=utf-16' }, payload: '{"title":"x"}' });
    assertWorkError(work, 415, 'unsupported_media_type');
    for (const charset of ['utf-8', '"UTF-8"', 'utf8']) {
      const res = await call('POST', url, { headers: { 'content-type': `application/json;charset=${charset}` }, payload: JSON.stringify({ name: `ok ${charset}` }) });
      assert.equal(res.statusCode, 201, `${charset}: ${res.body}`);
    }
  });

  test('bytes that are not UTF-8 → 400, never decoded into U+FFFD in silence', async () => {
    const url = `/api/v1/tenants/${tenantKey.tenant.id}/api-keys`;
    const res = await call('POST', url, { headers: { 'content-type': 'application/json' }, payload: Buffer.from([0x7b, 0x22, 0x6e, 0x61, 0x6d, 0x65, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]) });
    assert.deepEqual(assertError(res, 400, 'validation_failed').fieldErrors, { body: ['The body is not valid UTF-8'] });
  });
});

describe('a body over the limit, over a real socket', () => {
  let base: { host: string; port: number };
  before(async () => {
    if (!t.app.server.listening) await t.app.listen({ port: 0, host: '127.0.0.1' });
    const address = t.app.server.address() as AddressInfo;
    base = { host: '127.0.0.1', port: address.port };
  });

  /** Sends `size` bytes of JSON body (declared, or chunked) and reads the whole answer. */
  function post(path: string, size: number, chunked: boolean): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
    return new Promise((resolve, reject) => {
      const req = http.request({
        ...base,
        path,
        method: 'POST',
        agent: false,
        headers: {
          authorization: `Bearer ${tenantKey.key}`,
          'content-type': 'application/json',
          ...(chunked ? { 'transfer-encoding': 'chunked' } : { 'content-length': String(size) }),
        },
      });
      req.on('response', (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
        res.on('error', reject);
      });
      req.on('error', reject);
      const chunk = Buffer.alloc(64 * 1024, 'a');
      chunk.write('{"name":"');
      let sent = 0;
      // Paced like an upload over a real network, so the answer comes while the body is still
      // being sent (where a server that closes at once makes the client fail with EPIPE/reset).
      const write = () => {
        if (sent >= size) return void req.end();
        const part = chunk.subarray(0, Math.min(chunk.length, size - sent));
        sent += part.length;
        req.write(part);
        setTimeout(write, 1);
      };
      write();
    });
  }

  for (const chunked of [false, true]) {
    test(`${chunked ? 'chunked' : 'with Content-Length'}: the client reads its 413 (v1 and Work bodies), no reset`, async () => {
      const v1 = await post(`/api/v1/tenants/${tenantKey.tenant.id}/api-keys`, 3 * 1024 * 1024, chunked);
      assert.equal(v1.status, 413);
      const body = JSON.parse(v1.body);
      assert.equal(body.code, 'payload_too_large');
      assert.equal(body.requestId, v1.headers['x-request-id']);
      const work = await post('/api/client/initiatives', 2 * 1024 * 1024, chunked);
      assert.equal(work.status, 413);
      assert.equal(JSON.parse(work.body).error.code, 'payload_too_large');
    });
  }
});

describe('a request target the router cannot take at all', () => {
  let port: number;
  before(async () => {
    if (!t.app.server.listening) await t.app.listen({ port: 0, host: '127.0.0.1' });
    port = (t.app.server.address() as AddressInfo).port;
  });

  /** One raw HTTP/1.1 request (a client may send any request target), the raw answer back. */
  const raw = (target: string, key: string) =>
    new Promise<{ status: number; headers: Record<string, string>; body: string }>((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1', () =>
        socket.write(`GET ${target} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${key}\r\nConnection: close\r\n\r\n`),
      );
      let data = '';
      socket.setEncoding('utf8');
      socket.on('data', (d) => (data += d));
      socket.on('error', reject);
      socket.on('end', () => {
        const [head, body] = data.split('\r\n\r\n');
        const [statusLine, ...lines] = head.split('\r\n');
        const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
        resolve({ status: Number(statusLine.split(' ')[1]), headers, body });
      });
    });

  test('an absolute-form target that does not parse → 400 in the body of the API it names, with request id, CORS and an audit row naming the key', async () => {
    const res = await raw('http://[bad/api/client/initiatives', tenantKey.key);
    assert.equal(res.status, 400, res.body);
    const body = JSON.parse(res.body);
    assert.deepEqual(Object.keys(body.error), ['code', 'message', 'status', 'request_id', 'details']);
    assert.equal(body.error.code, 'validation_failed');
    assert.deepEqual(body.error.details, { fields: { url: ['Not a valid request target'] } });
    assert.equal(body.error.request_id, res.headers['x-request-id']);
    assert.equal(res.headers['access-control-allow-origin'], '*');
    assert.ok(res.headers['x-ratelimit-limit']);
    assert.doesNotMatch(res.body, /\[bad|FST_/);
    const rows = await auditRows([res.headers['x-request-id']]);
    const row = rows.get(res.headers['x-request-id'])!;
    assert.deepEqual([row.status, row.route, row.principalId, row.tenantId], [400, '(no route)', tenantKey.keyId, tenantKey.tenant.id]);

    const v1 = await raw('http://[bad/api/v1/tenants', 'orgstack_sk_tnt_ThisIsNotARealKeyButLooksLikeOne0123456789');
    assert.equal(v1.status, 401, 'a bad key is refused as anywhere');
    assert.equal(JSON.parse(v1.body).code, 'unauthorized');
  });
});

describe('an empty POST means "all defaults"', () => {
  test('tenant keys: no body, or an empty JSON body → 201 with every permission and the default limit', async () => {
    const a = await t.tenantWithKey();
    const url = `/api/v1/tenants/${a.tenant.id}/api-keys`;
    const none = await call('POST', url, { key: a.key });
    assert.equal(none.statusCode, 201, none.body);
    assert.equal(none.json().apiKey.hourlyLimit, 1000);
    assert.equal(none.json().apiKey.name, null);
    assert.match(none.json().key, /^orgstack_sk_tnt_/);
    const empty = await call('POST', url, { key: a.key, headers: { 'content-type': 'application/json' }, payload: '' });
    assert.equal(empty.statusCode, 201, empty.body);
    assert.deepEqual(empty.json().apiKey.permissions, none.json().apiKey.permissions);
    const works = await call('GET', `/api/v1/tenants/${a.tenant.id}`, { key: none.json().key });
    assert.equal(works.statusCode, 200, 'the new key works');
    const rows = await t.rt.db.select().from(apiKeys).where(sql`${apiKeys.tenantId} = ${a.tenant.id}`);
    assert.equal(rows.length, 3);
    // The same Idempotency-Key on an empty retry replays the first answer.
    const first = await call('POST', url, { key: a.key, headers: { 'idempotency-key': 'empty-1' } });
    const again = await call('POST', url, { key: a.key, headers: { 'idempotency-key': 'empty-1', 'content-type': 'application/json' }, payload: '{}' });
    assert.equal(first.statusCode, 201);
    assert.equal(again.headers['idempotent-replayed'], 'true');
    assert.equal(again.json().apiKey.id, first.json().apiKey.id);
  });

  test('platform keys and personal keys too', async () => {
    const platform = await call('POST', '/api/v1/platform/api-keys', { key: platformKey });
    assert.equal(platform.statusCode, 201, platform.body);
    assert.match(platform.json().key, /^orgstack_sk_plat_/);
    assert.equal(platform.json().apiKey.hourlyLimit, 5000);

    const owner = await t.createUser({ tenantId: tenantKey.tenant.id, role: 'owner' });
    const browser = await signIn(t, owner.username);
    const personal = await t.app.inject({ method: 'POST', url: '/api/v1/auth/keys', headers: { cookie: `orgstack_session=${browser.cookie}`, 'x-csrf-token': browser.csrf } });
    assert.equal(personal.statusCode, 201, personal.body);
    assert.match(personal.json().key, /^oxk_/);
  });

  test('an operation that needs fields says the body is missing', async () => {
    const res = await call('POST', `/api/v1/tenants/${tenantKey.tenant.id}/shops`);
    assert.deepEqual(assertError(res, 400, 'validation_failed').fieldErrors, { body: ['The body is empty; send a JSON object'] });
    const work = await call('POST', '/api/client/initiatives', { headers: { 'content-type': 'application/json' }, payload: '' });
    assert.deepEqual(assertWorkError(work, 400, 'validation_failed').error.details.fields, { body: ['The body is empty; send a JSON object'] });
  });
});

describe('pagination without a limit', () => {
  test('GET /employees without limit returns every employee and reports the default page size, not the row count', async () => {
    const a = await t.tenantWithKey();
    const url = `/api/v1/tenants/${a.tenant.id}/employees`;
    const none = await call('GET', url, { key: a.key });
    assert.deepEqual(none.json(), { employees: [], total: 0, pagination: { limit: 100, offset: 0, has_more: false } });
    const shop = await call('POST', `/api/v1/tenants/${a.tenant.id}/shops`, { key: a.key, headers: { 'content-type': 'application/json' }, payload: '{"name":"Main"}' });
    for (const name of ['Ana', 'Bo', 'Cy']) {
      const res = await call('POST', url, { key: a.key, headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ shopId: shop.json().shop.id, name }) });
      assert.equal(res.statusCode, 201, res.body);
    }
    const all = (await call('GET', url, { key: a.key })).json();
    assert.equal(all.employees.length, 3);
    assert.deepEqual(all.pagination, { limit: 100, offset: 0, has_more: false });
    assert.deepEqual((await call('GET', `${url}?offset=2`, { key: a.key })).json().pagination, { limit: 100, offset: 2, has_more: false });
    assert.deepEqual((await call('GET', `${url}?limit=2`, { key: a.key })).json().pagination, { limit: 2, offset: 0, has_more: true });
  });

  test('every other list reports its default limit when none is given', async () => {
    const routes = await routesOfOpenApi();
    const lists = routes.filter((r) => r.method === 'GET' && r.query.includes('limit') && r.query.includes('offset') && !r.path.endsWith('/employees'));
    assert.ok(lists.length >= 10, `${lists.length} lists`);
    for (const op of lists) {
      const url = urlOf(op);
      const res = await call('GET', url, { key: op.path.includes('/platform/') || op.path === '/api/v1/tenants' ? platformKey : tenantKey.key });
      if (res.statusCode !== 200) continue; // a list under an id that does not exist
      const body = res.json();
      // live/agents pages by 200 so contract clients that never page still get every agent.
      const expected = url.includes('/live/agents') ? 200 : isClient(url) ? 50 : 100;
      if (body.pagination) assert.equal(body.pagination.limit, expected, `${url}: ${res.body.slice(0, 200)}`);
    }
  });
});
