// GET /api/client/artifacts (ours, so in our list envelope `{ ok, data, total, pagination }`):
// every artifact of the workspace newest first, with the filters a user looks for — owner,
// initiative (everything beneath it too), type, status, who registered it and when — paginated;
// bad filters are 400s naming the field; other workspaces' artifacts never show.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { and, eq, sql } from 'drizzle-orm';
import { artifacts } from '../../src/work/tables.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { assertWorkError } from '../helpers/assertions.ts';
import { MISSING_ID, workClient, type WorkClient } from '../helpers/work.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.close());

async function register(w: WorkClient, body: Record<string, unknown>) {
  const res = await w.call('POST', '/api/client/artifacts', { artifact_url: 'https://files.example.com/a', ...body });
  assert.equal(res.statusCode, 201, res.body);
  return res.json().artifact;
}

async function setup() {
  const { tenant, key, keyId } = await t.tenantWithKey();
  const w = workClient(t, key);
  const launch = await w.create('initiatives', { title: 'Launch', status: 'active' });
  const web = await w.create('workstreams', { initiative_id: launch.id, name: 'Web' });
  const copy = await w.create('tasks', { workstream_id: web.id, title: 'Copy' });
  const other = await w.create('initiatives', { title: 'Other' });
  const decision = await w.create('decisions', { title: 'Headline?' });
  const owner = await t.createUser({ tenantId: tenant.id, role: 'owner' });
  const person = workClient(t, await t.userKey(owner.id));
  const a = {
    plan: await register(w, { entity_type: 'initiative', entity_id: launch.id, name: 'Plan', artifact_type: 'document', status: 'approved' }),
    draft: await register(w, { entity_type: 'task', entity_id: copy.id, name: 'Copy draft', artifact_type: 'document', created_by_type: 'agent' }),
    pr: await register(person, { entity_type: 'workstream', entity_id: web.id, name: 'Site PR', artifact_type: 'pull_request', status: 'in_review' }),
    brief: await register(w, { entity_type: 'initiative', entity_id: other.id, name: 'Brief', artifact_type: 'document' }),
    memo: await register(person, { entity_type: 'decision', entity_id: decision.id, name: 'Memo', artifact_type: 'memo' }),
  };
  return { tenantId: tenant.id, keyId, ownerId: owner.id, w, launch, web, copy, other, decision, a };
}

const names = (body: any) => body.data.map((x: any) => x.name);

