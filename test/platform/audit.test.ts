import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { inArray, sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../src/db/index.ts';
import { uuidv7 } from '../../src/platform/ids.ts';
import { purgeExpired } from '../../src/platform/maintenance.ts';
import { auditLog, idempotencyKeys, rateLimitWindows } from '../../src/platform/tables.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { assertError, type Res } from '../helpers/assertions.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.close());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Runs `fn` while the services' database handle fails every transaction and select, the way a
 * lost connection would (a 500), leaving the request path's own handles (auth, audit) working.
 */
async function withBrokenServiceDb<T>(fn: () => Promise<T>): Promise<T> {
  const real = t.rt.db;
  const outage = () => {
    throw new Error('simulated database outage');
  };
  t.rt.db = new Proxy(real, {
    get: (target, prop, receiver) => (prop === 'select' || prop === 'transaction' ? outage : Reflect.get(target, prop, receiver)),
  }) as Db;
  try {
    return await fn();
  } finally {
    t.rt.db = real;
  }
}

/**
 * Audit rows are recorded by an onResponse hook, as the response finishes, and written by the
 * flusher: flush until the rows of these requests are in the table (or give up after 5 s), so the
 * test does not depend on the order of the hook, inject() and the flush timer.
 */
async function settleAudit(requestIds: string[]) {
  const deadline = Date.now() + 5000;
  for (;;) {
    await t.rt.flush();
    const [{ n }] = await queryRows<{ n: number }>(
      t.rt.db,
      sql`select count(distinct request_id)::int as n from audit_log where request_id in (${sql.join(requestIds.map((id) => sql`${id}`), sql`, `)})`,
    );
    if (n === requestIds.length || Date.now() > deadline) return;
    await sleep(10);
  }
}

async function auditRowsFor(requestIds: string[]) {
  const rows = await t.rt.db.select().from(auditLog).where(inArray(auditLog.requestId, requestIds));
  const byRequest = new Map(rows.map((r) => [r.requestId, r]));
  assert.equal(rows.length, byRequest.size, 'never two audit rows for one request');
  return byRequest;
}

