// The conventions of /api/client (docs/work-api-contract.md §1–§2) through HTTP: who may call and in which
// workspace, the two error shapes, pagination, OrgX-Version, Idempotency-Key, extra fields.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { and, count, eq } from 'drizzle-orm';
import { users } from '../../src/platform/tables.ts';
import { initiatives } from '../../src/work/tables.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { assertWorkError } from '../helpers/assertions.ts';
import { callAs, signIn } from '../helpers/sessions.ts';
import { INITIATIVE_KEYS, MISSING_ID, workClient } from '../helpers/work.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp({ AUTH_FAILURES_PER_MINUTE: '10000' });
});
after(() => t.close());

const initiativeCount = async (tenantId: string) =>
  (await t.rt.db.select({ n: count() }).from(initiatives).where(eq(initiatives.tenantId, tenantId)))[0].n;

describe('auth on /api/client', () => {
  test('a tenant key with default permissions reads and writes its own workspace', async () => {
    const { tenant, key } = await t.tenantWithKey();
    const w = workClient(t, key);
    const created = await w.create('initiatives', { title: 'Q1 plan' });
    assert.deepEqual(Object.keys(created).sort(), INITIATIVE_KEYS);
    const list = await w.ok('GET', '/api/client/initiatives');
    assert.deepEqual(list.map((i: any) => i.id), [created.id]);
    assert.equal(await initiativeCount(tenant.id), 1);
  });

  test("a user key (oxk_) acts in its user's workspace with its role: owner writes, member only reads", async () => {
    const { tenant } = await t.tenantWithKey();
    const owner = await t.createUser({ tenantId: tenant.id, role: 'owner' });
    const member = await t.createUser({ tenantId: tenant.id, role: 'member' });
    const ownerKey = await t.userKey(owner.id);
    assert.match(ownerKey, /^oxk_/);
    const created = await workClient(t, ownerKey).create('initiatives', { title: 'Owned' });

    const m = workClient(t, await t.userKey(member.id));
    assert.equal((await m.get('initiatives', created.id)).title, 'Owned');
    const denied = await m.call('POST', '/api/client/initiatives', { title: 'Nope' });
    assertWorkError(denied, 403, 'forbidden');
    assert.match(denied.json().error.message, /initiatives:write/);
    assert.equal(await initiativeCount(tenant.id), 1);
  });

  test('a user key of a demoted user loses the writes; of a deleted user it is a 401', async () => {
    const { tenant } = await t.tenantWithKey();
    const admin = await t.createUser({ tenantId: tenant.id, role: 'admin' });
    const demotedKey = await t.userKey(admin.id);
    await t.rt.db.update(users).set({ role: 'member' }).where(eq(users.id, admin.id));
    assertWorkError(await workClient(t, demotedKey).call('POST', '/api/client/initiatives', { title: 'x' }), 403, 'forbidden');

    const gone = await t.createUser({ tenantId: tenant.id, role: 'owner' });
    const goneKey = await t.userKey(gone.id);
    await t.rt.db.delete(users).where(eq(users.id, gone.id));
    const res = await workClient(t, goneKey).call('GET', '/api/client/initiatives');
    assert.equal(res.statusCode, 401);
    assert.deepEqual(Object.keys(res.json()), ['error', 'message']);
    assert.equal(await initiativeCount(tenant.id), 0);
  });

  test('a dashboard session works like its user (cookie, CSRF token on writes)', async () => {
    const { tenant } = await t.tenantWithKey();
    const owner = await t.createUser({ tenantId: tenant.id, role: 'owner' });
    const browser = await signIn(t, owner.username);
    const created = await callAs(t, 'POST', '/api/client/initiatives', { browser, body: { title: 'From the dashboard' } });
    assert.equal(created.statusCode, 201, created.body);
    const list = await callAs(t, 'GET', '/api/client/initiatives', { browser });
    assert.equal(list.statusCode, 200);
    assert.deepEqual(list.json().data.map((i: any) => i.title), ['From the dashboard']);
  });

  test('a platform key names the workspace with workspace_id (query, or body on POST); without it → 400 workspace_required', async () => {
    const { tenant, key } = await t.tenantWithKey();
    const platform = workClient(t, await t.platformKey());

    const missing = await platform.call('GET', '/api/client/initiatives');
    const body = assertWorkError(missing, 400, 'workspace_required');
    assert.deepEqual(Object.keys(body.error.details.fields), ['workspace_id']);
    assertWorkError(await platform.call('POST', '/api/client/initiatives', { title: 'Where?' }), 400, 'workspace_required');
    assertWorkError(await platform.call('GET', '/api/client/live/initiatives'), 400, 'workspace_required');
    assert.equal(await initiativeCount(tenant.id), 0);

    const byBody = await platform.ok('POST', '/api/client/initiatives', { title: 'Via body', workspace_id: tenant.id }, 201);
    const byQuery = await platform.ok('POST', `/api/client/initiatives?workspace_id=${tenant.id}`, { title: 'Via query' }, 201);
    const listed = await platform.ok('GET', `/api/client/initiatives?workspace_id=${tenant.id.toUpperCase()}`);
    assert.deepEqual(listed.map((i: any) => i.id).sort(), [byBody.id, byQuery.id].sort());
    // The tenant's own key sees them: they are in that workspace.
    assert.equal((await workClient(t, key).ok('GET', '/api/client/initiatives')).length, 2);

    assertWorkError(await platform.call('GET', `/api/client/initiatives?workspace_id=${MISSING_ID}`), 404, 'not_found');
    assertWorkError(await platform.call('GET', '/api/client/initiatives?workspace_id=not-a-uuid'), 404, 'not_found');
    assertWorkError(await platform.call('POST', '/api/client/initiatives', { title: 'x', workspace_id: MISSING_ID }), 404, 'not_found');
    assert.equal(await initiativeCount(tenant.id), 2);
  });

  test("a superadmin's session also needs workspace_id", async () => {
    const admin = await t.createUser({ tenantId: null, role: 'superadmin' });
    const browser = await signIn(t, admin.username);
    assertWorkError(await callAs(t, 'GET', '/api/client/initiatives', { browser }), 400, 'workspace_required');
    const { tenant } = await t.tenantWithKey();
    const res = await callAs(t, 'GET', `/api/client/initiatives?workspace_id=${tenant.id}`, { browser });
    assert.equal(res.statusCode, 200, res.body);
  });

  test("a tenant key naming another workspace gets a 404, and never that workspace's data", async () => {
    const mine = await t.tenantWithKey();
    const theirs = await t.tenantWithKey();
    const theirInitiative = await workClient(t, theirs.key).create('initiatives', { title: 'Theirs' });
    const w = workClient(t, mine.key);
    assertWorkError(await w.call('GET', `/api/client/initiatives?workspace_id=${theirs.tenant.id}`), 404, 'not_found');
    assertWorkError(await w.call('POST', '/api/client/initiatives', { title: 'Sneaky', workspace_id: theirs.tenant.id }), 404, 'not_found');
    assertWorkError(await w.call('GET', `/api/client/initiatives/${theirInitiative.id}`), 404, 'not_found');
    // Naming its own workspace is fine.
    assert.deepEqual(await w.ok('GET', `/api/client/initiatives?workspace_id=${mine.tenant.id}`), []);
    assert.equal(await initiativeCount(theirs.tenant.id), 1);
    assert.equal(await initiativeCount(mine.tenant.id), 0);
  });
});

