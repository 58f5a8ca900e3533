// /api/client/artifacts through HTTP (the OrgX contract shapes `{ ok, artifact }` and
// `{ ok, artifacts }`): owners of every kind, initiative_id from the hierarchy, URL rules
// (neither URL, a preview alone, javascript: → 400 and nothing stored), other workspaces 404,
// events, and deletion with the owner.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { eq } from 'drizzle-orm';
import { artifacts } from '../../src/work/tables.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { assertWorkError } from '../helpers/assertions.ts';
import { lastSeq, MISSING_ID, UUID_RE, workClient, workEvents, type WorkClient } from '../helpers/work.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.close());

const ARTIFACT_KEYS = [
  'artifact_type',
  'artifact_url',
  'created_at',
  'created_by_id',
  'created_by_type',
  'entity_id',
  'entity_type',
  'external_url',
  'id',
  'initiative_id',
  'metadata',
  'name',
  'preview_markdown',
  'status',
  'updated_at',
  'version',
];

/** A workspace with an initiative → workstream → milestone → task and a decision. */
async function setup() {
  const { tenant, key, keyId } = await t.tenantWithKey();
  const w = workClient(t, key);
  const initiative = await w.create('initiatives', { title: 'Spring launch', status: 'active' });
  const workstream = await w.create('workstreams', { initiative_id: initiative.id, name: 'Web' });
  const milestone = await w.create('milestones', { workstream_id: workstream.id, title: 'Page live' });
  const task = await w.create('tasks', { workstream_id: workstream.id, milestone_id: milestone.id, title: 'Copy' });
  const decision = await w.create('decisions', { title: 'Headline?', initiative_id: initiative.id });
  return { tenantId: tenant.id, keyId, w, initiative, workstream, milestone, task, decision };
}

async function register(w: WorkClient, body: Record<string, unknown>) {
  const res = await w.call('POST', '/api/client/artifacts', body);
  assert.equal(res.statusCode, 201, res.body);
  const json = res.json();
  // The contract's { ok, artifact }; an unknown field sent is named in the added `warnings`.
  if ('unknown_field' in body) assert.deepEqual(json.warnings, [{ field: 'unknown_field', message: 'Unknown field; ignored' }]);
  else assert.equal(json.warnings, undefined);
  assert.deepEqual(Object.keys(json).filter((k) => k !== 'warnings').sort(), ['artifact', 'ok']);
  assert.equal(json.ok, true);
  return json.artifact;
}

const fields = (body: any) => Object.keys(body.error.details.fields).sort();