describe('audit rows', () => {
  test('one row per request (200, 400, 401, 403, 404, 500) with the route template, principal, tenant, IP and user agent', async () => {
    const a = await t.tenantWithKey();
    const b = await t.tenantWithKey();
    const [keyRow] = await queryRows<{ prefix: string }>(t.rt.db, sql`select prefix from api_keys where id = ${a.keyId}`);
    const ip = '203.0.113.50';
    const ua = 'audit-test/1.0 (+https://example.test)';
    const send = (url: string, key: string) =>
      t.app.inject({ method: 'GET', url, remoteAddress: ip, headers: { authorization: `Bearer ${key}`, 'user-agent': ua } });

    const badKey = 'orgstack_sk_tnt_ThisIsNotARealKeyButLooksLikeOne0123456789';
    const ok = await send(`/api/v1/tenants/${a.tenant.id}`, a.key);
    assert.equal(ok.statusCode, 200);
    const unauthorized = await send(`/api/v1/tenants/${a.tenant.id}`, badKey);
    assertError(unauthorized, 401, 'unauthorized');
    const forbidden = await send(`/api/v1/tenants/${b.tenant.id}`, a.key);
    assertError(forbidden, 403, 'forbidden');
    const notFound = await send('/api/v1/tenants/not-a-uuid', a.key);
    assertError(notFound, 404, 'not_found');
    const invalid = await send(`/api/v1/tenants/${a.tenant.id}/api-keys?limit=9999`, a.key);
    assertError(invalid, 400, 'validation_failed');
    const failed = await withBrokenServiceDb(() => send(`/api/v1/tenants/${a.tenant.id}`, a.key));
    assertError(failed, 500, 'internal');
    assert.doesNotMatch(failed.body, /simulated database outage|at .*\.ts:\d+/, 'a 500 never leaks the error or a stack');

    const byId = (res: Res) => res.headers['x-request-id'] as string;
    await settleAudit([ok, unauthorized, forbidden, notFound, invalid, failed].map(byId));
    const rows = await auditRowsFor([ok, unauthorized, forbidden, notFound, invalid, failed].map(byId));
    assert.equal(rows.size, 6, 'exactly one row per request');

    const expect = [
      { res: ok, status: 200, route: '/api/v1/tenants/:tenantId' },
      { res: forbidden, status: 403, route: '/api/v1/tenants/:tenantId' },
      { res: notFound, status: 404, route: '/api/v1/tenants/:tenantId' },
      { res: invalid, status: 400, route: '/api/v1/tenants/:tenantId/api-keys' },
      { res: failed, status: 500, route: '/api/v1/tenants/:tenantId' },
    ];
    for (const { res, status, route } of expect) {
      const row = rows.get(byId(res))!;
      assert.equal(row.method, 'GET');
      assert.equal(row.route, route);
      assert.equal(row.status, status);
      assert.ok(Number.isInteger(row.durationMs) && row.durationMs >= 0);
      assert.equal(row.principalKind, 'tenant_key');
      assert.equal(row.principalId, a.keyId);
      assert.equal(row.keyPrefix, keyRow.prefix);
      assert.equal(row.userId, null);
      assert.equal(row.tenantId, a.tenant.id, "the key's tenant, even on another tenant's path");
      assert.equal(row.ip, ip);
      assert.equal(row.userAgent, ua);
      assert.ok(row.at instanceof Date && Math.abs(row.at.getTime() - Date.now()) < 60_000);
    }
    // Failed authentication: no principal, the tenant of the path.
    const anon = rows.get(byId(unauthorized))!;
    assert.equal(anon.status, 401);
    assert.equal(anon.route, '/api/v1/tenants/:tenantId');
    assert.equal(anon.principalKind, null);
    assert.equal(anon.principalId, null);
    assert.equal(anon.keyPrefix, null);
    assert.equal(anon.tenantId, a.tenant.id);
    assert.equal(anon.ip, ip);

    // No column of any row holds a key or an Authorization header value.
    const all = await queryRows<{ row: string }>(t.rt.db, sql`select a::text as row from audit_log a`);
    assert.ok(all.length >= 6);
    const secretPart = a.key.slice(keyRow.prefix.length);
    for (const { row } of all) {
      for (const secret of [a.key, `Bearer ${a.key}`, secretPart, badKey, badKey.slice(16)]) {
        assert.ok(!row.includes(secret), `audit row contains a secret: ${row}`);
      }
      assert.doesNotMatch(row, /Bearer/i);
    }
  });

  test('unknown routes under /api are audited; unauthenticated discovery documents are not', async () => {
    const miss = await t.call('GET', '/api/v1/no-such-thing');
    const openapi = await t.call('GET', '/api/v1/openapi');
    const health = await t.call('GET', '/healthz');
    assert.equal(miss.statusCode, 404);
    assert.equal(openapi.statusCode, 200);
    assert.equal(health.statusCode, 200);
    await settleAudit([miss.headers['x-request-id'] as string]);
    const rows = await auditRowsFor([miss, openapi, health].map((r) => r.headers['x-request-id'] as string));
    assert.deepEqual([...rows.keys()], [miss.headers['x-request-id']]);
    assert.equal(rows.get(miss.headers['x-request-id'] as string)!.status, 404);
  });

  test('a 403 for a missing permission is audited with the principal', async () => {
    const a = await t.tenantWithKey({ permissions: ['shops:read'] });
    const res = await t.call('GET', `/api/v1/tenants/${a.tenant.id}`, { key: a.key });
    assertError(res, 403, 'forbidden');
    await settleAudit([res.headers['x-request-id'] as string]);
    const row = (await auditRowsFor([res.headers['x-request-id'] as string])).get(res.headers['x-request-id'] as string)!;
    assert.equal(row.status, 403);
    assert.equal(row.principalId, a.keyId);
  });
});