describe('error shapes', () => {
  test('401 keeps the simple OrgX body (no key, a wrong key), with x-request-id', async () => {
    for (const key of [undefined, 'orgstack_sk_tnt_not-a-real-key', 'oxk_nope']) {
      const res = await t.call('GET', '/api/client/initiatives', key ? { key } : {});
      assert.equal(res.statusCode, 401, res.body);
      const body = res.json();
      assert.deepEqual(Object.keys(body), ['error', 'message']);
      assert.equal(body.error, 'Unauthorized');
      assert.match(body.message, /^Valid API key required\. /);
      assert.match(String(res.headers['x-request-id']), /^req_/);
    }
  });

  test('every other error is structured with request_id: 404, 400 with details.fields, 409, unknown route', async () => {
    const { key } = await t.tenantWithKey();
    const w = workClient(t, key);
    const missing = assertWorkError(await w.call('GET', `/api/client/initiatives/${MISSING_ID}`), 404, 'not_found');
    assert.equal(missing.error.details, undefined);
    assertWorkError(await w.call('GET', '/api/client/initiatives/not-a-uuid'), 404, 'not_found');

    const invalid = assertWorkError(await w.call('POST', '/api/client/initiatives', { title: '', priority: 'urgent' }), 400, 'validation_failed');
    assert.deepEqual(Object.keys(invalid.error.details.fields).sort(), ['priority', 'title']);

    const created = await w.create('initiatives', { title: 'Done soon' });
    assertWorkError(await w.call('POST', `/api/client/initiatives/${created.id}/actions/pause`), 409, 'conflict');
    assertWorkError(await w.call('GET', '/api/client/nothing-here'), 404, 'not_found');
    assertWorkError(await w.call('POST', '/api/client/initiatives', 'not json', { 'content-type': 'application/json' }), 400, 'validation_failed');
  });
});

