// /api/client/initiatives and /api/client/live/initiatives through HTTP: exact shapes, the
// lifecycle table, PATCH, delete (what goes, what stays), events, workspace isolation.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { and, eq } from 'drizzle-orm';
import { uuidv7 } from '../../src/platform/ids.ts';
import { artifacts, decisions, initiatives, milestones, runs, tasks, workstreams } from '../../src/work/tables.ts';
import { INITIATIVE_ACTIONS, INITIATIVE_STATUSES } from '../../src/work/transitions.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { assertWorkError } from '../helpers/assertions.ts';
import { INITIATIVE_KEYS, lastSeq, MISSING_ID, UUID_RE, workClient, workEvents, type WorkClient } from '../helpers/work.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.close());

async function workspace() {
  const { tenant, key } = await t.tenantWithKey();
  return { tenantId: tenant.id, w: workClient(t, key) };
}

const setStatus = (tenantId: string, id: string, status: string) =>
  t.rt.db
    .update(initiatives)
    .set({ status })
    .where(and(eq(initiatives.tenantId, tenantId), eq(initiatives.id, id)));

describe('POST /api/client/initiatives', () => {
  test('201 { ok, data }: the exact shape, a draft by default; writes initiative.created', async () => {
    const { tenantId, w } = await workspace();
    const seq = await lastSeq(t);
    const res = await w.call('POST', '/api/client/initiatives', { title: '  Spring launch ', summary: 'Ads and emails', target_date: '2026-03-01' });
    assert.equal(res.statusCode, 201, res.body);
    const body = res.json();
    assert.deepEqual(Object.keys(body), ['ok', 'data']);
    const i = body.data;
    assert.deepEqual(Object.keys(i).sort(), INITIATIVE_KEYS);
    assert.match(i.id, UUID_RE);
    assert.deepEqual(i, {
      id: i.id,
      title: 'Spring launch',
      summary: 'Ads and emails',
      status: 'draft',
      priority: 'medium',
      progress: 0,
      target_date: '2026-03-01',
      tasks_total: 0,
      tasks_done: 0,
      completed_at: null,
      created_at: i.created_at,
      updated_at: i.created_at,
    });
    assert.ok(Math.abs(Date.parse(i.created_at) - Date.now()) < 60_000);
    const evts = await workEvents(t, tenantId, seq);
    assert.deepEqual(evts.map((e) => [e.type, e.data.initiative]), [['initiative.created', i]]);
  });

  test('status "active" launches it at once; priority and null fields as given', async () => {
    const { w } = await workspace();
    const i = await w.create('initiatives', { title: 'Now', status: 'active', priority: 'high', summary: null, target_date: null });
    assert.equal(i.status, 'active');
    assert.equal(i.priority, 'high');
    assert.equal(i.summary, null);
  });

  test('bad input → 400 naming each field, nothing created', async () => {
    const { tenantId, w } = await workspace();
    const res = await w.call('POST', '/api/client/initiatives', { title: 'x'.repeat(301), status: 'completed', target_date: '2026-13-45', priority: 1 });
    const body = assertWorkError(res, 400, 'validation_failed');
    assert.deepEqual(Object.keys(body.error.details.fields).sort(), ['priority', 'status', 'target_date', 'title']);
    assertWorkError(await w.call('POST', '/api/client/initiatives', {}), 400, 'validation_failed');
    assertWorkError(await w.call('POST', '/api/client/initiatives'), 400, 'validation_failed');
    assert.deepEqual(await t.rt.db.select().from(initiatives).where(eq(initiatives.tenantId, tenantId)), []);
  });
});

