// `requestsThisHour` on the key lists (tenant and platform): the current UTC hour's rate-limit
// window of each key, flushed or still in this node's memory, and only on list items.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyRequest } from 'fastify';
import { and, eq } from 'drizzle-orm';
import { mintKey } from '../../src/platform/keys.ts';
import type { Principal } from '../../src/platform/principal.ts';
import { RateLimiter } from '../../src/platform/rate-limits.ts';
import { rateLimitWindows } from '../../src/platform/tables.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { awayFromEdge, HOUR } from '../helpers/clock.ts';
import { assertError } from '../helpers/assertions.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.close());

const hourStart = (now = Date.now()) => new Date(Math.floor(now / HOUR) * HOUR);

async function windowCount(bucket: string, start = hourStart()) {
  const [row] = await t.rt.db
    .select({ count: rateLimitWindows.count })
    .from(rateLimitWindows)
    .where(and(eq(rateLimitWindows.bucket, bucket), eq(rateLimitWindows.windowStart, start)));
  return row?.count ?? 0;
}

type Listed = { id: string; requestsThisHour: number };
const countsOf = (body: { apiKeys: Listed[] }) => new Map(body.apiKeys.map((k) => [k.id, k.requestsThisHour]));

describe('GET /tenants/{tenantId}/api-keys: requestsThisHour', () => {
  test('each key counts its requests this hour, unflushed ones included; unused keys 0; the listing counts itself', async () => {
    await awayFromEdge(HOUR, 10_000);
    const { tenant, key: busy, keyId: busyId } = await t.tenantWithKey({ permissions: ['tenants:read', 'keys:read'] });
    const reader = await mintKey(t.rt.db, { kind: 'tenant', tenantId: tenant.id, permissions: ['keys:read'], name: 'reader' }, null);
    const idle = await mintKey(t.rt.db, { kind: 'tenant', tenantId: tenant.id, name: 'idle' }, null);
    const list = () => t.call('GET', `/api/v1/tenants/${tenant.id}/api-keys`, { key: reader.key });

    for (let i = 0; i < 5; i++) assert.equal((await t.call('GET', `/api/v1/tenants/${tenant.id}`, { key: busy })).statusCode, 200);

    // Flushed by the node's timer or not yet (it ticks every 50 ms here), the count is exact.
    const first = await list();
    assert.equal(first.statusCode, 200, first.body);
    let counts = countsOf(first.json());
    assert.equal(counts.get(busyId), 5);
    assert.equal(counts.get(idle.apiKey.id), 0);
    assert.equal(counts.get(reader.apiKey.id), 1, 'the listing request itself');

    await t.rt.flush();
    assert.equal(await windowCount(busyId), 5);
    counts = countsOf((await list()).json());
    assert.deepEqual([counts.get(busyId), counts.get(idle.apiKey.id), counts.get(reader.apiKey.id)], [5, 0, 2], 'flushed: the same counts, not twice');

    // A refused request (403 for a missing permission) was still admitted, so it counts too.
    assertError(await t.call('GET', `/api/v1/tenants/${tenant.id}/employees`, { key: busy }), 403, 'forbidden');
    assert.equal(countsOf((await list()).json()).get(busyId), 6);
  });

  test("other nodes' flushed counts add up; earlier hours do not count", async () => {
    await awayFromEdge(HOUR, 10_000);
    const { tenant, key, keyId } = await t.tenantWithKey({ permissions: ['keys:read'] });
    const other = await mintKey(t.rt.db, { kind: 'tenant', tenantId: tenant.id, name: 'used elsewhere' }, null);
    // Another node flushed 40 requests of `other` this hour, and 900 the hour before.
    await t.rt.db.insert(rateLimitWindows).values([
      { bucket: other.apiKey.id, windowStart: hourStart(), count: 40 },
      { bucket: other.apiKey.id, windowStart: new Date(hourStart().getTime() - HOUR), count: 900 },
      { bucket: keyId, windowStart: new Date(hourStart().getTime() - HOUR), count: 77 },
    ]);
    const res = await t.call('GET', `/api/v1/tenants/${tenant.id}/api-keys`, { key });
    assert.equal(res.statusCode, 200, res.body);
    const counts = countsOf(res.json());
    assert.equal(counts.get(other.apiKey.id), 40);
    assert.equal(counts.get(keyId), 1);

    // Requests of `other` on this node add to the shared window, before and after a flush.
    assert.equal((await t.call('GET', `/api/v1/tenants/${tenant.id}`, { key: other.key })).statusCode, 200);
    assert.equal(countsOf((await t.call('GET', `/api/v1/tenants/${tenant.id}/api-keys`, { key })).json()).get(other.apiKey.id), 41);
    await t.rt.flush();
    assert.equal(countsOf((await t.call('GET', `/api/v1/tenants/${tenant.id}/api-keys`, { key })).json()).get(other.apiKey.id), 41);
  });

  test('on every list item (pages too), never on the creation response', async () => {
    const admin = await t.tenantWithKey();
    const created = await t.call('POST', `/api/v1/tenants/${admin.tenant.id}/api-keys`, { key: admin.key, body: { name: 'new' } });
    assert.equal(created.statusCode, 201, created.body);
    assert.equal('requestsThisHour' in created.json().apiKey, false);
    const page = await t.call('GET', `/api/v1/tenants/${admin.tenant.id}/api-keys?limit=1&offset=1`, { key: admin.key });
    assert.equal(page.statusCode, 200, page.body);
    // The admin key's create and this listing.
    assert.deepEqual(page.json().apiKeys.map((k: Listed) => [k.id, k.requestsThisHour]), [[admin.keyId, 2]]);
    const empty = await t.call('GET', `/api/v1/tenants/${admin.tenant.id}/api-keys?offset=10`, { key: admin.key });
    assert.deepEqual(empty.json().apiKeys, []);
  });
});

