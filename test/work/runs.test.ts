// /api/client/runs through HTTP: dispatching an agent on a task (the task starts, the dispatch
// bucket counts it, 429 when full), activity, the run lifecycle table (409 for a forbidden
// action), completion with a quality score completing the task (and auto-continue), failure,
// cancellation, live/activity, and the events of each change; other workspaces' ids are 404.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { and, eq } from 'drizzle-orm';
import { uuidv7 } from '../../src/platform/ids.ts';
import { agents, runActivity, runs, tasks } from '../../src/work/tables.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { awayFromEdge, HOUR } from '../helpers/clock.ts';
import { assertWorkError } from '../helpers/assertions.ts';
import { lastSeq, MISSING_ID, UUID_RE, workClient, workEvents, type WorkClient } from '../helpers/work.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.close());

const RUN_KEYS = [
  'agent_id',
  'agent_name',
  'blockers',
  'completed_at',
  'created_at',
  'id',
  'initiative_id',
  'progress',
  'quality_score',
  'started_at',
  'status',
  'summary',
  'task_id',
];
const ACTIVITY_KEYS = ['created_at', 'id', 'initiative_id', 'level', 'message', 'next_step', 'phase', 'progress_pct', 'run_id'];

/** A workspace with an active initiative, one workstream and three tasks (t3, after t1, assigned the design agent). */
async function setup() {
  const { tenant, key, keyId } = await t.tenantWithKey();
  const w = workClient(t, key);
  const I = (await w.create('initiatives', { title: 'Launch', status: 'active' })).id;
  const W = (await w.create('workstreams', { initiative_id: I, name: 'Build' })).id;
  const t1 = (await w.create('tasks', { workstream_id: W, title: 'Write the copy' })).id;
  const t2 = (await w.create('tasks', { workstream_id: W, title: 'Pick the colours' })).id;
  // First in the queue (sequence 0) once t1 is done.
  const t3 = (await w.create('tasks', { workstream_id: W, title: 'Draw the hero', sequence: 0, depends_on: [t1], assigned_agent_ids: ['design-agent'] })).id;
  const agentId = async (name: string) =>
    (await t.rt.db.select().from(agents).where(and(eq(agents.tenantId, tenant.id), eq(agents.name, name))))[0].id;
  return { tenantId: tenant.id, keyId, w, I, W, t1, t2, t3, agentId };
}

const dispatch = (w: WorkClient, body: Record<string, unknown>) => w.ok('POST', '/api/client/runs', body, 201);
const act = (w: WorkClient, runId: string, action: string, body?: unknown) => w.ok('POST', `/api/client/runs/${runId}/actions/${action}`, body);
const eventTypes = async (tenantId: string, since: number) => (await workEvents(t, tenantId, since)).map((e) => e.type);

