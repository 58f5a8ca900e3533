// Every admitted request has its audit row: clients that hang up mid-body or mid-response, a
// burst where clients leave at random moments, and a node stopped by SIGTERM under load. "Admitted"
// is what the rate limiter counted, so the check is the bench's: Σ rate-limit counts = audit rows.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { sql } from 'drizzle-orm';
import { openDatabase, queryRows, type Db } from '../../src/db/index.ts';
import { uuidv7 } from '../../src/platform/ids.ts';
import { spawnServer, startTestApp, type TestApp } from '../helpers/app.ts';
import { onPostgres } from '../helpers/db.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let t: TestApp;
let port: number;
before(async () => {
  t = await startTestApp();
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  port = (t.app.server.address() as AddressInfo).port;
});
after(async () => {
  await t.close();
});

/** Requests the rate limiter counted for `keyId` and the audit rows naming it, after a flush. */
async function admittedAndAudited(db: Db, keyId: string) {
  const [counted] = await queryRows<{ n: number }>(db, sql`select coalesce(sum(count), 0)::int as n from rate_limit_windows where bucket = ${keyId}`);
  const [rows] = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from audit_log where principal_id = ${keyId}`);
  return { admitted: Number(counted.n), audited: Number(rows.n) };
}

/** A shop of the tenant, for the employees the requests create. */
async function shopOf(tenantId: string) {
  const id = uuidv7();
  await t.rt.db.execute(sql`insert into shops (id, tenant_id, name) values (${id}, ${tenantId}, 'Main shop')`);
  return id;
}

async function keyIdOf(db: Db, key: string) {
  const [row] = await queryRows<{ id: string }>(db, sql`select id from api_keys where prefix = ${key.slice(0, 25)}`);
  return row.id;
}

/**
 * One request on its own connection; `leaveAfterMs` destroys the socket that long after the
 * headers (and `body`'s first half) are written. Resolves with the status, or 0 when it left first.
 */
function request(target: { port: number; method: string; path: string; key: string; body?: string; leaveAfterMs?: number }): Promise<number> {
  return new Promise((resolve) => {
    const body = target.body ?? '';
    const req = http.request({
      port: target.port,
      host: '127.0.0.1',
      method: target.method,
      path: target.path,
      agent: false,
      headers: { authorization: `Bearer ${target.key}`, ...(body ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : {}) },
    });
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode!));
      res.on('error', () => resolve(0));
    });
    req.on('error', () => resolve(0));
    if (target.leaveAfterMs !== undefined) {
      // Half the body only: the server is still reading it when the client leaves.
      // Timed from when it is on the wire, so the server has seen the request when the client leaves.
      req.write(body.slice(0, Math.floor(body.length / 2)), () => setTimeout(() => req.destroy(), target.leaveAfterMs));
    } else {
      req.end(body);
    }
  });
}

/** Flushes until the audit rows of `keyId` stop changing (handlers of departed clients may still run). */
async function settled(keyId: string) {
  let last = -1;
  for (let i = 0; i < 100; i++) {
    await t.rt.flush();
    const now = await admittedAndAudited(t.rt.db, keyId);
    if (now.audited === now.admitted && now.audited === last) return now;
    last = now.audited;
    await sleep(100);
  }
  return admittedAndAudited(t.rt.db, keyId);
}

test('a client that leaves mid-body: the admitted request is audited once, as 499, naming its key', async () => {
  const { tenant, key, keyId } = await t.tenantWithKey({ permissions: ['employees:write'] });
  // Padded with spaces (valid JSON) so half of it is a good many bytes.
  const body = JSON.stringify({ shopId: await shopOf(tenant.id), name: 'Half Sent' }) + ' '.repeat(4000);
  const status = await request({ port, method: 'POST', path: `/api/v1/tenants/${tenant.id}/employees`, key, body, leaveAfterMs: 100 });
  assert.equal(status, 0, 'the client left before any answer');

  const counts = await settled(keyId);
  assert.deepEqual(counts, { admitted: 1, audited: 1 });
  const rows = await queryRows<{ status: number; method: string; route: string; tenant_id: string }>(
    t.rt.db,
    sql`select status, method, route, tenant_id from audit_log where principal_id = ${keyId}`,
  );
  assert.deepEqual(
    rows.map((r) => ({ ...r, status: Number(r.status) })),
    [{ status: 499, method: 'POST', route: '/api/v1/tenants/:tenantId/employees', tenant_id: tenant.id }],
  );
  // And nothing was created from half a body.
  const [employees] = await queryRows<{ n: number }>(t.rt.db, sql`select count(*)::int as n from employees where tenant_id = ${tenant.id}`);
  assert.equal(Number(employees.n), 0);
});

test('a client that sends its whole request and leaves while its key is checked: the request ends at once, audited as 499', async () => {
  const { tenant, key, keyId } = await t.tenantWithKey({ permissions: ['employees:write'] });
  const body = JSON.stringify({ shopId: await shopOf(tenant.id), name: 'Gone Early' });
  // The whole request, then the end of the connection in the same moment: the server reads both
  // while the key (never seen before, so not cached) is being looked up. Fastify would then wait
  // forever for a body its destroyed stream will not deliver; the row came only from the 2 s
  // clean-up of abandoned requests, and a shutdown waited its full 10 s for such requests.
  const socket = net.connect(port, '127.0.0.1');
  await new Promise((resolve) => socket.once('connect', resolve));
  // The embedded database answers in process, without a turn of the event loop, so the lookup
  // would finish before the end of the connection is read: a transaction holds its one
  // connection for a while first.
  const held = onPostgres ? Promise.resolve() : t.rt.db.transaction(async (tx) => {
    await tx.execute(sql`select 1`);
    await sleep(300);
  });
  socket.end(
    `POST /api/v1/tenants/${tenant.id}/employees HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${key}\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
  socket.resume();
  const sentAt = Date.now();
  let counts = await admittedAndAudited(t.rt.db, keyId);
  while (counts.audited === 0 && Date.now() - sentAt < 5000) {
    await sleep(25);
    await t.rt.flush();
    counts = await admittedAndAudited(t.rt.db, keyId);
  }
  const ms = Date.now() - sentAt;
  assert.deepEqual(counts, { admitted: 1, audited: 1 });
  const [row] = await queryRows<{ status: number; route: string }>(t.rt.db, sql`select status, route from audit_log where principal_id = ${keyId}`);
  assert.deepEqual({ ...row, status: Number(row.status) }, { status: 499, route: '/api/v1/tenants/:tenantId/employees' });
  assert.ok(ms < 1500, `the row was written ${ms} ms after the client left (the abandoned-request clean-up waits 2,000 ms)`);
  await held;
  socket.destroy();
});

