import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyRequest } from 'fastify';
import { and, eq } from 'drizzle-orm';
import { buildApp } from '../../src/app.ts';
import { mintKey } from '../../src/platform/keys.ts';
import type { Principal } from '../../src/platform/principal.ts';
import { RateLimiter } from '../../src/platform/rate-limits.ts';
import { rateLimitWindows } from '../../src/platform/tables.ts';
import { spawnServer, startTestApp, testConfig, type ServerProcess, type TestApp } from '../helpers/app.ts';
import { onPostgres } from '../helpers/db.ts';
import { assertError } from '../helpers/assertions.ts';

const HOUR = 3_600_000;
const SECRET = 'test-secret-test-secret-test-secret-0123';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.close());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Unix seconds of the next top of the UTC hour. */
const nextHour = (now = Date.now()) => (Math.floor(now / HOUR) * HOUR + HOUR) / 1000;

/** Windows are hourly (and auth failures per minute): never start a counting test right at an edge. */
async function awayFromEdge(periodMs: number, marginMs: number) {
  const left = periodMs - (Date.now() % periodMs);
  if (left < marginMs) await sleep(left + 100);
}

async function windowCount(bucket: string): Promise<number | undefined> {
  const start = new Date(Math.floor(Date.now() / HOUR) * HOUR);
  const [row] = await t.rt.db
    .select({ count: rateLimitWindows.count })
    .from(rateLimitWindows)
    .where(and(eq(rateLimitWindows.bucket, bucket), eq(rateLimitWindows.windowStart, start)));
  return row?.count;
}

describe('X-RateLimit-* headers', () => {
  test('on a 2xx and on 4xx responses after authentication, with Reset at the next top of the UTC hour', async () => {
    await awayFromEdge(HOUR, 5_000);
    const a = await t.tenantWithKey({ hourlyLimit: 50 });
    const other = await t.tenantWithKey();
    const reset = String(nextHour());

    const ok = await t.call('GET', `/api/v1/tenants/${a.tenant.id}`, { key: a.key });
    assert.equal(ok.statusCode, 200);
    assert.equal(ok.headers['x-ratelimit-limit'], '50');
    assert.equal(ok.headers['x-ratelimit-remaining'], '49');
    assert.equal(ok.headers['x-ratelimit-reset'], reset);
    assert.equal(Number(reset) % 3600, 0, 'aligned to the top of the hour');
    assert.ok(Number(reset) * 1000 > Date.now() && Number(reset) * 1000 <= Date.now() + HOUR);
    assert.equal(ok.headers['retry-after'], undefined, 'Retry-After only on a 429');

    const forbidden = await t.call('GET', `/api/v1/tenants/${other.tenant.id}`, { key: a.key });
    assertError(forbidden, 403, 'forbidden');
    const notFound = await t.call('GET', '/api/v1/tenants/not-a-uuid', { key: a.key });
    assertError(notFound, 404, 'not_found');
    const invalid = await t.call('GET', '/api/v1/tenants?limit=0', { key: a.key });
    assertError(invalid, 400, 'validation_failed');
    let remaining = 49;
    for (const res of [forbidden, notFound, invalid]) {
      assert.equal(res.headers['x-ratelimit-limit'], '50');
      assert.equal(res.headers['x-ratelimit-remaining'], String(--remaining), 'requests that fail after auth still count');
      assert.equal(res.headers['x-ratelimit-reset'], reset);
    }
  });

  test('no X-RateLimit-* headers when authentication fails', async () => {
    const res = await t.call('GET', '/api/v1/tenants', { headers: { authorization: 'Bearer orgstack_sk_tnt_nope' }, key: undefined });
    assertError(res, 401, 'unauthorized');
    for (const h of ['x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset']) assert.equal(res.headers[h], undefined);
  });
});

