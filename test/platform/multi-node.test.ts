// Several real server processes on one PostgreSQL: first start, revocation across nodes, a rate
// limit shared by three nodes, and graceful shutdown. PostgreSQL only (PGlite belongs to one process).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { and, eq, sql } from 'drizzle-orm';
import postgres from 'postgres';
import { queryRows } from '../../src/db/index.ts';
import { mintKey, revokeKey } from '../../src/platform/keys.ts';
import { rateLimitWindows } from '../../src/platform/tables.ts';
import { spawnServer, startTestApp, type ServerProcess, type TestApp } from '../helpers/app.ts';
import { awayFromEdge, HOUR } from '../helpers/clock.ts';
import { emptyPostgresDatabase, onPostgres } from '../helpers/db.ts';

const skip = onPostgres ? false : 'needs TEST_DATABASE_URL (PostgreSQL)';
const SECRET = 'test-secret-test-secret-test-secret-0123';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let t: TestApp | undefined;
before(async () => {
  if (onPostgres) t = await startTestApp();
});
after(async () => {
  await t?.close();
});

/** Stops every server still running (a failed assertion must not leave processes behind). */
async function stopAll(servers: ServerProcess[]) {
  await Promise.all(servers.map((s) => (s.child.exitCode === null && s.child.signalCode === null ? s.stop() : null)));
}

const get = (server: ServerProcess, path: string, key?: string) =>
  fetch(`${server.url}${path}`, { headers: key ? { authorization: `Bearer ${key}` } : {} });

