// When the database fails: a node whose PostgreSQL goes away (connections refused, backends
// terminated) answers 503 + Retry-After quickly — never a 500, never a hang — and serves again by
// itself when the database is back; a pool held by slow queries makes the requests waiting for a
// connection 503s after DATABASE_QUEUE_TIMEOUT_MS while /healthz stays up. PostgreSQL only: PGlite
// lives in the process and has no connection to lose. The shared PostgreSQL server is never
// restarted (other tests use it): the node reaches it through a TCP proxy this test closes and
// reopens, and its backends are terminated by application_name.
import assert from 'node:assert/strict';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { buildApp, type BuiltApp } from '../../src/app.ts';
import { openDatabase, type Database } from '../../src/db/index.ts';
import { startTestApp, testConfig, type TestApp } from '../helpers/app.ts';
import { onPostgres } from '../helpers/db.ts';

const skip = onPostgres ? false : 'PostgreSQL only (TEST_DATABASE_URL): embedded PGlite cannot lose its connection';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const APP_NAME = 'orgstack-fault-test';
const QUEUE_TIMEOUT_MS = 1000;

/** A TCP proxy to PostgreSQL that can be taken down (listener closed, every connection cut) and brought back. */
async function databaseProxy(target: URL) {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port || 5432), target.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {});
    }
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    down: async () => {
      const closed = new Promise((r) => server.close(r));
      for (const s of sockets) s.destroy();
      await closed;
    },
    up: () => new Promise<void>((r) => server.listen(port, '127.0.0.1', r)),
    close: async () => {
      for (const s of sockets) s.destroy();
      if (server.listening) await new Promise((r) => server.close(r));
    },
  };
}

interface Answer {
  status: number;
  ms: number;
  at: number;
  retryAfter: string | null;
  code?: string;
}

let t: TestApp;
let node: BuiltApp;
let nodeDb: Database;
let proxy: Awaited<ReturnType<typeof databaseProxy>>;
let base: string;
let key: string;
let tenantId: string;

before(async () => {
  if (!onPostgres) return;
  t = await startTestApp();
  const direct = new URL(t.testDb.url!);
  proxy = await databaseProxy(direct);
  const viaProxy = new URL(direct);
  viaProxy.port = String(proxy.port);
  viaProxy.searchParams.set('application_name', APP_NAME);
  nodeDb = await openDatabase({ kind: 'postgres', url: viaProxy.toString(), poolSize: 3, queueTimeoutMs: QUEUE_TIMEOUT_MS });
  // The node's cached credentials would hide the database: a zero TTL makes every request read it.
  node = await buildApp(testConfig({ KEY_CACHE_TTL_MS: '0' }), nodeDb);
  await node.app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(node.app.server.address() as AddressInfo).port}`;
  const made = await t.tenantWithKey({ permissions: ['tenants:read'], hourlyLimit: 1_000_000 });
  key = made.key;
  tenantId = made.tenant.id;
});
after(async () => {
  if (!onPostgres) return;
  await proxy.up().catch(() => {});
  await node.app.close();
  await nodeDb.close();
  await proxy.close();
  await t.close();
});

async function call(path = `/api/v1/tenants/${tenantId}`, withKey = key): Promise<Answer> {
  const started = Date.now();
  const res = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${withKey}` }, signal: AbortSignal.timeout(15_000) });
  const text = await res.text();
  let code: string | undefined;
  try {
    code = JSON.parse(text).code;
  } catch {
    // not JSON: left undefined, and the assertions say so
  }
  return { status: res.status, ms: Date.now() - started, at: Date.now(), retryAfter: res.headers.get('retry-after'), code };
}

/** `clients` loops calling until `until()` says stop; every answer is kept. */
async function load(clients: number, until: () => boolean): Promise<Answer[]> {
  const answers: Answer[] = [];
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (!until()) {
        answers.push(await call());
        await sleep(20);
      }
    }),
  );
  return answers;
}

function assertOnly200or503(answers: Answer[]) {
  for (const a of answers) {
    assert.ok(a.status === 200 || a.status === 503, `status ${a.status} (${a.code})`);
    if (a.status === 503) {
      assert.ok(a.code === 'database_unavailable' || a.code === 'database_busy', `503 code ${a.code}`);
      assert.match(a.retryAfter ?? '', /^\d+$/, 'a 503 says when to retry');
    }
  }
}