describe('GET /api/client/initiatives', () => {
  test('newest first, filtered by status (one or several), only this workspace', async () => {
    const { w } = await workspace();
    const other = await workspace();
    await other.w.create('initiatives', { title: 'Not mine' });
    const a = await w.create('initiatives', { title: 'A' });
    const b = await w.create('initiatives', { title: 'B', status: 'active' });
    const c = await w.create('initiatives', { title: 'C' });
    assert.deepEqual((await w.ok('GET', '/api/client/initiatives')).map((i: any) => i.id), [c.id, b.id, a.id]);
    assert.deepEqual((await w.ok('GET', '/api/client/initiatives?status=active')).map((i: any) => i.id), [b.id]);
    assert.deepEqual((await w.ok('GET', '/api/client/initiatives?status=draft,active')).map((i: any) => i.id), [c.id, b.id, a.id]);
    const bad = assertWorkError(await w.call('GET', '/api/client/initiatives?status=draft,bogus'), 400, 'validation_failed');
    assert.deepEqual(Object.keys(bad.error.details.fields), ['status']);
  });

  test('GET one: the same shape; another workspace’s or an unknown id → 404', async () => {
    const { w } = await workspace();
    const other = await workspace();
    const mine = await w.create('initiatives', { title: 'Mine' });
    const theirs = await other.w.create('initiatives', { title: 'Theirs' });
    assert.deepEqual(await w.get('initiatives', mine.id), mine);
    assert.deepEqual(await w.get('initiatives', mine.id.toUpperCase()), mine);
    for (const id of [theirs.id, MISSING_ID, 'nope']) assertWorkError(await w.call('GET', `/api/client/initiatives/${id}`), 404, 'not_found');
  });
});

describe('PATCH /api/client/initiatives/{id}', () => {
  test('edits fields (null clears), writes initiative.updated naming them; no change → no event', async () => {
    const { tenantId, w } = await workspace();
    const i = await w.create('initiatives', { title: 'Old', summary: 'S', target_date: '2026-01-01' });
    const seq = await lastSeq(t);
    const updated = await w.ok('PATCH', `/api/client/initiatives/${i.id}`, { title: 'New', summary: null, priority: 'low' });
    assert.deepEqual(updated, { ...i, title: 'New', summary: null, priority: 'low', updated_at: updated.updated_at });
    assert.ok(updated.updated_at >= i.updated_at);
    const evts = await workEvents(t, tenantId, seq);
    assert.deepEqual(evts.map((e) => [e.type, e.data.changed]), [['initiative.updated', ['priority', 'summary', 'title']]]);
    assert.deepEqual(evts[0].data.initiative, updated);

    const seq2 = await lastSeq(t);
    assert.deepEqual(await w.ok('PATCH', `/api/client/initiatives/${i.id}`, { title: 'New' }), updated);
    assert.deepEqual(await workEvents(t, tenantId, seq2), []);
  });

  test('status performs the action leading there; none leads there → 409, nothing changed', async () => {
    const { tenantId, w } = await workspace();
    const i = await w.create('initiatives', { title: 'I' });
    assertWorkError(await w.call('PATCH', `/api/client/initiatives/${i.id}`, { status: 'paused', title: 'Changed' }), 409, 'conflict');
    assert.equal((await w.get('initiatives', i.id)).title, 'I');
    assert.equal((await w.ok('PATCH', `/api/client/initiatives/${i.id}`, { status: 'active' })).status, 'active');
    assert.equal((await w.ok('PATCH', `/api/client/initiatives/${i.id}`, { status: 'at_risk' })).status, 'at_risk');
    assert.equal((await w.ok('PATCH', `/api/client/initiatives/${i.id}`, { status: 'blocked' })).status, 'blocked');
    assert.equal((await w.ok('PATCH', `/api/client/initiatives/${i.id}`, { status: 'active' })).status, 'active');
    const done = await w.ok('PATCH', `/api/client/initiatives/${i.id}`, { status: 'completed' });
    assert.equal(done.status, 'completed');
    assert.ok(done.completed_at);
    assertWorkError(await w.call('PATCH', `/api/client/initiatives/${i.id}`, { status: 'draft' }), 409, 'conflict');
    const [row] = await t.rt.db.select().from(initiatives).where(and(eq(initiatives.tenantId, tenantId), eq(initiatives.id, i.id)));
    assert.equal(row.status, 'completed');
  });

  test('another workspace’s initiative → 404, untouched', async () => {
    const { w } = await workspace();
    const other = await workspace();
    const theirs = await other.w.create('initiatives', { title: 'Theirs' });
    assertWorkError(await w.call('PATCH', `/api/client/initiatives/${theirs.id}`, { title: 'Mine now' }), 404, 'not_found');
    assertWorkError(await w.call('POST', `/api/client/initiatives/${theirs.id}/actions/launch`), 404, 'not_found');
    assertWorkError(await w.call('DELETE', `/api/client/initiatives/${theirs.id}`), 404, 'not_found');
    assert.deepEqual(await other.w.get('initiatives', theirs.id), theirs);
  });
});