describe('POST /api/client/artifacts', () => {
  test('201 { ok, artifact }: the exact shape and defaults; artifact.created with the artifact', async () => {
    const { tenantId, keyId, w, task, initiative } = await setup();
    const seq = await lastSeq(t);
    const a = await register(w, {
      entity_type: 'task',
      entity_id: task.id.toUpperCase(),
      name: ' Landing copy ',
      artifact_type: 'document',
      external_url: 'https://docs.example.com/copy',
      preview_markdown: '# Smile brighter',
      metadata: { words: 420 },
      unknown_field: 'ignored',
    });
    assert.deepEqual(Object.keys(a).sort(), ARTIFACT_KEYS);
    assert.match(a.id, UUID_RE);
    assert.deepEqual(a, {
      id: a.id,
      entity_type: 'task',
      entity_id: task.id,
      initiative_id: initiative.id,
      name: 'Landing copy',
      artifact_type: 'document',
      artifact_url: null,
      external_url: 'https://docs.example.com/copy',
      preview_markdown: '# Smile brighter',
      status: 'draft',
      version: 1,
      metadata: { words: 420 },
      created_by_type: 'agent',
      created_by_id: keyId,
      created_at: a.created_at,
      updated_at: a.created_at,
    });
    assert.deepEqual((await workEvents(t, tenantId, seq)).map((e) => [e.type, e.data.artifact]), [['artifact.created', a]]);
  });

  test('initiative_id follows the owner: initiative, workstream, milestone, task → its initiative; decision → null', async () => {
    const { w, initiative, workstream, milestone, task, decision } = await setup();
    const cases: [string, string, string | null][] = [
      ['initiative', initiative.id, initiative.id],
      ['workstream', workstream.id, initiative.id],
      ['milestone', milestone.id, initiative.id],
      ['task', task.id, initiative.id],
      ['decision', decision.id, null],
    ];
    for (const [type, id, expected] of cases) {
      const a = await register(w, { entity_type: type, entity_id: id, name: type, artifact_type: 'link', artifact_url: 'http://files.example.com/a' });
      assert.deepEqual([a.entity_type, a.entity_id, a.initiative_id], [type, id, expected], type);
    }
  });

  test('registered as approved (by a person): created_by_type human, artifact.created then artifact.shipped', async () => {
    const { tenantId, w, task } = await setup();
    const owner = await t.createUser({ tenantId, role: 'owner' });
    const person = workClient(t, await t.userKey(owner.id));
    const seq = await lastSeq(t);
    const a = await register(person, { entity_type: 'task', entity_id: task.id, name: 'Final', artifact_type: 'pdf', artifact_url: 'https://x.example.com/f.pdf', status: 'approved', version: 3 });
    assert.deepEqual([a.status, a.version, a.created_by_type, a.created_by_id], ['approved', 3, 'human', owner.id]);
    assert.deepEqual((await workEvents(t, tenantId, seq)).map((e) => [e.type, e.data.artifact.id]), [['artifact.created', a.id], ['artifact.shipped', a.id]]);
    const b = await register(w, { entity_type: 'task', entity_id: task.id, name: 'Note', artifact_type: 'note', artifact_url: 'https://x.example.com/n', created_by_type: 'human' });
    assert.equal(b.created_by_type, 'human');
  });

  test('400 and nothing stored: neither URL, a preview alone, javascript:/data:/ftp: URLs, missing fields, bad enums', async () => {
    const { tenantId, w, task } = await setup();
    const base = { entity_type: 'task', entity_id: task.id, name: 'x', artifact_type: 'doc' };
    const seq = await lastSeq(t);
    assert.deepEqual(fields(assertWorkError(await w.call('POST', '/api/client/artifacts', base), 400, 'validation_failed')), ['artifact_url', 'external_url']);
    const preview = assertWorkError(await w.call('POST', '/api/client/artifacts', { ...base, preview_markdown: '# Only a preview' }), 400, 'validation_failed');
    assert.deepEqual(fields(preview), ['artifact_url', 'external_url']);
    assert.match(preview.error.details.fields.artifact_url[0], /preview alone/);
    assertWorkError(await w.call('POST', '/api/client/artifacts', { ...base, artifact_url: null, external_url: null, preview_markdown: 'x' }), 400, 'validation_failed');
    for (const bad of ['javascript:alert(1)', 'JavaScript:alert(document.cookie)', 'data:text/html,<script>alert(1)</script>', 'ftp://files.example.com/a', 'not a url', 'https://']) {
      const res = assertWorkError(await w.call('POST', '/api/client/artifacts', { ...base, external_url: bad }), 400, 'validation_failed');
      assert.deepEqual(fields(res), ['external_url'], bad);
      assert.deepEqual(fields(assertWorkError(await w.call('POST', '/api/client/artifacts', { ...base, artifact_url: bad }), 400, 'validation_failed')), ['artifact_url'], bad);
    }
    // One good URL does not excuse a bad other one.
    assert.deepEqual(fields(assertWorkError(await w.call('POST', '/api/client/artifacts', { ...base, artifact_url: 'https://ok.example.com', external_url: 'javascript:void(0)' }), 400, 'validation_failed')), ['external_url']);
    assert.deepEqual(
      fields(assertWorkError(await w.call('POST', '/api/client/artifacts', { entity_type: 'project', external_url: 'https://a.example.com', status: 'shipped' }), 400, 'validation_failed')),
      ['artifact_type', 'entity_id', 'entity_type', 'name', 'status'],
    );
    assert.deepEqual(await t.rt.db.select().from(artifacts).where(eq(artifacts.tenantId, tenantId)), []);
    assert.deepEqual(await workEvents(t, tenantId, seq), []);
  });

  test("404 naming entity_id: another workspace's owner, a missing or malformed id, a type that does not match the id", async () => {
    const { tenantId, w, task } = await setup();
    const other = await setup();
    const url = 'https://a.example.com/x';
    for (const [type, id] of [
      ['task', other.task.id],
      ['initiative', other.initiative.id],
      ['decision', other.decision.id],
      ['task', MISSING_ID],
      ['milestone', 'garbage'],
      ['workstream', task.id],
    ]) {
      const body = assertWorkError(await w.call('POST', '/api/client/artifacts', { entity_type: type, entity_id: id, name: 'x', artifact_type: 'doc', artifact_url: url }), 404, 'not_found');
      assert.deepEqual(fields(body), ['entity_id'], `${type} ${id}`);
    }
    assert.deepEqual(await t.rt.db.select().from(artifacts).where(eq(artifacts.tenantId, tenantId)), []);
  });
});