describe('RateLimiter.countsThisHour', () => {
  test("the shared window plus this node's unflushed count, never both; other hours and unknown buckets 0", async () => {
    await awayFromEdge(HOUR, 10_000);
    // A limiter of its own: no timer flushes it behind the test's back.
    const limiter = new RateLimiter(t.rt.db);
    const { keyId } = await t.tenantWithKey();
    const { keyId: elsewhere } = await t.tenantWithKey();
    await t.rt.db.insert(rateLimitWindows).values([
      { bucket: keyId, windowStart: hourStart(), count: 10 }, // other nodes, flushed
      { bucket: elsewhere, windowStart: new Date(hourStart().getTime() - HOUR), count: 5 },
    ]);
    const principal = { credentialId: keyId, hourlyLimit: 1000 } as Principal;
    for (let i = 0; i < 3; i++) await limiter.admit(principal, {} as FastifyRequest);
    const unknown = '00000000-0000-7000-8000-000000000000';
    const before = await limiter.countsThisHour([keyId, elsewhere, unknown]);
    assert.deepEqual([...before], [[keyId, 13], [elsewhere, 0], [unknown, 0]]);
    assert.equal(await windowCount(keyId), 10, 'the 3 are still in memory');
    await limiter.flush();
    assert.equal(await windowCount(keyId), 13);
    assert.deepEqual([...(await limiter.countsThisHour([keyId]))], [[keyId, 13]], 'flushed: counted once');
    // A read racing a flush still counts each request once.
    for (let i = 0; i < 2; i++) await limiter.admit(principal, {} as FastifyRequest);
    const [, during] = await Promise.all([limiter.flush(), limiter.countsThisHour([keyId])]);
    assert.equal(during.get(keyId), 15);
    assert.deepEqual([...(await limiter.countsThisHour([]))], []);
  });
});

describe('GET /platform/api-keys: requestsThisHour', () => {
  test('platform keys show their requests this hour', async () => {
    await awayFromEdge(HOUR, 10_000);
    const operator = await t.platformKey();
    const minted = await mintKey(t.rt.db, { kind: 'platform', name: 'busy bot' }, null);
    for (let i = 0; i < 3; i++) assert.equal((await t.call('GET', '/api/v1/tenants', { key: minted.key })).statusCode, 200);
    await t.rt.flush();
    assert.equal((await t.call('GET', '/api/v1/tenants', { key: minted.key })).statusCode, 200, 'one more, not flushed');
    const res = await t.call('GET', '/api/v1/platform/api-keys?limit=500', { key: operator });
    assert.equal(res.statusCode, 200, res.body);
    const items: Listed[] = res.json().apiKeys;
    assert.ok(items.every((k) => Number.isInteger(k.requestsThisHour) && k.requestsThisHour >= 0));
    const counts = countsOf(res.json());
    assert.equal(counts.get(minted.apiKey.id), 4);
    const created = await t.call('POST', '/api/v1/platform/api-keys', { key: operator, body: { name: 'fresh' } });
    assert.equal(created.statusCode, 201, created.body);
    assert.equal('requestsThisHour' in created.json().apiKey, false);
  });
});
