// TRUST_PROXY decides which address is the client's (audit rows, per-IP limits). Each documented
// form is checked through the audit row of a real request; cluster.test.ts does it through HAProxy.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { eq } from 'drizzle-orm';
import { auditLog } from '../../src/platform/tables.ts';
import { buildApp } from '../../src/app.ts';
import { startTestApp, testConfig, type TestApp } from '../helpers/app.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(async () => {
  await t?.close();
});

/** The ip the audit row records for one request from `peer` carrying `forwarded`, on a node configured with `trustProxy`. */
async function clientIp(trustProxy: string, peer: string, forwarded: string) {
  const { app, rt } = await buildApp(testConfig({ TRUST_PROXY: trustProxy }), t.testDb.database);
  try {
    const { tenant, key } = await t.tenantWithKey({ permissions: ['tenants:read'] });
    const res = await app.inject({
      method: 'GET',
      url: `/api/v1/tenants/${tenant.id}`,
      remoteAddress: peer,
      headers: { authorization: `Bearer ${key}`, 'x-forwarded-for': forwarded },
    });
    assert.equal(res.statusCode, 200, res.body);
    await rt.audit.flush();
    const [row] = await rt.db.select({ ip: auditLog.ip }).from(auditLog).where(eq(auditLog.requestId, String(res.headers['x-request-id'])));
    return row?.ip;
  } finally {
    await app.close();
  }
}

describe('TRUST_PROXY', () => {
  test('false (the default): the peer, whatever X-Forwarded-For says', async () => {
    assert.equal(await clientIp('false', '10.0.0.5', '203.0.113.9'), '10.0.0.5');
  });
  test('a hop count: that many proxies are believed, the nearest first', async () => {
    assert.equal(await clientIp('1', '10.0.0.5', '203.0.113.9, 198.51.100.4'), '198.51.100.4');
    assert.equal(await clientIp('2', '10.0.0.5', '203.0.113.9, 198.51.100.4'), '203.0.113.9');
  });
  test('addresses: only a listed proxy is believed', async () => {
    assert.equal(await clientIp('10.0.0.0/8', '10.0.0.5', '198.51.100.4'), '198.51.100.4');
    assert.equal(await clientIp('10.0.0.0/8', '192.0.2.1', '198.51.100.4'), '192.0.2.1');
  });
  test('true: every hop is believed, the first address wins', async () => {
    assert.equal(await clientIp('true', '10.0.0.5', '203.0.113.9, 198.51.100.4'), '203.0.113.9');
  });
});