describe('GET /api/client/artifacts/{id} and /by-entity', () => {
  test('{ ok, artifact } and { ok, artifacts } newest first with limit; other workspaces 404; deleting the owner deletes them', async () => {
    const { w, task, workstream, initiative } = await setup();
    const other = await setup();
    const made = [];
    for (const n of [1, 2, 3]) made.push(await register(w, { entity_type: 'task', entity_id: task.id, name: `v${n}`, artifact_type: 'doc', artifact_url: `https://a.example.com/${n}` }));
    const onWorkstream = await register(w, { entity_type: 'workstream', entity_id: workstream.id, name: 'plan', artifact_type: 'doc', artifact_url: 'https://a.example.com/p' });

    const got = await w.call('GET', `/api/client/artifacts/${made[0].id}`);
    assert.equal(got.statusCode, 200);
    assert.deepEqual(got.json(), { ok: true, artifact: made[0] });

    const list = await w.call('GET', `/api/client/artifacts/by-entity?entity_type=task&entity_id=${task.id}`);
    assert.equal(list.statusCode, 200);
    // The contract's { ok, artifacts }, with total and pagination added.
    assert.deepEqual(list.json(), { ok: true, artifacts: [made[2], made[1], made[0]], total: 3, pagination: { limit: 50, offset: 0, has_more: false } });
    const two = (await w.call('GET', `/api/client/artifacts/by-entity?entity_type=task&entity_id=${task.id}&limit=2`)).json();
    assert.deepEqual(two.artifacts.map((a: any) => a.name), ['v3', 'v2']);
    assert.deepEqual([two.total, two.pagination], [3, { limit: 2, offset: 0, has_more: true }]);
    const rest = (await w.call('GET', `/api/client/artifacts/by-entity?entity_type=task&entity_id=${task.id}&limit=2&offset=2`)).json();
    assert.deepEqual([rest.artifacts.map((a: any) => a.name), rest.total, rest.pagination], [['v1'], 3, { limit: 2, offset: 2, has_more: false }]);
    assert.deepEqual((await w.call('GET', `/api/client/artifacts/by-entity?entity_type=initiative&entity_id=${initiative.id}`)).json(), {
      ok: true,
      artifacts: [],
      total: 0,
      pagination: { limit: 50, offset: 0, has_more: false },
    });

    // Another workspace: its artifact and its entity are not found; neither is a missing one.
    assertWorkError(await other.w.call('GET', `/api/client/artifacts/${made[0].id}`), 404, 'not_found');
    assertWorkError(await w.call('GET', `/api/client/artifacts/${MISSING_ID}`), 404, 'not_found');
    assertWorkError(await other.w.call('GET', `/api/client/artifacts/by-entity?entity_type=task&entity_id=${task.id}`), 404, 'not_found');
    assertWorkError(await w.call('GET', '/api/client/artifacts/by-entity?entity_type=task&entity_id=nope'), 404, 'not_found');
    for (const q of ['entity_type=task', `entity_type=project&entity_id=${task.id}`, `entity_type=task&entity_id=${task.id}&limit=0`, `entity_type=task&entity_id=${task.id}&limit=10000`, `entity_type=task&entity_id=${task.id}&offset=-1`]) {
      assertWorkError(await w.call('GET', `/api/client/artifacts/by-entity?${q}`), 400, 'validation_failed');
    }
    assertWorkError(await w.call('GET', '/api/client/artifacts/not-a-uuid'), 404, 'not_found');

    // The owner goes, its artifacts go; the workstream's own artifact goes with the workstream.
    await w.ok('DELETE', `/api/client/tasks/${task.id}`);
    assertWorkError(await w.call('GET', `/api/client/artifacts/${made[0].id}`), 404, 'not_found');
    assert.equal((await w.call('GET', `/api/client/artifacts/${onWorkstream.id}`)).statusCode, 200);
    await w.ok('DELETE', `/api/client/workstreams/${workstream.id}`);
    assertWorkError(await w.call('GET', `/api/client/artifacts/${onWorkstream.id}`), 404, 'not_found');
  });

  test('a key without initiatives:read or initiatives:write → 403', async () => {
    const { key } = await t.tenantWithKey({ permissions: ['decisions:read', 'memory:read'] });
    const w = workClient(t, key);
    assertWorkError(await w.call('POST', '/api/client/artifacts', { entity_type: 'task', entity_id: MISSING_ID, name: 'x', artifact_type: 'd', artifact_url: 'https://a.example.com' }), 403, 'forbidden');
    assertWorkError(await w.call('GET', `/api/client/artifacts/${MISSING_ID}`), 403, 'forbidden');
    assertWorkError(await w.call('GET', `/api/client/artifacts/by-entity?entity_type=task&entity_id=${MISSING_ID}`), 403, 'forbidden');
  });
});
