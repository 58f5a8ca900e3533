// Several real server processes on one PostgreSQL: first start, revocation across nodes, and
// graceful shutdown. PostgreSQL only (PGlite belongs to one process).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { eq, sql } from 'drizzle-orm';
import postgres from 'postgres';
import { queryRows } from '../../src/db/index.ts';
import { mintKey, revokeKey } from '../../src/platform/keys.ts';
import { rateLimitWindows } from '../../src/platform/tables.ts';
import { spawnServer, startTestApp, type ServerProcess, type TestApp } from '../helpers/app.ts';
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