describe('GET /api/client/artifacts', () => {
  test('every artifact of the workspace, newest first, in the list envelope; paginated', async () => {
    const { w } = await setup();
    await setup(); // another workspace's artifacts never show
    const all = await w.call('GET', '/api/client/artifacts');
    assert.equal(all.statusCode, 200, all.body);
    const body = all.json();
    assert.deepEqual(Object.keys(body), ['ok', 'data', 'total', 'pagination']);
    assert.deepEqual(names(body), ['Memo', 'Brief', 'Site PR', 'Copy draft', 'Plan']);
    assert.deepEqual([body.total, body.pagination], [5, { limit: 50, offset: 0, has_more: false }]);

    const page = (await w.call('GET', '/api/client/artifacts?limit=2&offset=2')).json();
    assert.deepEqual([names(page), page.total, page.pagination], [['Site PR', 'Copy draft'], 5, { limit: 2, offset: 2, has_more: true }]);
  });

  test('filters: owner, initiative (with everything beneath it), type, status, who, when', async () => {
    const { tenantId, keyId, ownerId, w, launch, copy, decision, a } = await setup();
    const list = async (q: string) => {
      const res = await w.call('GET', `/api/client/artifacts?${q}`);
      assert.equal(res.statusCode, 200, `${q}: ${res.body}`);
      assert.equal(res.json().warnings, undefined, q);
      return res.json();
    };
    assert.deepEqual(names(await list('entity_type=initiative')), ['Brief', 'Plan']);
    assert.deepEqual(names(await list('entity_type=task,decision')), ['Memo', 'Copy draft']);
    assert.deepEqual(names(await list(`entity_id=${copy.id}`)), ['Copy draft']);
    assert.deepEqual(names(await list(`entity_type=decision&entity_id=${decision.id}`)), ['Memo']);
    const inLaunch = await list(`initiative_id=${launch.id}`);
    assert.deepEqual([names(inLaunch), inLaunch.total], [['Site PR', 'Copy draft', 'Plan'], 3]);
    assert.deepEqual(names(await list('artifact_type=pull_request,memo')), ['Memo', 'Site PR']);
    assert.deepEqual(names(await list('status=approved,in_review')), ['Site PR', 'Plan']);
    assert.deepEqual(names(await list('created_by_type=human')), ['Memo', 'Site PR']);
    assert.deepEqual(names(await list(`created_by_id=${ownerId}`)), ['Memo', 'Site PR']);
    assert.deepEqual(names(await list(`created_by_id=${keyId}&entity_type=initiative`)), ['Brief', 'Plan']);
    assert.deepEqual(names(await list(`initiative_id=${launch.id}&status=draft&createdByType=agent`)), ['Copy draft'], 'query aliases too');

    // When: move two artifacts back in time.
    await t.rt.db.execute(sql`update ${artifacts} set created_at = '2026-01-10T12:00:00Z' where tenant_id = ${tenantId} and id in (${a.plan.id}, ${a.draft.id})`);
    assert.deepEqual(names(await list('created_since=2026-01-10T12:00:00Z&created_before=2026-01-11T00:00:00%2B01:00')), ['Copy draft', 'Plan']);
    assert.deepEqual(names(await list('created_before=2026-01-10T12:00:00Z')), []);
    const recent = await list('created_since=2026-02-01T00:00:00Z');
    assert.deepEqual([names(recent), recent.total], [['Memo', 'Brief', 'Site PR'], 3]);
    const [row] = await t.rt.db.select().from(artifacts).where(and(eq(artifacts.tenantId, tenantId), eq(artifacts.id, a.plan.id)));
    assert.equal(row.createdAt.toISOString(), '2026-01-10T12:00:00.000Z');
  });

  test('filters naming nothing here give an empty list; malformed filters are 400s naming the field', async () => {
    const { w } = await setup();
    const theirs = await setup();
    for (const q of [`entity_id=${MISSING_ID}`, 'entity_id=nope', `initiative_id=${theirs.launch.id}`, 'initiative_id=x', 'created_by_id=nobody', 'artifact_type=video']) {
      const body = (await w.call('GET', `/api/client/artifacts?${q}`)).json();
      assert.deepEqual([body.data, body.total], [[], 0], q);
    }
    for (const [q, field] of [
      ['entity_type=project', 'entity_type'],
      ['status=done', 'status'],
      ['created_by_type=robot', 'created_by_type'],
      ['created_since=yesterday', 'created_since'],
      ['created_before=2026-13-01T00:00:00Z', 'created_before'],
      ['limit=0', 'limit'],
      ['offset=-1', 'offset'],
    ]) {
      const bad = assertWorkError(await w.call('GET', `/api/client/artifacts?${q}`), 400, 'validation_failed');
      assert.deepEqual(Object.keys(bad.error.details.fields), [field], q);
    }
  });

  test('needs initiatives:read (403); a platform key names the workspace', async () => {
    const { tenantId } = await setup();
    const { key } = await t.tenantWithKey({ permissions: ['decisions:read'] });
    assertWorkError(await workClient(t, key).call('GET', '/api/client/artifacts'), 403, 'forbidden');
    const platform = workClient(t, await t.platformKey());
    assertWorkError(await platform.call('GET', '/api/client/artifacts'), 400, 'workspace_required');
    assert.equal((await platform.call('GET', `/api/client/artifacts?workspace_id=${tenantId}`)).json().total, 5);
  });
});
