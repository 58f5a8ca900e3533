// Every authenticated operation, read from agent.json (the same registry the routes feed), is
// refused with 403 to a key without its permission and to a tenant key on another tenant's
// path, and with 401 to no key. New routes are covered the moment they are registered.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { TENANT_PERMISSIONS } from '../../src/platform/permissions.ts';
import { assertError, errorMessage } from '../helpers/assertions.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';

interface Capability {
  id: string;
  method: string;
  path: string;
  permission: string | null;
}

let t: TestApp;
let capabilities: Capability[];
before(async () => {
  t = await startTestApp();
  capabilities = (await t.call('GET', '/.well-known/agent.json')).json().capabilities;
});
after(() => t.close());

const SOME_ID = '0193b5d2-7c1a-7a3e-9f4e-2b1c3d4e5f60';
const urlFor = (path: string, tenantId: string) => path.replace('{tenantId}', tenantId).replace(/\{\w+\}/g, SOME_ID);
const hasBody = (method: string) => method === 'POST' || method === 'PATCH';

test('the registry lists the operations this test relies on', () => {
  const ids = capabilities.map((c) => c.id);
  for (const id of ['getTenant', 'listTenants', 'createApiKey', 'listAudit']) assert.ok(ids.includes(id), id);
  assert.ok(capabilities.length >= 20, `only ${capabilities.length} operations`);
});

test('no key → 401 on every operation', async () => {
  for (const c of capabilities) {
    const res = await t.call(c.method as 'GET', urlFor(c.path, SOME_ID), hasBody(c.method) ? { body: {} } : {});
    assert.equal(res.statusCode, 401, `${c.method} ${c.path}`);
  }
});

test("a key without the operation's permission → 403 forbidden naming it", async () => {
  for (const c of capabilities.filter((c) => c.permission)) {
    // Everything a tenant key can hold except the permission under test.
    const others = TENANT_PERMISSIONS.filter((p) => p !== c.permission);
    const { tenant, key } = await t.tenantWithKey({ permissions: others });
    const res = await t.call(c.method as 'GET', urlFor(c.path, tenant.id), hasBody(c.method) ? { key, body: {} } : { key });
    const body = assertError(res, 403, 'forbidden');
    assert.match(errorMessage(body), new RegExp(c.permission!.replace(':', ':')), `${c.method} ${c.path}`);
  }
});

test("a tenant key with every permission on another tenant's path → 403", async () => {
  const mine = await t.tenantWithKey();
  const theirs = await t.createTenant();
  for (const c of capabilities.filter((c) => c.path.includes('{tenantId}'))) {
    const res = await t.call(c.method as 'GET', urlFor(c.path, theirs.id), hasBody(c.method) ? { key: mine.key, body: {} } : { key: mine.key });
    assertError(res, 403, 'forbidden');
  }
});