describe('hourly bucket per key', () => {
  test('limit 5: five 200s counting down, then 429 rate_limited with Retry-After until the top of the hour', async () => {
    await awayFromEdge(HOUR, 5_000);
    const a = await t.tenantWithKey({ hourlyLimit: 5 });
    const url = `/api/v1/tenants/${a.tenant.id}`;
    for (let i = 1; i <= 5; i++) {
      const res = await t.call('GET', url, { key: a.key });
      assert.equal(res.statusCode, 200, `request ${i}`);
      assert.equal(res.headers['x-ratelimit-limit'], '5');
      assert.equal(res.headers['x-ratelimit-remaining'], String(5 - i));
    }

    const before = Date.now();
    const limited = await t.call('GET', url, { key: a.key });
    const afterMs = Date.now();
    assertError(limited, 429, 'rate_limited');
    assert.deepEqual(Object.keys(limited.json()).sort(), ['code', 'error', 'requestId'], 'exactly the error body shape');
    assert.equal(limited.headers['x-ratelimit-limit'], '5');
    assert.equal(limited.headers['x-ratelimit-remaining'], '0');
    const reset = Number(limited.headers['x-ratelimit-reset']);
    assert.equal(reset, nextHour(before));
    const retryAfter = Number(limited.headers['retry-after']);
    assert.ok(Number.isInteger(retryAfter) && retryAfter > 0 && retryAfter <= 3600, `Retry-After ${limited.headers['retry-after']}`);
    // Retry-After points at the reset: now + Retry-After ≈ X-RateLimit-Reset (to the second).
    assert.ok(retryAfter >= Math.floor(reset - afterMs / 1000) && retryAfter <= Math.ceil(reset - before / 1000),
      `Retry-After ${retryAfter} vs reset in ${reset - before / 1000}s`);

    // Every route of the key is limited, and it stays limited.
    assertError(await t.call('GET', '/api/v1/tenants', { key: a.key }), 429, 'rate_limited');
    assertError(await t.call('POST', `/api/v1/tenants/${a.tenant.id}/api-keys`, { key: a.key, body: {} }), 429, 'rate_limited');

    // Another key of the same tenant has its own bucket.
    const sibling = await mintKey(t.rt.db, { kind: 'tenant', tenantId: a.tenant.id, hourlyLimit: 5 }, null);
    const res = await t.call('GET', url, { key: sibling.key });
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['x-ratelimit-remaining'], '4');

    // The count lives in the database: admitted requests only, not the 429s.
    await t.rt.flush();
    assert.equal(await windowCount(a.keyId), 5);
    assert.equal(await windowCount(sibling.apiKey.id), 1);
  });

  test('overlapping flushes (timer, shutdown, explicit) count every admitted request exactly once', async () => {
    await awayFromEdge(HOUR, 5_000);
    const a = await t.tenantWithKey({ hourlyLimit: 100 });
    for (let round = 1; round <= 3; round++) {
      for (let i = 0; i < 5; i++) assert.equal((await t.call('GET', `/api/v1/tenants/${a.tenant.id}`, { key: a.key })).statusCode, 200);
      await Promise.all([t.rt.flush(), t.rt.rateLimits.flush(), t.rt.rateLimits.flush()]);
      assert.equal(await windowCount(a.keyId), 5 * round);
    }
    const res = await t.call('GET', `/api/v1/tenants/${a.tenant.id}`, { key: a.key });
    assert.equal(res.headers['x-ratelimit-remaining'], String(100 - 16), 'the node agrees with the database');
  });

  test('a fresh node on the same database sees the count already used this hour', async () => {
    await awayFromEdge(HOUR, 5_000);
    const spent = await t.tenantWithKey({ hourlyLimit: 3 });
    const partly = await t.tenantWithKey({ hourlyLimit: 10 });
    for (let i = 0; i < 3; i++) assert.equal((await t.call('GET', `/api/v1/tenants/${spent.tenant.id}`, { key: spent.key })).statusCode, 200);
    for (let i = 0; i < 4; i++) assert.equal((await t.call('GET', `/api/v1/tenants/${partly.tenant.id}`, { key: partly.key })).statusCode, 200);
    await t.rt.flush();

    // A second app (a second node) on the same database, with empty in-memory counters.
    const second = await buildApp(testConfig(), t.testDb.database);
    try {
      const inject = (key: string, tenantId: string) =>
        second.app.inject({ method: 'GET', url: `/api/v1/tenants/${tenantId}`, headers: { authorization: `Bearer ${key}` } });
      assertError(await inject(spent.key, spent.tenant.id), 429, 'rate_limited');
      const res = await inject(partly.key, partly.tenant.id);
      assert.equal(res.statusCode, 200);
      assert.equal(res.headers['x-ratelimit-remaining'], '5', '10 − 4 earlier − this one');
      await second.rt.flush();
      assert.equal(await windowCount(partly.keyId), 5, 'both nodes add to the one shared row');
    } finally {
      await second.app.close();
    }

    // And the RateLimiter itself, with nothing in memory, learns the count from the database.
    const limiter = new RateLimiter(t.rt.db);
    const principal = { credentialId: partly.keyId, hourlyLimit: 10 } as Principal;
    const request = {} as FastifyRequest;
    await limiter.admit(principal, request);
    assert.equal(request.rateLimit?.remaining, 4);
    const exhausted = { credentialId: spent.keyId, hourlyLimit: 3 } as Principal;
    await assert.rejects(limiter.admit(exhausted, {} as FastifyRequest), (err: { status?: number; code?: string }) => {
      assert.equal(err.status, 429);
      assert.equal(err.code, 'rate_limited');
      return true;
    });
  });
});