describe('POST /api/client/runs (dispatch)', () => {
  test('201: a running run of the agent on the task, exact shape; the task and its workstream start; run.created and agent.started', async () => {
    const { tenantId, keyId, w, I, W, t1, agentId } = await setup();
    const seq = await lastSeq(t);
    const run = await dispatch(w, { agent_id: 'engineering-agent', task_id: t1, summary: 'Draft three variants' });
    assert.deepEqual(Object.keys(run).sort(), RUN_KEYS);
    assert.match(run.id, UUID_RE);
    assert.deepEqual(run, {
      id: run.id,
      agent_id: await agentId('engineering-agent'),
      agent_name: 'engineering-agent',
      task_id: t1,
      initiative_id: I,
      status: 'running',
      progress: 0,
      blockers: [],
      summary: 'Draft three variants',
      quality_score: null,
      started_at: run.created_at,
      completed_at: null,
      created_at: run.created_at,
    });
    const task = await w.get('tasks', t1);
    assert.deepEqual([task.status, task.assigned_agent_ids], ['in_progress', [run.agent_id]]);
    assert.equal((await w.get('workstreams', W)).status, 'active');
    const events = await workEvents(t, tenantId, seq);
    assert.deepEqual(events.map((e) => e.type), ['task.updated', 'workstream.updated', 'task.updated', 'run.created', 'agent.started']);
    assert.deepEqual([events[0].data.cause, events[0].data.changed], ['dispatch', ['status']]);
    // The dispatched agent joins the assignees: the task as the second event shows it is the task now.
    assert.deepEqual([events[2].data.cause, events[2].data.changed, events[2].data.task], ['dispatch', ['assigned_agent_ids'], task]);
    assert.deepEqual(events[3].data.run, run);
    assert.equal(events[4].data.agent.name, 'engineering-agent');
    const [row] = await t.rt.db.select().from(runs).where(eq(runs.id, run.id));
    assert.deepEqual([row.origin, row.dispatchedByType, row.dispatchedById, row.modelTier], ['dispatch', 'key', keyId, 'standard']);
  });

  test('a second agent on an in-progress task joins its assignees (after the first); the same agent again is 409', async () => {
    const { tenantId, w, t1, agentId } = await setup();
    await dispatch(w, { agent_id: 'engineering-agent', task_id: t1 });
    const seq = await lastSeq(t);
    const second = await dispatch(w, { agent_id: 'product-agent', task_id: t1 });
    assert.equal(second.status, 'running');
    assert.deepEqual(await eventTypes(tenantId, seq), ['task.updated', 'run.created', 'agent.started']);
    assert.deepEqual((await w.get('tasks', t1)).assigned_agent_ids, [await agentId('engineering-agent'), second.agent_id]);
    assertWorkError(await w.call('POST', '/api/client/runs', { agent_id: 'ENGINEERING-AGENT', task_id: t1 }), 409, 'conflict');
  });

  test('an agent already assigned stays where it is in the list; no assignment event', async () => {
    const { tenantId, w, W, agentId } = await setup();
    const task = await w.create('tasks', { workstream_id: W, title: 'Pair work', assigned_agent_ids: ['design-agent', 'engineering-agent'] });
    const seq = await lastSeq(t);
    await dispatch(w, { agent_id: 'design-agent', task_id: task.id });
    assert.deepEqual((await w.get('tasks', task.id)).assigned_agent_ids, [await agentId('design-agent'), await agentId('engineering-agent')]);
    const events = await workEvents(t, tenantId, seq);
    assert.deepEqual(events.filter((e) => e.data.changed?.includes('assigned_agent_ids')), []);
  });

  test('409: a done task, a disabled agent, a task that cannot start yet; nothing is created', async () => {
    const { tenantId, w, t1, t2, t3 } = await setup();
    await w.act('tasks', t2, 'complete');
    assertWorkError(await w.call('POST', '/api/client/runs', { agent_id: 'sales-agent', task_id: t2 }), 409, 'conflict');
    await w.ok('PATCH', '/api/client/agents/sales-agent', { status: 'disabled' });
    assertWorkError(await w.call('POST', '/api/client/runs', { agent_id: 'sales-agent', task_id: t1 }), 409, 'conflict');
    // t3 waits for t1.
    assertWorkError(await w.call('POST', '/api/client/runs', { agent_id: 'design-agent', task_id: t3 }), 409, 'conflict');
    assert.equal((await w.get('tasks', t3)).status, 'todo');
    assert.deepEqual(await t.rt.db.select().from(runs).where(eq(runs.tenantId, tenantId)), []);
  });

  test('400 without agent or task; 404 naming the field for unknown ids or another workspace’s', async () => {
    const { w, t1 } = await setup();
    const other = await setup();
    const res = assertWorkError(await w.call('POST', '/api/client/runs', {}), 400, 'validation_failed');
    assert.deepEqual(Object.keys(res.error.details.fields).sort(), ['agent_id', 'task_id']);
    const cases: [Record<string, unknown>, string][] = [
      [{ agent_id: 'nobody-agent', task_id: t1 }, 'agent_id'],
      [{ agent_id: MISSING_ID, task_id: t1 }, 'agent_id'],
      [{ agent_id: 'engineering-agent', task_id: MISSING_ID }, 'task_id'],
      [{ agent_id: 'engineering-agent', task_id: 'not-an-id' }, 'task_id'],
      [{ agent_id: 'engineering-agent', task_id: other.t1 }, 'task_id'],
      [{ agent_id: await other.agentId('engineering-agent'), task_id: t1 }, 'agent_id'],
    ];
    for (const [body, field] of cases) {
      const r = assertWorkError(await w.call('POST', '/api/client/runs', body), 404, 'not_found');
      assert.deepEqual(Object.keys(r.error.details.fields), [field], JSON.stringify(body));
    }
    assert.equal((await w.get('tasks', t1)).status, 'todo');
  });

  test('the dispatch bucket: over WORK_DISPATCHES_PER_HOUR this hour → 429 rate_limited with Retry-After, nothing changes; auto-continue runs do not count', async () => {
    await awayFromEdge(HOUR, 10_000); // the bucket is the clock's hour
    const { tenantId, w, t1, agentId } = await setup();
    const sales = await agentId('sales-agent');
    const now = new Date();
    const max = t.rt.config.workDispatchesPerHour;
    await t.rt.db.insert(runs).values([
      ...Array.from({ length: max - 1 }, () => ({ tenantId, id: uuidv7(), agentId: sales, status: 'completed', origin: 'dispatch', createdAt: now })),
      { tenantId, id: uuidv7(), agentId: sales, status: 'completed', origin: 'auto_continue', createdAt: now },
    ]);
    await dispatch(w, { agent_id: 'engineering-agent', task_id: t1 }); // the last one this hour
    const seq = await lastSeq(t);
    const res = await w.call('POST', '/api/client/runs', { agent_id: 'product-agent', task_id: t1 });
    assertWorkError(res, 429, 'rate_limited');
    const retryAfter = Number(res.headers['retry-after']);
    assert.ok(retryAfter >= 1 && retryAfter <= 3600, String(retryAfter));
    assert.deepEqual(await eventTypes(tenantId, seq), []);
    assert.equal((await t.rt.db.select().from(runs).where(eq(runs.tenantId, tenantId))).length, max + 1);
  });
  test('Idempotency-Key: a replayed dispatch returns the first run and dispatches nothing more (the bucket counts one)', async () => {
    const { tenantId, w, t1 } = await setup();
    const headers = { 'idempotency-key': 'dispatch-copy-1' };
    const body = { agent_id: 'engineering-agent', task_id: t1 };
    const first = await w.call('POST', '/api/client/runs', body, headers);
    assert.equal(first.statusCode, 201, first.body);
    const seq = await lastSeq(t);
    const again = await w.call('POST', '/api/client/runs', body, headers);
    assert.equal(again.statusCode, 201);
    assert.equal(again.headers['idempotent-replayed'], 'true');
    assert.deepEqual(again.json(), first.json());
    assert.deepEqual(await eventTypes(tenantId, seq), []);
    assert.equal((await t.rt.db.select().from(runs).where(eq(runs.tenantId, tenantId))).length, 1);
    const spawn = await w.ok('POST', '/api/client/spawn', { domain: 'product' });
    assert.equal(spawn.checks.rateLimit.current, 1);
  });
});