describe('pagination', () => {
  test('default 50, total and pagination.has_more; the next page is offset + limit', async () => {
    const { key } = await t.tenantWithKey();
    const w = workClient(t, key);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await w.create('initiatives', { title: `I${i}` })).id);

    const all = (await w.call('GET', '/api/client/initiatives')).json();
    assert.deepEqual(Object.keys(all), ['ok', 'data', 'total', 'pagination']);
    assert.equal(all.total, 3);
    assert.deepEqual(all.pagination, { limit: 50, offset: 0, has_more: false });
    assert.deepEqual(all.data.map((i: any) => i.id), [...ids].reverse(), 'newest first');

    const first = (await w.call('GET', '/api/client/initiatives?limit=2')).json();
    assert.deepEqual(first.pagination, { limit: 2, offset: 0, has_more: true });
    assert.equal(first.total, 3);
    const second = (await w.call('GET', '/api/client/initiatives?limit=2&offset=2')).json();
    assert.deepEqual(second.pagination, { limit: 2, offset: 2, has_more: false });
    assert.deepEqual([...first.data, ...second.data].map((i: any) => i.id), [...ids].reverse());

    const live = (await w.call('GET', '/api/client/live/initiatives?limit=200&offset=1')).json();
    assert.deepEqual(live.pagination, { limit: 200, offset: 1, has_more: false });
  });

  test('limit=0, limit=10000, limit=201, offset=-1, limit=abc → 400 naming the field', async () => {
    const { key } = await t.tenantWithKey();
    const w = workClient(t, key);
    for (const path of ['/api/client/initiatives', '/api/client/live/initiatives', '/api/client/tasks']) {
      for (const [query, field] of [
        ['limit=0', 'limit'],
        ['limit=10000', 'limit'],
        ['limit=201', 'limit'],
        ['offset=-1', 'offset'],
        ['limit=abc', 'limit'],
      ]) {
        const body = assertWorkError(await w.call('GET', `${path}?${query}`), 400, 'validation_failed');
        assert.deepEqual(Object.keys(body.error.details.fields), [field], `${path}?${query}`);
      }
    }
  });
});

