// The cascade and progress rules of docs/work-api-contract.md §3, walked to completion on a small initiative:
// workstreams A and B (B depends on A), milestone M1 (in A) and M2 (of the whole initiative),
// five tasks — a1, a2 (depends on a1, assigned the engineering agent), a3 in A; b1, b2 (depends
// on b1) in B — checking every status, progress number, run and event after each step.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { and, eq } from 'drizzle-orm';
import { agents, runs } from '../../src/work/tables.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { assertWorkError } from '../helpers/assertions.ts';
import { lastSeq, workClient, workEvents, type WorkClient } from '../helpers/work.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.close());

type Ids = Record<string, string>;

/** Every entity of the initiative as `name: status progress`, one call per list. */
async function board(w: WorkClient, ids: Ids): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const name = (id: string) => Object.keys(ids).find((k) => ids[k] === id)!;
  const i = await w.get('initiatives', ids.I);
  out.I = `${i.status} ${i.progress}`;
  for (const kind of ['workstreams', 'milestones', 'tasks'] as const) {
    for (const x of await w.ok('GET', `/api/client/${kind}?initiative_id=${ids.I}`)) out[name(x.id)] = `${x.status} ${x.progress}`;
  }
  return out;
}

/** The events a step wrote, as `type name[ detail]`. */
async function stepEvents(tenantId: string, since: number, ids: Ids): Promise<string[]> {
  const name = (id: string) => Object.keys(ids).find((k) => ids[k] === id) ?? id;
  return (await workEvents(t, tenantId, since)).map((e) => {
    const entity = e.data.initiative ?? e.data.workstream ?? e.data.milestone ?? e.data.task ?? e.data.run;
    const detail =
      e.type === 'run.created'
        ? ` ${e.data.run.agent_name} for ${name(e.data.run.task_id)} ${e.data.run.status}`
        : e.data.changed
          ? ` ${e.data.changed.join(',')} → ${entity.status}${e.data.changed.includes('progress') ? ` ${entity.progress}` : ''}`
          : '';
    return `${e.type} ${e.type === 'run.created' ? '' : name(entity.id)}${detail}`.replace('  ', ' ');
  });
}