describe('GET /api/v1/tenants/{tenantId}/audit', () => {
  test('newest first, with status, keyId, from/to filters and pagination; only the own tenant', async () => {
    const a = await t.tenantWithKey();
    const reader = await t.tenantWithKey({ permissions: ['audit:read'] });
    // A second key of tenant a, so keyId has something to tell apart.
    const create = await t.call('POST', `/api/v1/tenants/${a.tenant.id}/api-keys`, { key: a.key, body: { name: 'second', permissions: ['audit:read', 'tenants:read'] } });
    assert.equal(create.statusCode, 201);
    const second = { key: create.json().key as string, id: create.json().apiKey.id as string };
    const other = await t.tenantWithKey();

    const get = (url: string, key: string) => t.call('GET', url, { key });
    const first = [
      await get(`/api/v1/tenants/${a.tenant.id}`, a.key),
      await get('/api/v1/tenants/not-a-uuid', a.key),
      await get(`/api/v1/tenants/${a.tenant.id}`, second.key),
    ];
    await sleep(30);
    const mid = new Date();
    await sleep(30);
    const later = [
      await get(`/api/v1/tenants/${a.tenant.id}`, a.key),
      await get(`/api/v1/tenants/${a.tenant.id}?limit=1`, a.key),
    ];
    const outsider = await get(`/api/v1/tenants/${other.tenant.id}`, other.key);
    await settleAudit([create, ...first, ...later, outsider].map((r) => r.headers['x-request-id'] as string));

    const audit = (query: string, key = second.key) => t.call('GET', `/api/v1/tenants/${a.tenant.id}/audit${query}`, { key });
    const ids = (res: Res) => res.json().audit.map((e: { requestId: string }) => e.requestId);
    const reqIds = (list: Res[]) => list.map((r) => r.headers['x-request-id']);

    // keyId: only the requests made with the first key, newest first.
    const byKey = await audit(`?keyId=${a.keyId}`);
    assert.equal(byKey.statusCode, 200);
    assert.deepEqual(ids(byKey), reqIds([create, ...first.slice(0, 2), ...later]).reverse());
    assert.equal(byKey.json().total, 5);
    const entry = byKey.json().audit[0];
    assert.deepEqual(Object.keys(entry).sort(), ['at', 'durationMs', 'id', 'ip', 'method', 'principal', 'requestId', 'route', 'status', 'tenantId', 'userAgent']);
    assert.deepEqual(entry.principal, { kind: 'tenant_key', id: a.keyId, keyPrefix: entry.principal.keyPrefix, userId: null });
    assert.match(entry.principal.keyPrefix, /^orgstack_sk_tnt_/);
    assert.equal(entry.route, '/api/v1/tenants/:tenantId');
    assert.equal(entry.tenantId, a.tenant.id);
    const times = byKey.json().audit.map((e: { at: string }) => Date.parse(e.at));
    assert.deepEqual(times, [...times].sort((x, y) => y - x), 'newest first');

    // status
    const missing = await audit('?status=404');
    assert.deepEqual(ids(missing), reqIds([first[1]]));
    assert.ok(missing.json().audit.every((e: { status: number }) => e.status === 404));

    // from / to (inclusive bounds around `mid`)
    assert.deepEqual(ids(await audit(`?keyId=${a.keyId}&from=${encodeURIComponent(mid.toISOString())}`)), reqIds(later).reverse());
    assert.deepEqual(ids(await audit(`?keyId=${a.keyId}&to=${encodeURIComponent(mid.toISOString())}`)), reqIds([create, ...first.slice(0, 2)]).reverse());
    assert.deepEqual(ids(await audit(`?keyId=${a.keyId}&from=${encodeURIComponent(mid.toISOString())}&status=200`)), reqIds(later).reverse());

    // pagination
    const page1 = await audit(`?keyId=${a.keyId}&limit=2`);
    assert.deepEqual(page1.json().pagination, { limit: 2, offset: 0, has_more: true });
    assert.equal(page1.json().total, 5);
    const page3 = await audit(`?keyId=${a.keyId}&limit=2&offset=4`);
    assert.deepEqual(page3.json().pagination, { limit: 2, offset: 4, has_more: false });
    assert.deepEqual([...ids(page1), ...ids(await audit(`?keyId=${a.keyId}&limit=2&offset=2`)), ...ids(page3)], ids(byKey));
    assertError(await audit('?limit=0'), 400, 'validation_failed');
    assertError(await audit('?status=abc'), 400, 'validation_failed');
    assertError(await audit('?from=yesterday'), 400, 'validation_failed');

    // Never another tenant's rows, even filtered by the other tenant's key.
    const all = await audit('?limit=500');
    assert.ok(all.json().audit.every((e: { tenantId: string }) => e.tenantId === a.tenant.id));
    assert.deepEqual(ids(await audit(`?keyId=${other.keyId}`)), []);

    // Scope and permission.
    assertError(await t.call('GET', `/api/v1/tenants/${other.tenant.id}/audit`, { key: second.key }), 403, 'forbidden');
    assertError(await t.call('GET', `/api/v1/tenants/${a.tenant.id}/audit`, { key: reader.key }), 403, 'forbidden');
    const noPermission = await t.tenantWithKey({ permissions: ['tenants:read'] });
    const denied = await t.call('GET', `/api/v1/tenants/${noPermission.tenant.id}/audit`, { key: noPermission.key });
    assertError(denied, 403, 'forbidden');
    assert.match(denied.json().error, /audit:read/);
    assert.equal((await t.call('GET', `/api/v1/tenants/${reader.tenant.id}/audit`, { key: reader.key })).statusCode, 200);

    // A platform key reads any tenant's log.
    const platform = await t.platformKey();
    const viaPlatform = await t.call('GET', `/api/v1/tenants/${a.tenant.id}/audit?keyId=${a.keyId}`, { key: platform });
    assert.deepEqual(ids(viaPlatform), ids(byKey));
  });
});