describe('run lifecycle', () => {
  test('activity, block, unblock, complete with a score: progress, blockers, the task completes, auto-continue queues the next task’s run', async () => {
    const { tenantId, w, I, t1, t3 } = await setup();
    const run = await dispatch(w, { agent_id: 'engineering-agent', task_id: t1 });

    let seq = await lastSeq(t);
    const activity = await w.ok('POST', `/api/client/runs/${run.id}/activity`, { phase: 'execution', message: 'Drafted variant one', progress_pct: 40, next_step: 'Variant two' }, 201);
    assert.deepEqual(Object.keys(activity).sort(), ACTIVITY_KEYS);
    assert.deepEqual(activity, {
      id: activity.id,
      run_id: run.id,
      initiative_id: I,
      phase: 'execution',
      level: 'info',
      message: 'Drafted variant one',
      progress_pct: 40,
      next_step: 'Variant two',
      created_at: activity.created_at,
    });
    assert.equal((await w.ok('GET', `/api/client/runs/${run.id}`)).progress, 40);
    const evs = await workEvents(t, tenantId, seq);
    assert.deepEqual(evs.map((e) => [e.type, e.data.changed ?? null]), [['run.updated', ['progress']], ['run.activity', null]]);
    assert.deepEqual(evs[1].data.activity, activity);

    const blocked = await act(w, run.id, 'block', { blockers: ['Waiting for the brand guide'] });
    assert.deepEqual([blocked.status, blocked.blockers], ['blocked', ['Waiting for the brand guide']]);
    assertWorkError(await w.call('POST', `/api/client/runs/${run.id}/actions/block`), 409, 'conflict');
    const resumed = await act(w, run.id, 'unblock');
    assert.deepEqual([resumed.status, resumed.blockers], ['running', []]);

    seq = await lastSeq(t);
    const done = await act(w, run.id, 'complete', { summary: 'Three variants, reviewed', quality_score: 4 });
    assert.equal(done.status, 'completed');
    assert.equal(done.progress, 100);
    assert.equal(done.quality_score, 4);
    assert.equal(done.summary, 'Three variants, reviewed');
    assert.ok(done.completed_at);
    assert.equal((await w.get('tasks', t1)).status, 'done');
    assert.equal((await w.get('tasks', t3)).status, 'in_progress');
    const types = await eventTypes(tenantId, seq);
    assert.deepEqual(types.slice(0, 3), ['agent.completed', 'task.completed', 'task.updated']);
    assert.ok(types.includes('run.created'));
    const queued = await w.ok('GET', `/api/client/runs?task_id=${t3}`);
    assert.deepEqual(queued.map((r: any) => [r.agent_name, r.status]), [['design-agent', 'queued']]);

    // The queued run starts with its first activity.
    seq = await lastSeq(t);
    await w.ok('POST', `/api/client/runs/${queued[0].id}/activity`, { phase: 'intent', message: 'Starting' }, 201);
    assert.deepEqual(await eventTypes(tenantId, seq), ['agent.started', 'run.activity']);
    assert.equal((await w.ok('GET', `/api/client/runs/${queued[0].id}`)).status, 'running');

    // A finished run takes no more activity or actions.
    assertWorkError(await w.call('POST', `/api/client/runs/${run.id}/activity`, { phase: 'execution', message: 'late' }), 409, 'conflict');
    for (const action of ['start', 'block', 'unblock', 'complete', 'fail', 'cancel']) {
      assertWorkError(await w.call('POST', `/api/client/runs/${run.id}/actions/${action}`), 409, 'conflict');
    }
  });

  test('complete_task: false keeps the task open; a task with another open run stays open too', async () => {
    const { w, t1, t2 } = await setup();
    const a = await dispatch(w, { agent_id: 'engineering-agent', task_id: t1 });
    await act(w, a.id, 'complete', { complete_task: false });
    assert.equal((await w.get('tasks', t1)).status, 'in_progress');
    const b = await dispatch(w, { agent_id: 'engineering-agent', task_id: t2 });
    const c = await dispatch(w, { agent_id: 'product-agent', task_id: t2 });
    await act(w, b.id, 'complete');
    assert.equal((await w.get('tasks', t2)).status, 'in_progress');
    await act(w, c.id, 'complete');
    assert.equal((await w.get('tasks', t2)).status, 'done');
  });

  test('fail (agent.failed) and cancel (run.updated) leave the task as it is; start only from queued', async () => {
    const { tenantId, w, t1, t2 } = await setup();
    const a = await dispatch(w, { agent_id: 'engineering-agent', task_id: t1 });
    assertWorkError(await w.call('POST', `/api/client/runs/${a.id}/actions/start`), 409, 'conflict');
    assertWorkError(await w.call('POST', `/api/client/runs/${a.id}/actions/unblock`), 409, 'conflict');
    let seq = await lastSeq(t);
    const failed = await act(w, a.id, 'fail', { summary: 'The build server is down' });
    assert.deepEqual([failed.status, failed.summary, failed.quality_score, failed.progress], ['failed', 'The build server is down', null, 0]);
    assert.ok(failed.completed_at);
    assert.deepEqual(await eventTypes(tenantId, seq), ['agent.failed']);
    assert.equal((await w.get('tasks', t1)).status, 'in_progress');

    const b = await dispatch(w, { agent_id: 'engineering-agent', task_id: t2 });
    seq = await lastSeq(t);
    const cancelled = await act(w, b.id, 'cancel', { reason: 'Not needed' });
    assert.equal(cancelled.status, 'cancelled');
    const evs = await workEvents(t, tenantId, seq);
    assert.deepEqual(evs.map((e) => [e.type, e.data.changed, e.data.reason]), [['run.updated', ['status'], 'Not needed']]);
  });

  test('400: a score outside 1–5, a score on another action, a bad phase or an empty message', async () => {
    const { w, t1 } = await setup();
    const a = await dispatch(w, { agent_id: 'engineering-agent', task_id: t1 });
    for (const score of [0, 6, 2.5]) assertWorkError(await w.call('POST', `/api/client/runs/${a.id}/actions/complete`, { quality_score: score }), 400, 'validation_failed');
    assertWorkError(await w.call('POST', `/api/client/runs/${a.id}/actions/fail`, { quality_score: 3 }), 400, 'validation_failed');
    assertWorkError(await w.call('POST', `/api/client/runs/${a.id}/actions/explode`), 404, 'not_found');
    assertWorkError(await w.call('POST', `/api/client/runs/${a.id}/activity`, { phase: 'dreaming', message: 'x' }), 400, 'validation_failed');
    assertWorkError(await w.call('POST', `/api/client/runs/${a.id}/activity`, { phase: 'execution', message: ' ' }), 400, 'validation_failed');
    assertWorkError(await w.call('POST', `/api/client/runs/${a.id}/activity`, { phase: 'execution', message: 'x', progress_pct: 101 }), 400, 'validation_failed');
    assert.equal((await w.ok('GET', `/api/client/runs/${a.id}`)).status, 'running');
  });

  test('a blocked phase blocks the run with the message as a blocker', async () => {
    const { tenantId, w, t1 } = await setup();
    const a = await dispatch(w, { agent_id: 'engineering-agent', task_id: t1 });
    const seq = await lastSeq(t);
    await w.ok('POST', `/api/client/runs/${a.id}/activity`, { phase: 'blocked', level: 'warn', message: 'Need API credentials' }, 201);
    const run = await w.ok('GET', `/api/client/runs/${a.id}`);
    assert.deepEqual([run.status, run.blockers], ['blocked', ['Need API credentials']]);
    const evs = await workEvents(t, tenantId, seq);
    assert.deepEqual(evs.map((e) => [e.type, e.data.changed ?? null]), [['run.updated', ['status', 'blockers']], ['run.activity', null]]);
  });
});