test('a small initiative walked to completion: statuses, progress, runs and events at every step', async () => {
  const { tenant, key } = await t.tenantWithKey();
  const w = workClient(t, key);
  const ids: Ids = {};
  ids.I = (await w.create('initiatives', { title: 'Spring launch' })).id;
  ids.A = (await w.create('workstreams', { initiative_id: ids.I, name: 'A: landing page' })).id;
  ids.B = (await w.create('workstreams', { initiative_id: ids.I, name: 'B: emails', depends_on: [ids.A] })).id;
  ids.M1 = (await w.create('milestones', { workstream_id: ids.A, title: 'M1: page live' })).id;
  ids.M2 = (await w.create('milestones', { initiative_id: ids.I, title: 'M2: launch' })).id;
  ids.a1 = (await w.create('tasks', { workstream_id: ids.A, milestone_id: ids.M1, title: 'a1 copy' })).id;
  const a2 = await w.create('tasks', { workstream_id: ids.A, milestone_id: ids.M1, title: 'a2 build', depends_on: [ids.a1], assigned_agent_ids: ['engineering-agent'] });
  ids.a2 = a2.id;
  ids.a3 = (await w.create('tasks', { workstream_id: ids.A, milestone_id: ids.M2, title: 'a3 publish' })).id;
  ids.b1 = (await w.create('tasks', { workstream_id: ids.B, milestone_id: ids.M2, title: 'b1 write' })).id;
  ids.b2 = (await w.create('tasks', { workstream_id: ids.B, milestone_id: ids.M2, title: 'b2 send', depends_on: [ids.b1] })).id;
  const [engineering] = await t.rt.db.select().from(agents).where(and(eq(agents.tenantId, tenant.id), eq(agents.name, 'engineering-agent')));
  assert.deepEqual(a2.assigned_agent_ids, [engineering.id]);
  assert.deepEqual([a2.sequence, a2.depends_on], [2, [ids.a1]]);

  assert.deepEqual(await board(w, ids), {
    I: 'draft 0',
    A: 'ready 0',
    B: 'pending 0',
    M1: 'planned 0',
    M2: 'planned 0',
    a1: 'todo 0',
    a2: 'todo 0',
    a3: 'todo 0',
    b1: 'todo 0',
    b2: 'todo 0',
  });
  const counts = async () => {
    const i = await w.get('initiatives', ids.I);
    const [a, b] = [await w.get('workstreams', ids.A), await w.get('workstreams', ids.B)];
    const [m1, m2] = [await w.get('milestones', ids.M1), await w.get('milestones', ids.M2)];
    return [i, a, b, m1, m2].map((x) => `${x.tasks_done}/${x.tasks_total}`);
  };
  assert.deepEqual(await counts(), ['0/5', '0/3', '0/2', '0/2', '0/3']);

  // 1. Launch.
  let seq = await lastSeq(t);
  await w.act('initiatives', ids.I, 'launch');
  assert.deepEqual(await stepEvents(tenant.id, seq, ids), ['initiative.updated I status → active']);

  // Nothing in B can start while A is not completed; a2 waits for a1.
  assertWorkError(await w.call('POST', `/api/client/tasks/${ids.b1}/actions/start`), 409, 'conflict');
  assertWorkError(await w.call('POST', `/api/client/workstreams/${ids.B}/actions/start`), 409, 'conflict');
  assertWorkError(await w.call('POST', `/api/client/tasks/${ids.a2}/actions/start`), 409, 'conflict');

  // 2. a1 starts: A becomes active, M1 in progress.
  seq = await lastSeq(t);
  await w.act('tasks', ids.a1, 'start');
  assert.deepEqual(await board(w, ids), {
    I: 'active 0',
    A: 'active 0',
    B: 'pending 0',
    M1: 'in_progress 0',
    M2: 'planned 0',
    a1: 'in_progress 0',
    a2: 'todo 0',
    a3: 'todo 0',
    b1: 'todo 0',
    b2: 'todo 0',
  });
  assert.deepEqual(await stepEvents(tenant.id, seq, ids), [
    'task.updated a1 status → in_progress',
    'workstream.updated A status → active',
    'milestone.updated M1 status → in_progress',
  ]);

  // 3. a1 done: a2 (lowest queued sequence) starts and its agent gets a queued run.
  seq = await lastSeq(t);
  const a1 = await w.act('tasks', ids.a1, 'complete');
  assert.equal(a1.progress, 100);
  assert.ok(a1.completed_at);
  assert.deepEqual(await board(w, ids), {
    I: 'active 20',
    A: 'active 33',
    B: 'pending 0',
    M1: 'in_progress 50',
    M2: 'planned 0',
    a1: 'done 100',
    a2: 'in_progress 0',
    a3: 'todo 0',
    b1: 'todo 0',
    b2: 'todo 0',
  });
  assert.deepEqual(await stepEvents(tenant.id, seq, ids), [
    'task.completed a1',
    'task.updated a2 status → in_progress',
    'run.created engineering-agent for a2 queued',
    'initiative.updated I progress → active 20',
  ]);
  const allRuns = await t.rt.db.select().from(runs).where(eq(runs.tenantId, tenant.id));
  assert.equal(allRuns.length, 1);
  assert.deepEqual(
    [allRuns[0].agentId, allRuns[0].taskId, allRuns[0].initiativeId, allRuns[0].status, allRuns[0].origin, allRuns[0].progress],
    [engineering.id, ids.a2, ids.I, 'queued', 'auto_continue', 0],
  );
  const [runEvent] = (await workEvents(t, tenant.id, seq)).filter((e) => e.type === 'run.created');
  assert.deepEqual(runEvent.data.run, {
    id: allRuns[0].id,
    agent_id: engineering.id,
    agent_name: 'engineering-agent',
    task_id: ids.a2,
    initiative_id: ids.I,
    status: 'queued',
    progress: 0,
    blockers: [],
    summary: null,
    quality_score: null,
    started_at: null,
    completed_at: null,
    created_at: allRuns[0].createdAt.toISOString(),
  });

  // 4. a2 done: M1 completes; a3 starts (no agent, no run) and takes M2 in progress.
  seq = await lastSeq(t);
  await w.act('tasks', ids.a2, 'complete');
  assert.deepEqual(await board(w, ids), {
    I: 'active 40',
    A: 'active 66',
    B: 'pending 0',
    M1: 'completed 100',
    M2: 'in_progress 0',
    a1: 'done 100',
    a2: 'done 100',
    a3: 'in_progress 0',
    b1: 'todo 0',
    b2: 'todo 0',
  });
  assert.deepEqual(await stepEvents(tenant.id, seq, ids), [
    'task.completed a2',
    'task.updated a3 status → in_progress',
    'milestone.updated M1 status → completed',
    'milestone.updated M2 status → in_progress',
    'initiative.updated I progress → active 40',
  ]);
  assert.equal((await t.rt.db.select().from(runs).where(eq(runs.tenantId, tenant.id))).length, 1);
  assert.ok((await w.get('milestones', ids.M1)).completed_at);

  // 5. a3 done: A completes, so B (which depends on it) becomes ready; nothing starts in B.
  seq = await lastSeq(t);
  await w.act('tasks', ids.a3, 'complete');
  assert.deepEqual(await board(w, ids), {
    I: 'active 60',
    A: 'completed 100',
    B: 'ready 0',
    M1: 'completed 100',
    M2: 'in_progress 33',
    a1: 'done 100',
    a2: 'done 100',
    a3: 'done 100',
    b1: 'todo 0',
    b2: 'todo 0',
  });
  assert.deepEqual(await stepEvents(tenant.id, seq, ids), [
    'task.completed a3',
    'workstream.updated A status → completed',
    'workstream.updated B status → ready',
    'initiative.updated I progress → active 60',
  ]);
  assert.deepEqual(await counts(), ['3/5', '3/3', '0/2', '2/2', '1/3']);

  // 6. B is started; its first task is started by hand.
  seq = await lastSeq(t);
  await w.act('workstreams', ids.B, 'start');
  await w.act('tasks', ids.b1, 'start');
  assert.deepEqual(await stepEvents(tenant.id, seq, ids), ['workstream.updated B status → active', 'task.updated b1 status → in_progress']);
  assert.equal((await w.get('tasks', ids.b2)).status, 'todo');

  // 7. b1 done: b2 continues.
  seq = await lastSeq(t);
  await w.act('tasks', ids.b1, 'complete');
  assert.deepEqual(await board(w, ids), {
    I: 'active 80',
    A: 'completed 100',
    B: 'active 50',
    M1: 'completed 100',
    M2: 'in_progress 66',
    a1: 'done 100',
    a2: 'done 100',
    a3: 'done 100',
    b1: 'done 100',
    b2: 'in_progress 0',
  });
  assert.deepEqual(await stepEvents(tenant.id, seq, ids), [
    'task.completed b1',
    'task.updated b2 status → in_progress',
    'initiative.updated I progress → active 80',
  ]);

  // 8. b2 done: B, M2 and the initiative complete.
  seq = await lastSeq(t);
  await w.act('tasks', ids.b2, 'complete');
  assert.deepEqual(await board(w, ids), {
    I: 'completed 100',
    A: 'completed 100',
    B: 'completed 100',
    M1: 'completed 100',
    M2: 'completed 100',
    a1: 'done 100',
    a2: 'done 100',
    a3: 'done 100',
    b1: 'done 100',
    b2: 'done 100',
  });
  assert.deepEqual(await stepEvents(tenant.id, seq, ids), [
    'task.completed b2',
    'milestone.updated M2 status → completed',
    'workstream.updated B status → completed',
    'initiative.updated I progress,status → completed 100',
  ]);
  assert.deepEqual(await counts(), ['5/5', '3/3', '2/2', '2/2', '3/3']);
  const done = await w.get('initiatives', ids.I);
  assert.ok(Math.abs(Date.parse(done.completed_at) - Date.now()) < 60_000);
  const live = (await w.call('GET', `/api/client/live/initiatives?id=${ids.I}`)).json();
  assert.deepEqual(live.initiatives, [done]);

  // A completed initiative takes no new work.
  assertWorkError(await w.call('POST', '/api/client/tasks', { workstream_id: ids.B, title: 'late' }), 409, 'conflict');
  assertWorkError(await w.call('POST', '/api/client/workstreams', { initiative_id: ids.I, name: 'late' }), 409, 'conflict');
});