describe('POST /api/client/initiatives/{id}/actions/{action}', () => {
  test('the whole transition table: every action from every status (200 with the new status, else 409 and unchanged)', async () => {
    const { tenantId, w } = await workspace();
    const i = await w.create('initiatives', { title: 'Table' });
    for (const from of INITIATIVE_STATUSES) {
      for (const [action, rule] of Object.entries(INITIATIVE_ACTIONS)) {
        await setStatus(tenantId, i.id, from);
        const res = await w.call('POST', `/api/client/initiatives/${i.id}/actions/${action}`);
        if ((rule.from as readonly string[]).includes(from)) {
          assert.equal(res.statusCode, 200, `${action} from ${from}: ${res.body}`);
          assert.equal(res.json().data.status, rule.to, `${action} from ${from}`);
        } else {
          const body = assertWorkError(res, 409, 'conflict');
          assert.match(body.error.message, new RegExp(`that is ${from}`), `${action} from ${from}`);
          assert.equal((await w.get('initiatives', i.id)).status, from, `${action} from ${from} changed nothing`);
        }
      }
    }
  });

  test('the documented table: launch, pause, resume, complete, archive (and ours)', () => {
    assert.deepEqual(INITIATIVE_ACTIONS.launch, { from: ['draft'], to: 'active' });
    assert.deepEqual(INITIATIVE_ACTIONS.resume, { from: ['paused'], to: 'active' });
    assert.deepEqual([...INITIATIVE_ACTIONS.pause.from].sort(), ['active', 'at_risk', 'blocked']);
    assert.deepEqual([...INITIATIVE_ACTIONS.complete.from].sort(), ['active', 'at_risk', 'blocked', 'paused']);
    assert.deepEqual([...INITIATIVE_ACTIONS.archive.from].sort(), ['active', 'at_risk', 'blocked', 'cancelled', 'completed', 'draft', 'paused']);
  });

  test('each action writes initiative.updated with the action and reason; complete stamps completed_at', async () => {
    const { tenantId, w } = await workspace();
    const i = await w.create('initiatives', { title: 'Events' });
    const seq = await lastSeq(t);
    const launched = await w.ok('POST', `/api/client/initiatives/${i.id}/actions/launch`, { reason: 'Budget approved' });
    assert.equal(launched.status, 'active');
    assert.equal(launched.completed_at, null);
    const completed = await w.act('initiatives', i.id, 'complete');
    assert.ok(Math.abs(Date.parse(completed.completed_at) - Date.now()) < 60_000);
    const evts = await workEvents(t, tenantId, seq);
    assert.deepEqual(
      evts.map((e) => [e.type, e.data.changed, e.data.action, e.data.reason, e.data.initiative.status]),
      [
        ['initiative.updated', ['status'], 'launch', 'Budget approved', 'active'],
        ['initiative.updated', ['status'], 'complete', undefined, 'completed'],
      ],
    );
  });

  test('an unknown action or id → 404', async () => {
    const { w } = await workspace();
    const i = await w.create('initiatives', { title: 'I' });
    assertWorkError(await w.call('POST', `/api/client/initiatives/${i.id}/actions/explode`), 404, 'not_found');
    assertWorkError(await w.call('POST', `/api/client/initiatives/${MISSING_ID}/actions/launch`), 404, 'not_found');
  });
});