test('a client that leaves mid-response: one row with the status that was being sent', async () => {
  const { tenant, key, keyId } = await t.tenantWithKey({ permissions: ['employees:read', 'employees:write'] });
  // A list long enough that the answer takes several socket writes.
  const shopId = await shopOf(tenant.id);
  for (let i = 0; i < 20; i++) {
    const res = await t.call('POST', `/api/v1/tenants/${tenant.id}/employees`, { key, body: { shopId, name: `Employee ${i} ${'n'.repeat(60)}` } });
    assert.equal(res.statusCode, 201, res.body);
  }
  const status = await new Promise<number>((resolve) => {
    const req = http.get({ port, host: '127.0.0.1', path: `/api/v1/tenants/${tenant.id}/employees?limit=100`, agent: false, headers: { authorization: `Bearer ${key}` } }, (res) => {
      // Leave at the first chunk of the body.
      res.once('data', () => {
        req.destroy();
        resolve(res.statusCode!);
      });
    });
    req.on('error', () => resolve(0));
  });
  assert.equal(status, 200);

  const counts = await settled(keyId);
  assert.deepEqual(counts, { admitted: 21, audited: 21 });
  const rows = await queryRows<{ status: number }>(t.rt.db, sql`select status from audit_log where principal_id = ${keyId} and method = 'GET'`);
  assert.deepEqual(rows.map((r) => Number(r.status)), [200]);
});

