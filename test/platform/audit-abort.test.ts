// A client that hangs up before its answer still leaves an audit row (status 499): the request
// was admitted and may have changed data, so the log must show it.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { eq } from 'drizzle-orm';
import { auditLog } from '../../src/platform/tables.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { hosts, localServer, type LocalServer } from '../helpers/local-servers.ts';

let t: TestApp;
let stalled: LocalServer;
before(async () => {
  t = await startTestApp();
  stalled = await localServer(() => {}); // accepts and never answers
});
after(async () => {
  await stalled.close();
  await t.close();
});

test('a request whose client disconnects first is audited with status 499 and its principal', async () => {
  const key = await t.platformKey();
  t.rt.outbound = { resolve: hosts({ 'slow.test': '127.0.0.1' }), allowPrivate: true, timeoutMs: 1500 };
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = t.app.server.address() as AddressInfo;

  const body = JSON.stringify({ name: 'Hang Up Cafe', vertical: 'fnb', xhsInput: '@hangup', websiteUrl: `http://slow.test:${stalled.port}/` });
  await new Promise<void>((resolve) => {
    const req = http.request({ port, host: '127.0.0.1', method: 'POST', path: '/api/v1/tenants', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' } });
    req.on('error', () => resolve());
    req.end(body);
    setTimeout(() => {
      req.destroy();
      resolve();
    }, 300);
  });

  let rows: (typeof auditLog.$inferSelect)[] = [];
  // Up to 20 s: the provisioning behind the hang-up still runs to its end (its 1.5 s fetch timeout) on a loaded machine.
  for (let i = 0; i < 200 && rows.length === 0; i++) {
    await new Promise((r) => setTimeout(r, 100));
    await t.rt.flush();
    rows = await t.rt.db.select().from(auditLog).where(eq(auditLog.route, '/api/v1/tenants'));
  }
  assert.equal(rows.length, 1, 'exactly one audit row');
  assert.equal(rows[0].status, 499);
  assert.equal(rows[0].method, 'POST');
  assert.equal(rows[0].principalKind, 'platform_key');
});