test('progress rounds down, counts nothing as 0, and moves with every new task (initiative.updated each time)', async () => {
  const { tenant, key } = await t.tenantWithKey();
  const w = workClient(t, key);
  const i = await w.create('initiatives', { title: 'Thirds', status: 'active' });
  const a = await w.create('workstreams', { initiative_id: i.id, name: 'A' });
  assert.equal((await w.get('initiatives', i.id)).progress, 0);
  const tasks = [];
  for (let n = 0; n < 3; n++) tasks.push(await w.create('tasks', { workstream_id: a.id, title: `t${n}` }));
  await w.act('tasks', tasks[0].id, 'complete');
  assert.equal((await w.get('initiatives', i.id)).progress, 33);
  await w.act('tasks', tasks[1].id, 'complete');
  assert.equal((await w.get('initiatives', i.id)).progress, 66);
  assert.equal((await w.get('workstreams', a.id)).progress, 66);

  const seq = await lastSeq(t);
  await w.create('tasks', { workstream_id: a.id, title: 't3' });
  const evts = await workEvents(t, tenant.id, seq);
  assert.deepEqual(
    evts.map((e) => [e.type, e.data.changed ?? null]),
    [
      ['task.created', null],
      ['initiative.updated', ['progress']],
    ],
  );
  assert.equal(evts[1].data.initiative.progress, 50);
});