describe('when the database fails', () => {
  test('the database goes away and comes back: 503 + Retry-After fast, never a 500 or a hang, and recovery by itself', { skip }, async () => {
    assert.equal((await call()).status, 200);
    let phase: 'up' | 'down' | 'back' | 'done' = 'up';
    let downAt = 0;
    let backAt = 0;
    const running = load(6, () => phase === 'done');
    await sleep(300);

    downAt = Date.now();
    phase = 'down';
    await proxy.down();
    await sleep(3000);
    await proxy.up();
    backAt = Date.now();
    phase = 'back';
    // Until the node answers 200 again (bounded: the assertion below says how long it took).
    let recoveredAt = 0;
    let last: Answer | undefined;
    while (Date.now() - backAt < 15_000) {
      const a = (last = await call());
      if (a.status === 200) {
        recoveredAt = a.at;
        break;
      }
      await sleep(50);
    }
    await sleep(300);
    phase = 'done';
    const answers = await running;

    assertOnly200or503(answers);
    const during = answers.filter((a) => a.at > downAt + 200 && a.at < backAt);
    assert.ok(during.length > 0, 'requests were answered while the database was away');
    assert.ok(during.every((a) => a.status === 503), `while away: ${[...new Set(during.map((a) => a.status))].join(', ')}`);
    const first503 = answers.filter((a) => a.status === 503).sort((a, b) => a.at - b.at)[0];
    const slowest = Math.max(...answers.map((a) => a.ms));
    assert.ok(slowest <= QUEUE_TIMEOUT_MS + 1500, `the slowest answer took ${slowest} ms`);
    assert.ok(recoveredAt > 0, `the node served again within 15 s of the database coming back (last: ${JSON.stringify(last)})`);
    const recovery = recoveredAt - backAt;
    assert.ok(recovery < 5000, `recovered after ${recovery} ms`);
    console.log(`database away: first 503 after ${first503.at - downAt} ms, slowest answer ${slowest} ms, recovered ${recovery} ms after it came back`);
    // The audit rows of the outage were kept and written once the database was back.
    await node.rt.flush();
  });

  test("the node's backends are terminated again and again: only 200s and 503s, then 200s", { skip }, async () => {
    const admin = postgres(t.testDb.url!, { max: 1, onnotice: () => {} });
    let stop = false;
    const running = load(6, () => stop);
    try {
      for (let i = 0; i < 15; i++) {
        await admin`select pg_terminate_backend(pid) from pg_stat_activity where application_name = ${APP_NAME}`;
        await sleep(100);
      }
    } finally {
      await admin.end();
    }
    const calm = Date.now();
    let recoveredAt = 0;
    while (Date.now() - calm < 10_000 && !recoveredAt) {
      const a = await call();
      if (a.status === 200) recoveredAt = a.at;
      else await sleep(50);
    }
    stop = true;
    const answers = await running;
    assertOnly200or503(answers);
    assert.ok(recoveredAt > 0 && recoveredAt - calm < 5000, `recovered ${recoveredAt - calm} ms after the last termination`);
    console.log(`backends terminated: ${answers.filter((a) => a.status === 503).length} of ${answers.length} answers were 503, recovered ${recoveredAt - calm} ms after the last termination`);
  });

  test('a pool held by slow transactions: waiting requests are 503 after the queue timeout, /healthz stays up', { skip }, async () => {
    // Slow transactions hold the node's whole pool (3 connections); a connection in a transaction
    // takes no other query, so the requests' queries wait in the pool's queue.
    const slow = Array.from({ length: 3 }, () => nodeDb.db.transaction((tx) => tx.execute(sql`select pg_sleep(3)`)).catch((err: unknown) => err));
    await sleep(200);
    const started = Date.now();
    const answers = await Promise.all(Array.from({ length: 12 }, () => call()));
    const health = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(2000) });
    assert.equal(health.status, 200, '/healthz answers while the pool is held');
    await Promise.all(slow);

    assertOnly200or503(answers);
    const busy = answers.filter((a) => a.status === 503);
    assert.equal(busy.length, 12, `${busy.length} of 12 were 503: ${JSON.stringify(answers)}`);
    for (const a of busy) {
      assert.equal(a.code, 'database_busy');
      assert.equal(a.retryAfter, '1');
      assert.ok(a.ms >= QUEUE_TIMEOUT_MS - 50 && a.ms < QUEUE_TIMEOUT_MS + 1500, `a 503 after ${a.ms} ms`);
    }
    console.log(`pool held: ${busy.length} of 12 were 503 after ${Math.min(...busy.map((a) => a.ms))}–${Math.max(...busy.map((a) => a.ms))} ms (queue timeout ${QUEUE_TIMEOUT_MS} ms), ${Date.now() - started} ms in all`);
    // Afterwards the node serves normally.
    assert.equal((await call()).status, 200);
  });
});