describe('OrgX-Version', () => {
  test('echoed when sent (a date as is, garbage reduced to safe characters and ignored), absent when not', async () => {
    const { key } = await t.tenantWithKey();
    const w = workClient(t, key);
    const dated = await w.call('GET', '/api/client/initiatives', undefined, { 'orgx-version': '2025-01-15' });
    assert.equal(dated.statusCode, 200);
    assert.equal(dated.headers['orgx-version'], '2025-01-15');

    const garbage = await w.call('GET', '/api/client/initiatives', undefined, { 'orgx-version': '<script>alert("x")</script>; drop' });
    assert.equal(garbage.statusCode, 200, 'a garbage version changes nothing');
    assert.equal(garbage.headers['orgx-version'], 'scriptalertxscriptdrop');

    const long = await w.call('GET', '/api/client/initiatives', undefined, { 'orgx-version': 'v'.repeat(500) });
    assert.equal(long.headers['orgx-version'], 'v'.repeat(64));

    const none = await w.call('GET', '/api/client/initiatives');
    assert.equal(none.headers['orgx-version'], undefined);

    // Errors echo it too, including the 401.
    const unauthorized = await t.call('GET', '/api/client/initiatives', { headers: { 'orgx-version': '2025-01-15' } });
    assert.equal(unauthorized.statusCode, 401);
    assert.equal(unauthorized.headers['orgx-version'], '2025-01-15');
    // The Reviews API does not.
    const reviews = await t.call('GET', '/api/v1/tenants', { key, headers: { 'orgx-version': '2025-01-15' } });
    assert.equal(reviews.headers['orgx-version'], undefined);
  });
});

describe('Idempotency-Key on POST', () => {
  test('a replayed create returns the first 201 and creates nothing more; another body → 422', async () => {
    const { tenant, key } = await t.tenantWithKey();
    const w = workClient(t, key);
    const headers = { 'idempotency-key': 'create-q1-plan' };
    const first = await w.call('POST', '/api/client/initiatives', { title: 'Q1 plan' }, headers);
    assert.equal(first.statusCode, 201, first.body);
    const again = await w.call('POST', '/api/client/initiatives', { title: 'Q1 plan' }, headers);
    assert.equal(again.statusCode, 201);
    assert.equal(again.headers['idempotent-replayed'], 'true');
    assert.deepEqual(again.json(), first.json());
    assert.equal(await initiativeCount(tenant.id), 1);

    assertWorkError(await w.call('POST', '/api/client/initiatives', { title: 'Other' }, headers), 422, 'idempotency_mismatch');
    assert.equal(await initiativeCount(tenant.id), 1);
  });

  test('a replayed error names the new request id', async () => {
    const { key } = await t.tenantWithKey();
    const w = workClient(t, key);
    const headers = { 'idempotency-key': 'bad-task' };
    const first = assertWorkError(await w.call('POST', '/api/client/tasks', { title: 'T', workstream_id: MISSING_ID }, headers), 404, 'not_found');
    const again = await w.call('POST', '/api/client/tasks', { title: 'T', workstream_id: MISSING_ID }, headers);
    assert.equal(again.headers['idempotent-replayed'], 'true');
    const replayed = assertWorkError(again, 404, 'not_found');
    assert.notEqual(replayed.error.request_id, first.error.request_id);
  });
});

describe('requests', () => {
  test('unknown fields and query parameters are accepted (clients of the contract send extras) and named in warnings', async () => {
    const { tenant, key } = await t.tenantWithKey();
    const w = workClient(t, key);
    const res = await w.call('POST', '/api/client/initiatives?command_center_id=x&foo=1', { title: 'Extras', command_center_id: 'x', metadata: { a: 1 } });
    assert.equal(res.statusCode, 201, res.body);
    const created = res.json().data;
    assert.equal(created.title, 'Extras');
    assert.deepEqual(res.json().warnings.map((w: any) => w.field), ['command_center_id', 'foo', 'command_center_id', 'metadata']);
    const list = (await w.call('GET', '/api/client/initiatives?project_id=1&foo=bar')).json();
    assert.equal(list.data.length, 1);
    assert.deepEqual(list.warnings.map((w: any) => w.field), ['project_id', 'foo']);
    const [row] = await t.rt.db.select().from(initiatives).where(and(eq(initiatives.tenantId, tenant.id), eq(initiatives.id, created.id)));
    assert.equal(row.title, 'Extras');
  });
});