describe('retention', () => {
  test('purgeExpired removes audit rows past retention, expired idempotency records and old rate-limit windows, and nothing else', async () => {
    const db = t.rt.db;
    const days = (n: number) => new Date(Date.now() - n * 86_400_000);
    const auditRow = (at: Date, requestId: string) => ({
      id: uuidv7(at.getTime()),
      at,
      requestId,
      method: 'GET',
      route: '/api/v1/tenants',
      status: 200,
      durationMs: 1,
    });
    await db.insert(auditLog).values([auditRow(days(100), 'req_purge_old'), auditRow(days(89), 'req_purge_89d'), auditRow(new Date(), 'req_purge_new')]);
    await db.insert(idempotencyKeys).values([
      { scope: 'purge-test', key: 'expired', fingerprint: 'x', state: 'done', status: 201, expiresAt: new Date(Date.now() - 1000) },
      { scope: 'purge-test', key: 'live', fingerprint: 'x', state: 'done', status: 201, expiresAt: new Date(Date.now() + 3600_000) },
    ]);
    const hour = Math.floor(Date.now() / 3600_000) * 3600_000;
    await db.insert(rateLimitWindows).values([
      { bucket: 'purge-test', windowStart: new Date(hour - 3 * 3600_000), count: 7 },
      { bucket: 'purge-test', windowStart: new Date(hour), count: 3 },
    ]);

    const result = await purgeExpired(db, 90);
    assert.deepEqual(result, { audit: 1, idempotency: 1, rateLimitWindows: 1 });

    const left = await queryRows<{ request_id: string }>(db, sql`select request_id from audit_log where request_id like 'req_purge_%' order by request_id`);
    assert.deepEqual(left.map((r) => r.request_id), ['req_purge_89d', 'req_purge_new']);
    const keys = await queryRows<{ key: string }>(db, sql`select key from idempotency_keys where scope = 'purge-test'`);
    assert.deepEqual(keys.map((r) => r.key), ['live']);
    const windows = await queryRows<{ count: number }>(db, sql`select count from rate_limit_windows where bucket = 'purge-test'`);
    assert.deepEqual(windows.map((r) => Number(r.count)), [3]);

    // A shorter retention is honoured; a second run finds nothing more.
    assert.deepEqual(await purgeExpired(db, 30), { audit: 1, idempotency: 0, rateLimitWindows: 0 });
    assert.deepEqual(await purgeExpired(db, 30), { audit: 0, idempotency: 0, rateLimitWindows: 0 });
  });

  test('a backlog larger than one batch is purged completely', async () => {
    const db = t.rt.db;
    await db.execute(sql`insert into audit_log (id, at, request_id, method, route, status, duration_ms)
      select gen_random_uuid(), now() - interval '200 days', 'req_backlog_' || g, 'GET', '/api/v1/tenants', 200, 1
      from generate_series(1, 5003) g`);
    const result = await purgeExpired(db, 90);
    assert.equal(result.audit, 5003);
    const [{ n }] = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from audit_log where request_id like 'req_backlog_%'`);
    assert.equal(n, 0);
  });
});