describe('DELETE /api/client/initiatives/{id}', () => {
  test('deletes everything beneath it; decisions stay with their links cleared; other initiatives untouched', async () => {
    const { tenantId, w } = await workspace();
    const keep = await w.create('initiatives', { title: 'Keep' });
    const keepWs = await w.create('workstreams', { initiative_id: keep.id, name: 'Keep WS' });
    const i = await w.create('initiatives', { title: 'Doomed', status: 'active' });
    const ws = await w.create('workstreams', { initiative_id: i.id, name: 'WS' });
    const m = await w.create('milestones', { workstream_id: ws.id, title: 'M' });
    const t1 = await w.create('tasks', { workstream_id: ws.id, milestone_id: m.id, title: 'T1' });
    const t2 = await w.create('tasks', { workstream_id: ws.id, title: 'T2', assigned_agent_ids: ['engineering-agent'] });
    await w.act('tasks', t1.id, 'start');
    await w.act('tasks', t1.id, 'complete'); // T2 starts; the engineering agent gets a queued run
    const [run] = await t.rt.db.select().from(runs).where(and(eq(runs.tenantId, tenantId), eq(runs.taskId, t2.id)));
    assert.ok(run);
    const decisionId = uuidv7();
    await t.rt.db.insert(decisions).values({
      tenantId,
      id: decisionId,
      title: 'Ship it?',
      requestedByType: 'agent',
      dueAt: new Date(Date.now() + 3600_000),
      initiativeId: i.id,
      taskId: t2.id,
      runId: run.id,
    });
    const artifactId = uuidv7();
    await t.rt.db.insert(artifacts).values({
      tenantId,
      id: artifactId,
      entityType: 'task',
      entityId: t1.id,
      name: 'Spec',
      artifactType: 'document',
      externalUrl: 'https://example.com/spec',
      createdByType: 'agent',
    });

    const seq = await lastSeq(t);
    const res = await w.call('DELETE', `/api/client/initiatives/${i.id}`);
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json(), { ok: true, data: { id: i.id, deleted: true } });

    const db = t.rt.db;
    assert.deepEqual(await db.select().from(initiatives).where(and(eq(initiatives.tenantId, tenantId), eq(initiatives.id, i.id))), []);
    assert.deepEqual(await db.select().from(workstreams).where(and(eq(workstreams.tenantId, tenantId), eq(workstreams.initiativeId, i.id))), []);
    assert.deepEqual(await db.select().from(milestones).where(and(eq(milestones.tenantId, tenantId), eq(milestones.initiativeId, i.id))), []);
    assert.deepEqual(await db.select().from(tasks).where(and(eq(tasks.tenantId, tenantId), eq(tasks.initiativeId, i.id))), []);
    assert.deepEqual(await db.select().from(runs).where(eq(runs.tenantId, tenantId)), []);
    assert.deepEqual(await db.select().from(artifacts).where(eq(artifacts.tenantId, tenantId)), []);
    const [decision] = await db.select().from(decisions).where(eq(decisions.id, decisionId));
    assert.deepEqual([decision.initiativeId, decision.taskId, decision.runId, decision.title], [null, null, null, 'Ship it?']);

    assert.deepEqual(await w.get('initiatives', keep.id), keep);
    assert.equal((await w.get('workstreams', keepWs.id)).name, 'Keep WS');
    const evts = await workEvents(t, tenantId, seq);
    assert.deepEqual(evts.map((e) => [e.type, e.data.initiative.id]), [['initiative.deleted', i.id]]);
    assertWorkError(await w.call('GET', `/api/client/initiatives/${i.id}`), 404, 'not_found');
    assertWorkError(await w.call('DELETE', `/api/client/initiatives/${i.id}`), 404, 'not_found');
  });
});

describe('deleting a tenant', () => {
  test('takes its whole workspace: hierarchy, agents, runs, decisions', async () => {
    const { tenant, key } = await t.tenantWithKey();
    const w = workClient(t, key);
    const i = await w.create('initiatives', { title: 'I', status: 'active' });
    const ws = await w.create('workstreams', { initiative_id: i.id, name: 'WS' });
    const m = await w.create('milestones', { workstream_id: ws.id, title: 'M' });
    const t1 = await w.create('tasks', { workstream_id: ws.id, milestone_id: m.id, title: 'T1' });
    await w.create('tasks', { workstream_id: ws.id, milestone_id: m.id, title: 'T2', depends_on: [t1.id], assigned_agent_ids: ['design-agent'] });
    await w.act('tasks', t1.id, 'complete');
    const [run] = await t.rt.db.select().from(runs).where(eq(runs.tenantId, tenant.id));
    await t.rt.db.insert(decisions).values({ tenantId: tenant.id, id: uuidv7(), title: 'D', requestedByType: 'agent', dueAt: new Date(), initiativeId: i.id, runId: run.id });

    const res = await t.call('DELETE', `/api/v1/tenants/${tenant.id}?confirm=${tenant.slug}`, { key: await t.platformKey() });
    assert.equal(res.statusCode, 204, res.body);
    for (const table of [initiatives, workstreams, milestones, tasks, runs, decisions]) {
      assert.deepEqual(await t.rt.db.select().from(table).where(eq(table.tenantId, tenant.id)), []);
    }
  });
});