describe('reading runs and activity', () => {
  test('list (newest first, filters), get; other workspaces’ runs are 404 and never listed', async () => {
    const { w, t1, t2 } = await setup();
    const other = await setup();
    const a = await dispatch(w, { agent_id: 'engineering-agent', task_id: t1 });
    const b = await dispatch(w, { agent_id: 'product-agent', task_id: t2 });
    await act(w, b.id, 'complete');
    const theirs = await dispatch(other.w, { agent_id: 'engineering-agent', task_id: other.t1 });

    const res = await w.call('GET', '/api/client/runs');
    const body = res.json();
    assert.deepEqual(Object.keys(body).sort(), ['data', 'ok', 'pagination', 'total']);
    assert.deepEqual(body.data.map((r: any) => r.id), [b.id, a.id]);
    assert.equal(body.total, 2);
    assert.deepEqual((await w.ok('GET', '/api/client/runs?agent_id=product-agent')).map((r: any) => r.id), [b.id]);
    assert.deepEqual((await w.ok('GET', '/api/client/runs?status=running')).map((r: any) => r.id), [a.id]);
    assert.deepEqual((await w.ok('GET', `/api/client/runs?task_id=${t1}`)).map((r: any) => r.id), [a.id]);
    assert.deepEqual(await w.ok('GET', '/api/client/runs?agent_id=nobody'), []);
    assert.deepEqual(await w.ok('GET', `/api/client/runs?task_id=${other.t1}`), []);
    assertWorkError(await w.call('GET', '/api/client/runs?status=sleeping'), 400, 'validation_failed');
    assert.deepEqual(await w.ok('GET', `/api/client/runs/${a.id}`), a);
    for (const path of [`/runs/${theirs.id}`, `/runs/${MISSING_ID}`, '/runs/nope']) assertWorkError(await w.call('GET', `/api/client${path}`), 404, 'not_found');
    assertWorkError(await w.call('POST', `/api/client/runs/${theirs.id}/actions/cancel`), 404, 'not_found');
    assertWorkError(await w.call('POST', `/api/client/runs/${theirs.id}/activity`, { phase: 'execution', message: 'x' }), 404, 'not_found');
    assert.equal((await other.w.ok('GET', `/api/client/runs/${theirs.id}`)).status, 'running');
  });

  test('GET live/activity: newest first, paginated, filtered by run, agent and initiative; only this workspace', async () => {
    const { tenantId, w, I, t1, t2 } = await setup();
    const other = await setup();
    const a = await dispatch(w, { agent_id: 'engineering-agent', task_id: t1 });
    const b = await dispatch(w, { agent_id: 'product-agent', task_id: t2 });
    const post = (run: string, message: string) => w.ok('POST', `/api/client/runs/${run}/activity`, { phase: 'execution', message }, 201);
    const x1 = await post(a.id, 'one');
    const x2 = await post(b.id, 'two');
    const x3 = await post(a.id, 'three');
    const theirs = await dispatch(other.w, { agent_id: 'engineering-agent', task_id: other.t1 });
    await other.w.ok('POST', `/api/client/runs/${theirs.id}/activity`, { phase: 'execution', message: 'theirs' }, 201);

    const res = await w.call('GET', '/api/client/live/activity?limit=2');
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json();
    assert.deepEqual(body, { ok: true, data: [x3, x2], total: 3, pagination: { limit: 2, offset: 0, has_more: true } });
    assert.deepEqual((await w.ok('GET', '/api/client/live/activity?offset=2')).map((x: any) => x.id), [x1.id]);
    assert.deepEqual((await w.ok('GET', `/api/client/live/activity?run_id=${a.id}`)).map((x: any) => x.message), ['three', 'one']);
    assert.deepEqual((await w.ok('GET', '/api/client/live/activity?agent_id=product-agent')).map((x: any) => x.message), ['two']);
    assert.equal((await w.ok('GET', `/api/client/live/activity?initiative_id=${I}`)).length, 3);
    assert.deepEqual(await w.ok('GET', `/api/client/live/activity?run_id=${theirs.id}`), []);
    assert.deepEqual(await w.ok('GET', `/api/client/live/activity?initiative_id=${other.I}`), []);
    assertWorkError(await w.call('GET', '/api/client/live/activity?limit=0'), 400, 'validation_failed');
    assert.equal((await t.rt.db.select().from(runActivity).where(eq(runActivity.tenantId, tenantId))).length, 3);
  });
});