describe('failed authentication per client IP', () => {
  test('20 bad keys from one IP → the 21st request, even with a valid key, is 429; another IP still works', async () => {
    const a = await t.tenantWithKey();
    const url = `/api/v1/tenants/${a.tenant.id}`;
    const from = (ip: string, key: string) =>
      t.app.inject({ method: 'GET', url, remoteAddress: ip, headers: { authorization: `Bearer ${key}` } });

    await awayFromEdge(60_000, 5_000); // the failure budget is per minute
    for (let i = 0; i < 20; i++) {
      assertError(await from('198.51.100.7', `orgstack_sk_tnt_guess${String(i).padStart(35, '0')}`), 401, 'unauthorized');
    }
    const blocked = await from('198.51.100.7', a.key);
    assertError(blocked, 429, 'rate_limited');
    assert.deepEqual(Object.keys(blocked.json()).sort(), ['code', 'error', 'requestId']);
    const retryAfter = Number(blocked.headers['retry-after']);
    assert.ok(Number.isInteger(retryAfter) && retryAfter > 0 && retryAfter <= 60, `Retry-After ${blocked.headers['retry-after']}`);
    assertError(await from('198.51.100.7', 'orgstack_sk_tnt_anotherguessanotherguessanotherguess'), 429, 'rate_limited');

    const elsewhere = await from('198.51.100.8', a.key);
    assert.equal(elsewhere.statusCode, 200);
    // 19 failures from a third IP leave it working.
    for (let i = 0; i < 19; i++) assert.equal((await from('198.51.100.9', 'orgstack_sk_tnt_wrong')).statusCode, 401);
    assert.equal((await from('198.51.100.9', a.key)).statusCode, 200);
    // A request with no key guesses nothing: it is a 401 but spends no failure budget.
    for (let i = 0; i < 30; i++) {
      const bare = await t.app.inject({ method: 'GET', url, remoteAddress: '198.51.100.10' });
      assertError(bare, 401, 'unauthorized');
    }
    assert.equal((await from('198.51.100.10', a.key)).statusCode, 200);
  });
});

describe('two server processes share one bucket', () => {
  test('limit 100 across two nodes: at least 100 admitted, overshoot within the documented bound, all of it counted',
    { skip: onPostgres ? false : 'needs TEST_DATABASE_URL (PostgreSQL)' },
    async (ctx) => {
      await awayFromEdge(HOUR, 60_000);
      const flushInterval = 200;
      const a = await t.tenantWithKey({ hourlyLimit: 100 });
      const env = { DATABASE_URL: t.testDb.url!, ORGSTACK_SECRET: SECRET, FLUSH_INTERVAL_MS: String(flushInterval) };
      const servers: ServerProcess[] = await Promise.all([spawnServer(env), spawnServer(env)]);
      try {
        // Warm both nodes up (JIT, pool, the credential cache) with a key of its own bucket.
        const warm = await t.tenantWithKey();
        await Promise.all(servers.map((s) => fetch(`${s.url}/api/v1/tenants/${warm.tenant.id}`, { headers: { authorization: `Bearer ${warm.key}` } }).then((r) => r.text())));

        const stats = servers.map(() => ({ ok: 0, limited: 0, other: [] as number[] }));
        let total = 0;
        const enough = () => total >= 600 || stats.every((s) => s.limited >= 20);
        const worker = async (i: number) => {
          const s = servers[i];
          while (!enough()) {
            total++;
            const res = await fetch(`${s.url}/api/v1/tenants/${a.tenant.id}`, { headers: { authorization: `Bearer ${a.key}` } });
            await res.arrayBuffer();
            if (res.status === 200) stats[i].ok++;
            else if (res.status === 429) stats[i].limited++;
            else stats[i].other.push(res.status);
          }
        };
        const started = performance.now();
        await Promise.all(servers.flatMap((_, i) => Array.from({ length: 10 }, () => worker(i))));
        const elapsedMs = performance.now() - started;

        const admitted = stats.reduce((n, s) => n + s.ok, 0);
        const rate = total / elapsedMs; // requests per ms, all nodes together
        // rate-limits.ts: overshoot ≤ Σ(node rate) × (flush interval + flush time); 300 ms is a generous flush time.
        const bound = Math.ceil(rate * (flushInterval + 300));
        const report = `admitted ${admitted} of ${total} in ${Math.round(elapsedMs)} ms; per node ${JSON.stringify(stats)}; bound 100 + ${bound}`;
        ctx.diagnostic(report);
        assert.deepEqual(stats.flatMap((s) => s.other), [], report);
        assert.ok(admitted >= 100, `the limit must be reachable: ${report}`);
        assert.ok(admitted <= 100 + bound, `overshoot beyond the documented bound: ${report}`);
        assert.ok(stats.every((s) => s.limited > 0), `both nodes learned the shared count: ${report}`);

        // Graceful shutdown flushes: the shared window holds exactly what was admitted.
        const codes = await Promise.all(servers.map((s) => s.stop()));
        assert.deepEqual(codes, [0, 0]);
        assert.equal(await windowCount(a.keyId), admitted, report);
      } finally {
        await Promise.all(servers.map((s) => (s.child.exitCode === null ? s.stop() : null)));
      }
    },
  );
});