describe('several nodes on one PostgreSQL', () => {
  test('three nodes starting at once on an empty database: all ready, exactly one superadmin and one first platform key', { skip }, async () => {
    const empty = await emptyPostgresDatabase();
    const servers: ServerProcess[] = [];
    const client = postgres(empty.url, { max: 1, onnotice: () => {} });
    try {
      const env = { DATABASE_URL: empty.url, ORGSTACK_SECRET: SECRET };
      const started = await Promise.allSettled([spawnServer(env), spawnServer(env), spawnServer(env)]);
      for (const s of started) if (s.status === 'fulfilled') servers.push(s.value);
      for (const s of started) if (s.status === 'rejected') throw s.reason;

      for (const s of servers) {
        const ready = await get(s, '/readyz');
        const body = await ready.text();
        assert.equal(ready.status, 200, body);
        assert.deepEqual(JSON.parse(body), { status: 'ready' });
      }
      const [admins] = await client`select count(*)::int as n from users where role = 'superadmin'`;
      assert.equal(admins.n, 1);
      const [platformKeys] = await client`select count(*)::int as n from api_keys where kind = 'platform'`;
      assert.equal(platformKeys.n, 1);

      const printed = servers.filter((s) => s.output().includes('platform key'));
      assert.equal(printed.length, 1, servers.map((s, i) => `--- node ${i}\n${s.output()}`).join('\n'));
      const key = /platform key\s+(orgstack_sk_plat_\S+)/.exec(printed[0].output())?.[1];
      assert.ok(key, 'the first platform key is printed once');
      // The printed key is the stored one, and every node accepts it.
      for (const s of servers) assert.equal((await get(s, '/api/v1/tenants', key)).status, 200);
    } finally {
      await stopAll(servers);
      await client.end();
      await empty.drop();
    }
  });

  test('a key revoked through node A stops working on node B within 5 s', { skip }, async () => {
    const env = { DATABASE_URL: t!.testDb.url!, ORGSTACK_SECRET: SECRET };
    const servers = await Promise.all([spawnServer(env), spawnServer(env)]);
    const [nodeA, nodeB] = servers;
    try {
      const a = await t!.tenantWithKey({ permissions: ['keys:read', 'keys:write', 'tenants:read'] });
      const victim = await mintKey(t!.rt.db, { kind: 'tenant', tenantId: a.tenant.id, name: 'victim' }, null);
      const url = `/api/v1/tenants/${a.tenant.id}`;

      // Node B has verified (and cached) the key.
      assert.equal((await get(nodeB, url, victim.key)).status, 200);
      assert.equal((await get(nodeB, url, victim.key)).status, 200);

      const revoke = await fetch(`${nodeA.url}/api/v1/tenants/${a.tenant.id}/api-keys/${victim.apiKey.id}`, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${a.key}` },
      });
      assert.equal(revoke.status, 204, await revoke.text());
      const revokedAt = Date.now();

      let last: Response | undefined;
      while (Date.now() - revokedAt < 5000) {
        last = await get(nodeB, url, victim.key);
        if (last.status === 401) break;
        await last.arrayBuffer();
        await sleep(100);
      }
      assert.equal(last?.status, 401, `node B still accepted the revoked key ${Date.now() - revokedAt} ms after the revoke`);
      assert.equal((await last!.json()).code, 'unauthorized');
      assert.equal((await get(nodeA, url, victim.key)).status, 401);
      // The other key of the tenant is unaffected.
      assert.equal((await get(nodeB, url, a.key)).status, 200);

      // The same through the operator's path (the CLI revokes in the database and notifies).
      const second = await mintKey(t!.rt.db, { kind: 'tenant', tenantId: a.tenant.id, name: 'cli-victim' }, null);
      assert.equal((await get(nodeB, url, second.key)).status, 200);
      await revokeKey(t!.rt.db, second.apiKey.id);
      await t!.rt.credentials.invalidateAll();
      const cliRevokedAt = Date.now();
      let status = 0;
      while (Date.now() - cliRevokedAt < 5000) {
        const res = await get(nodeB, url, second.key);
        await res.arrayBuffer();
        status = res.status;
        if (status === 401) break;
        await sleep(100);
      }
      assert.equal(status, 401);
    } finally {
      await stopAll(servers);
    }
  });

  test('three nodes at full speed on one 100/h key: at most 100 admitted, 429s with Retry-After, truthful headers, counts kept across a restart', { skip }, async (ctx) => {
    await awayFromEdge(HOUR, 60_000); // one window for the whole test
    const env = { DATABASE_URL: t!.testDb.url!, ORGSTACK_SECRET: SECRET, FLUSH_INTERVAL_MS: '200' };
    const servers: ServerProcess[] = await Promise.all([spawnServer(env), spawnServer(env), spawnServer(env)]);
    const a = await t!.tenantWithKey({ hourlyLimit: 100 });
    const other = await mintKey(t!.rt.db, { kind: 'tenant', tenantId: a.tenant.id, permissions: ['keys:read', 'tenants:read'] }, null);
    const url = `/api/v1/tenants/${a.tenant.id}`;
    const windowOf = async (bucket: string) => {
      const start = new Date(Math.floor(Date.now() / HOUR) * HOUR);
      const [row] = await t!.rt.db
        .select({ count: rateLimitWindows.count, leased: rateLimitWindows.leased })
        .from(rateLimitWindows)
        .where(and(eq(rateLimitWindows.bucket, bucket), eq(rateLimitWindows.windowStart, start)));
      return row;
    };
    try {
      // Warm the nodes up (JIT, pool, credential cache) with the other key, 5 requests each.
      for (const s of servers) for (let i = 0; i < 5; i++) assert.equal((await get(s, url, other.key)).status, 200);

      const stats = servers.map(() => ({ ok: 0, limited: 0, other: [] as number[], remaining: [] as number[] }));
      const problems: string[] = [];
      let sent = 0;
      const enough = () => sent >= 3000 || stats.every((s) => s.limited >= 30);
      const worker = async (i: number) => {
        while (!enough()) {
          sent++;
          const res = await get(servers[i], url, a.key);
          await res.arrayBuffer();
          const remaining = Number(res.headers.get('x-ratelimit-remaining'));
          if (res.status === 200) {
            stats[i].ok++;
            stats[i].remaining.push(remaining);
          } else if (res.status === 429) {
            stats[i].limited++;
            if (remaining !== 0) problems.push(`429 with Remaining ${remaining}`);
            const retryAfter = Number(res.headers.get('retry-after'));
            if (!(Number.isInteger(retryAfter) && retryAfter > 0 && retryAfter <= 3600)) problems.push(`Retry-After ${res.headers.get('retry-after')}`);
          } else stats[i].other.push(res.status);
        }
      };
      const started = performance.now();
      await Promise.all(servers.flatMap((_, i) => Array.from({ length: 10 }, () => worker(i))));
      const elapsedMs = performance.now() - started;

      const admitted = stats.reduce((n, s) => n + s.ok, 0);
      const report = `admitted ${admitted} of ${sent} in ${Math.round(elapsedMs)} ms (${Math.round((sent / elapsedMs) * 1000)} req/s); per node ok/429 ${stats.map((s) => `${s.ok}/${s.limited}`).join(', ')}`;
      ctx.diagnostic(report);
      assert.deepEqual(stats.flatMap((s) => s.other), [], report);
      assert.deepEqual(problems.slice(0, 5), [], report);
      // Leases never hand out more than the limit: exactly 100 (the issue allows 100 + 3).
      assert.ok(admitted <= 100 + 3, `overshoot: ${report}`);
      assert.ok(admitted >= 100, `with every node alive the whole budget is used: ${report}`);
      assert.ok(stats.every((s) => s.limited > 0 && s.ok > 0), report);
      for (const s of stats) {
        // Each node's Remaining falls with every request it admits (so no value repeats) and never
        // claims more than the hour has left.
        assert.equal(new Set(s.remaining).size, s.remaining.length, `repeated Remaining on one node: ${s.remaining}`);
        assert.ok(s.remaining.every((r) => r >= 0 && r <= 99), `${s.remaining}`);
      }
      assert.ok(stats.some((s) => s.remaining.includes(0)), 'the node that admitted the last request says 0');

      // The key list on any node shows the admitted requests once flushed.
      const flushedBy = Date.now() + 5_000;
      let listed = -1;
      let listCalls = 0;
      while (Date.now() < flushedBy) {
        listCalls++;
        const res = await get(servers[0], `/api/v1/tenants/${a.tenant.id}/api-keys`, other.key);
        const body = (await res.json()) as { apiKeys: { id: string; requestsThisHour: number }[] };
        listed = body.apiKeys.find((k) => k.id === a.keyId)!.requestsThisHour;
        if (listed === admitted) break;
        await sleep(100);
      }
      assert.equal(listed, admitted, 'requestsThisHour on the key list');

      // Graceful shutdown: exit 0, and the window holds exactly what was admitted.
      assert.deepEqual(await Promise.all(servers.map((s) => s.stop())), [0, 0, 0]);
      assert.deepEqual(await windowOf(a.keyId), { count: admitted, leased: 100 });
      const warmed = await windowOf(other.apiKey.id);
      assert.equal(warmed.count, 15 + listCalls, 'the warm-up and the key list calls');
      assert.equal(warmed.leased, warmed.count, 'every stopped node handed its unused lease back');

      // A restarted node: the spent key stays refused, the other one counts on.
      const restarted = await spawnServer(env);
      servers.push(restarted);
      const refused = await get(restarted, url, a.key);
      assert.equal(refused.status, 429);
      assert.ok(Number(refused.headers.get('retry-after')) > 0);
      const res = await get(restarted, url, other.key);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('x-ratelimit-remaining'), String(other.apiKey.hourlyLimit - warmed.count - 1));
      assert.equal(await restarted.stop(), 0);
      assert.deepEqual(await windowOf(other.apiKey.id), { count: warmed.count + 1, leased: warmed.count + 1 });
      assert.equal((await windowOf(a.keyId)).count, admitted, 'a refused request is not counted');
    } finally {
      await stopAll(servers);
    }
  });

  test('SIGTERM: the node exits 0 and its buffered audit rows and rate-limit counts reach the database', { skip }, async () => {
    // A long flush interval, so what the node buffered is written by the shutdown, not the timer.
    const server = await spawnServer({ DATABASE_URL: t!.testDb.url!, ORGSTACK_SECRET: SECRET, FLUSH_INTERVAL_MS: '5000' });
    try {
      const a = await t!.tenantWithKey();
      const agent = `shutdown-test-${Date.now()}`;
      const statuses: number[] = [];
      for (const path of [`/api/v1/tenants/${a.tenant.id}`, '/api/v1/tenants', `/api/v1/tenants/${a.tenant.id}/api-keys`, '/api/v1/tenants/not-a-uuid']) {
        const res = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${a.key}`, 'user-agent': agent } });
        await res.arrayBuffer();
        statuses.push(res.status);
      }
      assert.deepEqual(statuses, [200, 200, 200, 404]);

      const code = await server.stop();
      assert.equal(code, 0, server.output());
      assert.doesNotMatch(server.output(), /flush failed|unhandled error/);

      const rows = await queryRows<{ status: number; route: string; principal_id: string }>(
        t!.rt.db,
        sql`select status, route, principal_id from audit_log where user_agent = ${agent} order by at, id`,
      );
      assert.deepEqual(rows.map((r) => Number(r.status)).sort(), [200, 200, 200, 404]);
      assert.ok(rows.every((r) => r.principal_id === a.keyId));
      assert.deepEqual(rows.map((r) => r.route).sort(), [
        '/api/v1/tenants',
        '/api/v1/tenants/:tenantId',
        '/api/v1/tenants/:tenantId',
        '/api/v1/tenants/:tenantId/api-keys',
      ]);
      const windows = await t!.rt.db.select({ count: rateLimitWindows.count }).from(rateLimitWindows).where(eq(rateLimitWindows.bucket, a.keyId));
      // Summed: the requests may straddle the top of an hour.
      assert.equal(windows.reduce((n, w) => n + w.count, 0), 4);
    } finally {
      await stopAll([server]);
    }
  });
});