describe('principals', () => {
  test('a person’s user key dispatches (recorded as the user); a member’s key cannot (403); a platform key names the workspace', async () => {
    const { tenantId, w, t1, t2 } = await setup();
    const owner = await t.createUser({ tenantId, role: 'owner' });
    const person = workClient(t, await t.userKey(owner.id));
    const run = await dispatch(person, { agent_id: 'engineering-agent', task_id: t1 });
    const [row] = await t.rt.db.select().from(runs).where(eq(runs.id, run.id));
    assert.deepEqual([row.dispatchedByType, row.dispatchedById], ['user', owner.id]);
    const member = await t.createUser({ tenantId, role: 'member' });
    const m = workClient(t, await t.userKey(member.id));
    assertWorkError(await m.call('POST', '/api/client/runs', { agent_id: 'engineering-agent', task_id: t2 }), 403, 'forbidden');
    assert.equal((await m.ok('GET', `/api/client/runs/${run.id}`)).id, run.id);
    const p = workClient(t, await t.platformKey());
    assertWorkError(await p.call('POST', '/api/client/runs', { agent_id: 'product-agent', task_id: t2 }), 400, 'workspace_required');
    const viaPlatform = await dispatch(p, { agent_id: 'product-agent', task_id: t2, workspace_id: tenantId });
    assert.equal(viaPlatform.task_id, t2);
    assert.equal((await w.get('tasks', t2)).status, 'in_progress');
    assert.equal((await t.rt.db.select().from(tasks).where(eq(tasks.tenantId, tenantId))).length, 3);
  });
});
