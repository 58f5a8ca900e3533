import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyRequest } from 'fastify';
import { and, eq } from 'drizzle-orm';
import { buildApp } from '../../src/app.ts';
import { mintKey } from '../../src/platform/keys.ts';
import type { Principal } from '../../src/platform/principal.ts';
import { RateLimiter } from '../../src/platform/rate-limits.ts';
import { rateLimitWindows } from '../../src/platform/tables.ts';
import { startTestApp, testConfig, type TestApp } from '../helpers/app.ts';
import { assertError } from '../helpers/assertions.ts';
import { awayFromEdge, HOUR, MINUTE } from '../helpers/clock.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.close());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Unix seconds of the next top of the UTC hour. */
const nextHour = (now = Date.now()) => (Math.floor(now / HOUR) * HOUR + HOUR) / 1000;

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

    await awayFromEdge(MINUTE, 5_000); // the failure budget is per minute
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

describe('leased budget slices', () => {
  /** The current window's row: requests admitted (`count`) and budget handed out (`leased`). */
  async function windowRow(bucket: string) {
    const start = new Date(Math.floor(Date.now() / HOUR) * HOUR);
    const [row] = await t.rt.db
      .select({ count: rateLimitWindows.count, leased: rateLimitWindows.leased })
      .from(rateLimitWindows)
      .where(and(eq(rateLimitWindows.bucket, bucket), eq(rateLimitWindows.windowStart, start)));
    return row;
  }

  test('a node leases 1/8 of what is left (at most 1,000, at least 1), the next slice when a quarter of its slice is left', async () => {
    await awayFromEdge(HOUR, 5_000);
    const a = await t.tenantWithKey({ hourlyLimit: 100 });
    const url = `/api/v1/tenants/${a.tenant.id}`;
    assert.equal((await t.call('GET', url, { key: a.key })).statusCode, 200);
    // `count` is what flushes (every 50 ms in tests) have added so far: 0 or this request.
    const first = await windowRow(a.keyId);
    assert.equal(first.leased, 12, 'the first lease creates the row: 100 / 8');
    assert.ok(first.count <= 1, `count ${first.count}`);
    for (let i = 2; i <= 8; i++) assert.equal((await t.call('GET', url, { key: a.key })).statusCode, 200);
    assert.equal((await windowRow(a.keyId)).leased, 12, 'eight requests from one slice, no statement');
    assert.equal((await t.call('GET', url, { key: a.key })).statusCode, 200);
    // The 9th leaves 3 of 12: the next slice (88 / 8) is leased ahead, without holding the request.
    const by = Date.now() + 2_000;
    while ((await windowRow(a.keyId)).leased === 12 && Date.now() < by) await sleep(10);
    assert.equal((await windowRow(a.keyId)).leased, 12 + 11);
    await t.rt.flush();
    assert.deepEqual(await windowRow(a.keyId), { count: 9, leased: 23 });

    const big = await t.tenantWithKey({ hourlyLimit: 1_000_000 });
    assert.equal((await t.call('GET', `/api/v1/tenants/${big.tenant.id}`, { key: big.key })).statusCode, 200);
    assert.equal((await windowRow(big.keyId)).leased, 1_000, 'at most 1,000 at a time');
  });

  test('two nodes, 300 concurrent requests on a 50/h key: exactly 50 admitted, 429s with Retry-After, counts and leases in the database', async () => {
    await awayFromEdge(HOUR, 5_000);
    const a = await t.tenantWithKey({ hourlyLimit: 50 });
    const second = await buildApp(testConfig(), t.testDb.database);
    try {
      const nodes = [t.app, second.app];
      const responses = await Promise.all(
        Array.from({ length: 300 }, (_, i) =>
          nodes[i % 2].inject({ method: 'GET', url: `/api/v1/tenants/${a.tenant.id}`, headers: { authorization: `Bearer ${a.key}` } }),
        ),
      );
      const ok = responses.filter((r) => r.statusCode === 200);
      const limited = responses.filter((r) => r.statusCode === 429);
      assert.equal(ok.length, 50);
      assert.equal(limited.length, 250);
      for (const r of limited) {
        assert.equal(r.headers['x-ratelimit-remaining'], '0');
        assert.ok(Number(r.headers['retry-after']) > 0);
      }
      // Remaining counts down on each node: no two admitted requests of a node see the same value.
      for (const node of [0, 1]) {
        const seen = responses.filter((r, i) => i % 2 === node && r.statusCode === 200).map((r) => Number(r.headers['x-ratelimit-remaining']));
        assert.equal(new Set(seen).size, seen.length, `node ${node}: ${seen}`);
        assert.ok(seen.every((n) => n >= 0 && n < 50));
      }
      assert.ok(ok.some((r) => r.headers['x-ratelimit-remaining'] === '0'), 'the node that admitted the last request says 0');
      await Promise.all([t.rt.flush(), second.rt.flush()]);
      assert.deepEqual(await windowRow(a.keyId), { count: 50, leased: 50 });
    } finally {
      await second.app.close();
    }
  });

  test('X-RateLimit-Remaining counts other nodes’ leases as spent, is 0 before the refusal, and a stopped node hands its unused lease back', async () => {
    await awayFromEdge(HOUR, 5_000);
    const a = await t.tenantWithKey({ hourlyLimit: 40 });
    const lister = await mintKey(t.rt.db, { kind: 'tenant', tenantId: a.tenant.id, permissions: ['keys:read'] }, null);
    const second = await buildApp(testConfig(), t.testDb.database);
    const onSecond = () =>
      second.app.inject({ method: 'GET', url: `/api/v1/tenants/${a.tenant.id}`, headers: { authorization: `Bearer ${a.key}` } });
    const onFirst = () => t.call('GET', `/api/v1/tenants/${a.tenant.id}`, { key: a.key });
    try {
      const one = await onFirst(); // leases 40 / 8 = 5
      assert.equal(one.headers['x-ratelimit-remaining'], '39');
      const two = await onSecond(); // leases 35 / 8 = 4; node 1's 4 unused count as spent
      assert.equal(two.headers['x-ratelimit-remaining'], String(40 - 5 - 1));
      assert.equal((await windowRow(a.keyId)).leased, 9);
      // Node 1 learns of node 2's lease at its next lease or flush (its timer's may have run), not
      // per request: until then it counts only its own lease as spent.
      const three = await onFirst();
      assert.ok([String(40 - 5 + 3), String(40 - 9 + 3)].includes(three.headers['x-ratelimit-remaining'] as string));
      await t.rt.flush();

      // Node 2 stops: its 3 unused requests go back to the window; its admitted one is flushed.
      await second.app.close();
      assert.deepEqual(await windowRow(a.keyId), { count: 3, leased: 9 - 3 });
      // A stopped limiter takes no new lease (its last flush has run): 503, never an unflushed admission.
      const principal = { credentialId: a.keyId, hourlyLimit: 40 } as Principal;
      await assert.rejects(second.rt.rateLimits.admit(principal, {} as FastifyRequest), (err: { status?: number; code?: string }) => {
        assert.equal(err.status, 503);
        assert.equal(err.code, 'unavailable');
        return true;
      });

      // Node 1 spends the rest. Each Remaining is at most what the node then still admitted (it
      // may be less: budget handed back shows only at the next lease), and the last admitted says 0.
      const claims: number[] = [];
      for (;;) {
        const res = await onFirst();
        if (res.statusCode !== 200) {
          assertError(res, 429, 'rate_limited');
          assert.equal(res.headers['x-ratelimit-remaining'], '0');
          break;
        }
        claims.push(Number(res.headers['x-ratelimit-remaining']));
        assert.ok(claims.length < 40, 'no more than the limit');
      }
      assert.equal(claims.length, 40 - 3, 'the handed-back budget was used');
      claims.forEach((claim, i) => assert.ok(claim <= claims.length - 1 - i, `request ${i}: claimed ${claim}, ${claims.length - 1 - i} followed`));
      assert.equal(claims.at(-1), 0);
      await t.rt.flush();
      assert.deepEqual(await windowRow(a.keyId), { count: 40, leased: 40 });

      const listed = await t.call('GET', `/api/v1/tenants/${a.tenant.id}/api-keys`, { key: lister.key });
      assert.equal(listed.statusCode, 200);
      const item = (listed.json() as { apiKeys: { id: string; requestsThisHour: number }[] }).apiKeys.find((k) => k.id === a.keyId);
      assert.equal(item?.requestsThisHour, 40);
    } finally {
      await second.app.close();
    }
  });

  test('a window that ended with unflushed counts is settled by the next flush', async () => {
    await awayFromEdge(HOUR, 5_000);
    const a = await t.tenantWithKey({ hourlyLimit: 10 });
    const limiter = new RateLimiter(t.rt.db);
    const principal = { credentialId: a.keyId, hourlyLimit: 10 } as Principal;
    const lastHour = Math.floor(Date.now() / HOUR) * HOUR - HOUR;
    await limiter.admit(principal, {} as FastifyRequest, lastHour + 10);
    await limiter.admit(principal, {} as FastifyRequest, lastHour + 20);
    const request = {} as FastifyRequest;
    await limiter.admit(principal, request); // the new hour: a fresh window
    assert.equal(request.rateLimit?.remaining, 9);
    await limiter.flush();
    const rows = await t.rt.db
      .select({ start: rateLimitWindows.windowStart, count: rateLimitWindows.count })
      .from(rateLimitWindows)
      .where(eq(rateLimitWindows.bucket, a.keyId))
      .orderBy(rateLimitWindows.windowStart);
    assert.deepEqual(rows.map((r) => [r.start.getTime(), r.count]), [
      [lastHour, 2],
      [lastHour + HOUR, 1],
    ]);
  });
});