test('a burst where a third of the clients leave at random moments: admitted = audited, exactly', async () => {
  const { tenant, key, keyId } = await t.tenantWithKey({ permissions: ['employees:read', 'employees:write', 'tenants:read'] });
  const shopId = await shopOf(tenant.id);
  const targets = Array.from({ length: 300 }, (_, i) => {
    const write = i % 2 === 0;
    return {
      port,
      key,
      method: write ? 'POST' : 'GET',
      path: write ? `/api/v1/tenants/${tenant.id}/employees` : `/api/v1/tenants/${tenant.id}`,
      ...(write ? { body: JSON.stringify({ shopId, name: `Burst ${i}` }) } : {}),
      ...(i % 3 === 0 ? { leaveAfterMs: i % 20 } : {}),
    };
  });
  const statuses = await Promise.all(targets.map((x) => request(x)));
  const answered = statuses.filter((s) => s !== 0).length;
  assert.ok(statuses.every((s) => [0, 200, 201].includes(s)), `statuses: ${[...new Set(statuses)].join(', ')}`);

  const counts = await settled(keyId);
  assert.equal(counts.audited, counts.admitted, 'every admitted request has its row');
  assert.ok(counts.admitted >= answered && counts.admitted <= 300, `admitted ${counts.admitted}, answered ${answered}`);
  // Each answered write is an employee; a write whose client left may or may not have been made.
  const [employees] = await queryRows<{ n: number }>(t.rt.db, sql`select count(*)::int as n from employees where tenant_id = ${tenant.id}`);
  const answeredWrites = statuses.filter((s) => s === 201).length;
  assert.ok(Number(employees.n) >= answeredWrites, `${employees.n} employees, ${answeredWrites} answered writes`);
});

test('SIGTERM with requests in flight: the node exits 0 and every request it admitted has its row', async () => {
  // A long flush interval: the rows reach the database through the shutdown, not the timer.
  const env: Record<string, string> = { ORGSTACK_SECRET: 'test-secret-test-secret-test-secret-0123', FLUSH_INTERVAL_MS: '5000' };
  const dataDir = onPostgres ? null : fs.mkdtempSync(path.join(os.tmpdir(), 'orgstack-sigterm-'));
  let key: string;
  if (dataDir) {
    env.DATA_DIR = dataDir; // a fresh embedded database: the first start prints the platform key
  } else {
    env.DATABASE_URL = t.testDb.url!;
    key = await t.platformKey();
  }
  const server = await spawnServer(env);
  try {
    key ??= /platform key\s+(orgstack_sk_plat_\S+)/.exec(server.output())![1];
    const serverPort = Number(new URL(server.url).port);
    // 20 clients keep requesting; SIGTERM arrives in the middle of it.
    let stopping = false;
    const statuses: number[] = [];
    const client = async () => {
      while (!stopping || statuses.length < 40) {
        const s = await request({ port: serverPort, method: 'GET', path: '/api/v1/tenants', key });
        statuses.push(s);
        if (s === 0 || s === 503) return; // the node has closed
      }
    };
    const clients = Array.from({ length: 20 }, client);
    await sleep(500);
    stopping = true;
    const code = await server.stop();
    await Promise.all(clients);
    assert.equal(code, 0, server.output());
    assert.doesNotMatch(server.output(), /flush failed|unhandled error/);

    const answered = statuses.filter((s) => s === 200).length;
    assert.ok(answered > 0, 'requests were answered before the stop');
    const database = dataDir ? await openDatabase({ kind: 'pglite', dataDir: path.join(dataDir, 'pglite') }) : t.testDb.database;
    try {
      const keyId = await keyIdOf(database.db, key).catch((err) => {
        throw new Error(`reading the node's database: ${err.cause ?? err}`);
      });
      const counts = await admittedAndAudited(database.db, keyId);
      assert.equal(counts.audited, counts.admitted, 'every admitted request has its row');
      assert.ok(counts.audited >= answered, `audited ${counts.audited} < answered ${answered}`);
    } finally {
      if (dataDir) await database.close();
    }
  } finally {
    if (server.child.exitCode === null && server.child.signalCode === null) await server.stop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