describe('GET /api/client/live/initiatives', () => {
  async function seeded(): Promise<{ tenantId: string; w: WorkClient; ids: Record<string, string> }> {
    const { tenantId, w } = await workspace();
    const ids: Record<string, string> = {};
    for (const status of ['draft', 'active', 'completed', 'archived', 'cancelled', 'paused']) {
      ids[status] = (await w.create('initiatives', { title: `An ${status} one` })).id;
      await setStatus(tenantId, ids[status], status);
    }
    return { tenantId, w, ids };
  }

  test('{ initiatives, total, pagination }: the initiatives in play (not archived or cancelled), newest first', async () => {
    const { w, ids } = await seeded();
    await (await workspace()).w.create('initiatives', { title: 'Someone else’s' });
    const res = await w.call('GET', '/api/client/live/initiatives');
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json();
    assert.deepEqual(Object.keys(body), ['initiatives', 'total', 'pagination']);
    assert.deepEqual(body.initiatives.map((i: any) => i.id), [ids.paused, ids.completed, ids.active, ids.draft]);
    for (const i of body.initiatives) assert.deepEqual(Object.keys(i).sort(), INITIATIVE_KEYS);
    assert.equal(body.total, 4);
    assert.deepEqual(body.pagination, { limit: 50, offset: 0, has_more: false });
    assert.deepEqual(body.initiatives[2], await w.get('initiatives', ids.active));

    const page = (await w.call('GET', '/api/client/live/initiatives?limit=3&offset=1')).json();
    assert.deepEqual(page.initiatives.map((i: any) => i.id), [ids.completed, ids.active, ids.draft]);
    assert.deepEqual([page.total, page.pagination], [4, { limit: 3, offset: 1, has_more: false }]);
    const first = (await w.call('GET', '/api/client/live/initiatives?limit=1')).json();
    assert.deepEqual([first.total, first.pagination], [4, { limit: 1, offset: 0, has_more: true }]);
  });

  test('?id= gives that initiative whatever its status; another workspace’s or an unknown id gives none', async () => {
    const { w, ids } = await seeded();
    const other = await workspace();
    const theirs = await other.w.create('initiatives', { title: 'Theirs' });
    const one = (await w.call('GET', `/api/client/live/initiatives?id=${ids.archived}`)).json();
    assert.deepEqual(one.initiatives.map((i: any) => i.status), ['archived']);
    assert.equal(one.total, 1);
    for (const id of [theirs.id, MISSING_ID, 'junk']) {
      const none = (await w.call('GET', `/api/client/live/initiatives?id=${id}`)).json();
      assert.deepEqual([none.initiatives, none.total], [[], 0]);
    }
  });

  test('pages are kept briefly per node: a write through the API shows at once, a change made on another node within a second', async () => {
    const { tenantId, w } = await workspace();
    const live = async () => (await w.call('GET', '/api/client/live/initiatives')).json().initiatives as { id: string; title: string }[];
    const a = await w.create('initiatives', { title: 'First' });
    assert.deepEqual((await live()).map((i) => i.id), [a.id]);
    const b = await w.create('initiatives', { title: 'Second' });
    assert.deepEqual((await live()).map((i) => i.id), [b.id, a.id], 'a write through this node drops its cached pages');
    await w.ok('PATCH', `/api/client/initiatives/${a.id}`, { title: 'Renamed here' });
    assert.equal((await live())[1].title, 'Renamed here');
    // Another node's change, as this node sees it: in the database, with no write through this node.
    await t.rt.db.update(initiatives).set({ title: 'Renamed elsewhere' }).where(and(eq(initiatives.tenantId, tenantId), eq(initiatives.id, a.id)));
    const since = Date.now();
    while ((await live())[1].title !== 'Renamed elsewhere') {
      assert.ok(Date.now() - since < 2000, 'seen within the page lifetime (1 s)');
      await new Promise((r) => setTimeout(r, 50));
    }
  });

  test('needs initiatives:read (403 structured), and a key (401 simple)', async () => {
    const { key } = await t.tenantWithKey({ permissions: ['decisions:read'] });
    assertWorkError(await t.call('GET', '/api/client/live/initiatives', { key }), 403, 'forbidden');
    const res = await t.call('GET', '/api/client/live/initiatives');
    assert.equal(res.statusCode, 401);
    assert.equal(res.json().error, 'Unauthorized');
  });
});