test('auto-continue follows sequence, skips tasks still waiting, and only in an active workstream', async () => {
  const { key } = await t.tenantWithKey();
  const w = workClient(t, key);
  const i = await w.create('initiatives', { title: 'Order', status: 'active' });
  const a = await w.create('workstreams', { initiative_id: i.id, name: 'A' });
  const other = await w.create('workstreams', { initiative_id: i.id, name: 'Other' });
  const blocker = await w.create('tasks', { workstream_id: other.id, title: 'elsewhere' });
  const first = await w.create('tasks', { workstream_id: a.id, title: 'first', sequence: 1 });
  const waiting = await w.create('tasks', { workstream_id: a.id, title: 'waits for elsewhere', sequence: 2, depends_on: [blocker.id] });
  const later = await w.create('tasks', { workstream_id: a.id, title: 'later', sequence: 5 });
  const blocked = await w.create('tasks', { workstream_id: a.id, title: 'blocked one', sequence: 3 });
  await w.act('tasks', blocked.id, 'block');
  await w.act('tasks', first.id, 'start');
  await w.act('tasks', first.id, 'complete');
  assert.equal((await w.get('tasks', waiting.id)).status, 'todo');
  assert.equal((await w.get('tasks', blocked.id)).status, 'blocked');
  assert.equal((await w.get('tasks', later.id)).status, 'in_progress');

  // A task done in a workstream that is not active (here: ready) starts nothing.
  const b = await w.create('workstreams', { initiative_id: i.id, name: 'B' });
  const b1 = await w.create('tasks', { workstream_id: b.id, title: 'b1' });
  const b2 = await w.create('tasks', { workstream_id: b.id, title: 'b2' });
  await w.act('tasks', b1.id, 'start');
  await w.act('workstreams', b.id, 'pause');
  await w.act('tasks', b1.id, 'complete');
  assert.equal((await w.get('workstreams', b.id)).status, 'paused');
  assert.equal((await w.get('tasks', b2.id)).status, 'todo');
});
