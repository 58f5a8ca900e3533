// Workstreams, milestones and tasks (/api/client/…) through HTTP: exact shapes, references that
// break the hierarchy (another initiative 400, another workspace 404), dependencies (self,
// cycles), each lifecycle table, PATCH, delete, events.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { and, count, eq } from 'drizzle-orm';
import { initiatives, milestones, taskAgents, taskDependencies, tasks, workstreams } from '../../src/work/tables.ts';
import { MILESTONE_ACTIONS, MILESTONE_STATUSES, TASK_ACTIONS, TASK_STATUSES, WORKSTREAM_ACTIONS, WORKSTREAM_STATUSES } from '../../src/work/transitions.ts';
import { newTaskInserter } from '../../src/work/task-insert.ts';
import { openDatabase } from '../../src/db/index.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { assertWorkError } from '../helpers/assertions.ts';
import { lastSeq, MILESTONE_KEYS, MISSING_ID, TASK_KEYS, UUID_RE, workClient, workEvents, WORKSTREAM_KEYS, type WorkClient } from '../helpers/work.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.close());

/** A workspace with an active initiative. */
async function setup(): Promise<{ tenantId: string; w: WorkClient; initiative: any }> {
  const { tenant, key } = await t.tenantWithKey();
  const w = workClient(t, key);
  return { tenantId: tenant.id, w, initiative: await w.create('initiatives', { title: 'Plan', status: 'active' }) };
}

const fields = (body: any) => Object.keys(body.error.details.fields).sort();

describe('workstreams', () => {
  test('POST: the exact shape; ready without dependencies, pending while one is not completed; workstream.created', async () => {
    const { tenantId, w, initiative } = await setup();
    const seq = await lastSeq(t);
    const a = await w.create('workstreams', { initiative_id: initiative.id, name: ' Design ', summary: 'All of it' });
    assert.deepEqual(Object.keys(a).sort(), WORKSTREAM_KEYS);
    assert.match(a.id, UUID_RE);
    assert.deepEqual(a, {
      id: a.id,
      initiative_id: initiative.id,
      name: 'Design',
      summary: 'All of it',
      status: 'ready',
      progress: 0,
      depends_on: [],
      tasks_total: 0,
      tasks_done: 0,
      started_at: null,
      completed_at: null,
      created_at: a.created_at,
      updated_at: a.created_at,
    });
    const b = await w.create('workstreams', { initiative_id: initiative.id, name: 'Build', depends_on: [a.id, a.id.toUpperCase()] });
    assert.deepEqual([b.status, b.depends_on], ['pending', [a.id]]);
    const evts = await workEvents(t, tenantId, seq);
    assert.deepEqual(evts.map((e) => [e.type, e.data.workstream]), [['workstream.created', a], ['workstream.created', b]]);
  });

  test('POST: bad references → 400 (missing, another initiative) or 404 (not in this workspace), nothing created', async () => {
    const { tenantId, w, initiative } = await setup();
    const other = await setup();
    const elsewhere = await w.create('initiatives', { title: 'Elsewhere' });
    const foreignWs = await w.create('workstreams', { initiative_id: elsewhere.id, name: 'Foreign' });
    const theirWs = await other.w.create('workstreams', { initiative_id: other.initiative.id, name: 'Theirs' });

    assert.deepEqual(fields(assertWorkError(await w.call('POST', '/api/client/workstreams', { name: 'x' }), 400, 'validation_failed')), ['initiative_id']);
    const notFound = assertWorkError(await w.call('POST', '/api/client/workstreams', { initiative_id: other.initiative.id, name: 'x' }), 404, 'not_found');
    assert.deepEqual(fields(notFound), ['initiative_id']);
    assertWorkError(await w.call('POST', '/api/client/workstreams', { initiative_id: 'garbage', name: 'x' }), 404, 'not_found');
    const cross = assertWorkError(await w.call('POST', '/api/client/workstreams', { initiative_id: initiative.id, name: 'x', depends_on: [foreignWs.id] }), 400, 'validation_failed');
    assert.deepEqual(fields(cross), ['depends_on']);
    assert.deepEqual(fields(assertWorkError(await w.call('POST', '/api/client/workstreams', { initiative_id: initiative.id, name: 'x', depends_on: [theirWs.id] }), 404, 'not_found')), ['depends_on']);
    const all = await t.rt.db.select().from(workstreams).where(and(eq(workstreams.tenantId, tenantId), eq(workstreams.initiativeId, initiative.id)));
    assert.deepEqual(all, []);
  });

  test('PATCH depends_on: itself or a cycle → 400 and unchanged; a new list re-evaluates pending/ready', async () => {
    const { tenantId, w, initiative } = await setup();
    const a = await w.create('workstreams', { initiative_id: initiative.id, name: 'A' });
    const b = await w.create('workstreams', { initiative_id: initiative.id, name: 'B', depends_on: [a.id] });
    const c = await w.create('workstreams', { initiative_id: initiative.id, name: 'C', depends_on: [b.id] });
    const self = assertWorkError(await w.call('PATCH', `/api/client/workstreams/${a.id}`, { depends_on: [a.id] }), 400, 'validation_failed');
    assert.match(self.error.details.fields.depends_on[0], /itself/);
    const cycle = assertWorkError(await w.call('PATCH', `/api/client/workstreams/${a.id}`, { depends_on: [c.id], name: 'A2' }), 400, 'validation_failed');
    assert.match(cycle.error.details.fields.depends_on[0], /cycle/);
    assert.deepEqual(await w.get('workstreams', a.id), a);

    const seq = await lastSeq(t);
    const freed = await w.ok('PATCH', `/api/client/workstreams/${b.id}`, { depends_on: [], name: 'B2' });
    assert.deepEqual([freed.status, freed.depends_on, freed.name], ['ready', [], 'B2']);
    const evts = await workEvents(t, tenantId, seq);
    assert.deepEqual(
      evts.map((e) => [e.type, e.data.changed]),
      [
        ['workstream.updated', ['status']],
        ['workstream.updated', ['name', 'depends_on']],
      ],
    );
    assert.equal((await w.get('workstreams', c.id)).status, 'pending');
    assert.equal((await w.ok('PATCH', `/api/client/workstreams/${c.id}`, { depends_on: [a.id, b.id] })).status, 'pending');
  });

  test('the whole transition table (a workstream with no tasks): 200 with the new status, else 409 and unchanged', async () => {
    const { tenantId, w, initiative } = await setup();
    const ws = await w.create('workstreams', { initiative_id: initiative.id, name: 'Table' });
    for (const from of WORKSTREAM_STATUSES) {
      for (const [action, rule] of Object.entries(WORKSTREAM_ACTIONS)) {
        await t.rt.db.update(workstreams).set({ status: from }).where(and(eq(workstreams.tenantId, tenantId), eq(workstreams.id, ws.id)));
        const res = await w.call('POST', `/api/client/workstreams/${ws.id}/actions/${action}`);
        if ((rule.from as readonly string[]).includes(from)) {
          assert.equal(res.statusCode, 200, `${action} from ${from}: ${res.body}`);
          assert.equal(res.json().data.status, rule.to);
        } else {
          assertWorkError(res, 409, 'conflict');
          const [row] = await t.rt.db.select().from(workstreams).where(eq(workstreams.id, ws.id));
          assert.equal(row.status, from, `${action} from ${from} changed nothing`);
        }
      }
    }
  });

  test('complete needs every task done; PATCH status maps to the action; pending and ready are never requested', async () => {
    const { w, initiative } = await setup();
    const ws = await w.create('workstreams', { initiative_id: initiative.id, name: 'W' });
    const task = await w.create('tasks', { workstream_id: ws.id, title: 'Open' });
    const open = assertWorkError(await w.call('POST', `/api/client/workstreams/${ws.id}/actions/complete`), 409, 'conflict');
    assert.match(open.error.message, /1 task\(s\) not done/);
    assertWorkError(await w.call('PATCH', `/api/client/workstreams/${ws.id}`, { status: 'pending' }), 409, 'conflict');
    const started = await w.ok('PATCH', `/api/client/workstreams/${ws.id}`, { status: 'active' });
    assert.deepEqual([started.status, typeof started.started_at], ['active', 'string']);
    await w.act('tasks', task.id, 'complete');
    assert.equal((await w.get('workstreams', ws.id)).status, 'completed');
  });

  test('DELETE: its milestones and tasks go, dependants become ready, the initiative is recounted', async () => {
    const { tenantId, w, initiative } = await setup();
    const a = await w.create('workstreams', { initiative_id: initiative.id, name: 'A' });
    const b = await w.create('workstreams', { initiative_id: initiative.id, name: 'B', depends_on: [a.id] });
    const m = await w.create('milestones', { workstream_id: a.id, title: 'M' });
    await w.create('tasks', { workstream_id: a.id, milestone_id: m.id, title: 'a1' });
    const b1 = await w.create('tasks', { workstream_id: b.id, title: 'b1' });
    await w.act('initiatives', initiative.id, 'pause');
    await w.act('initiatives', initiative.id, 'resume');
    assert.equal((await w.get('initiatives', initiative.id)).tasks_total, 2);

    const seq = await lastSeq(t);
    assert.deepEqual(await w.ok('DELETE', `/api/client/workstreams/${a.id}`), { id: a.id, deleted: true });
    assert.deepEqual(await t.rt.db.select().from(milestones).where(eq(milestones.tenantId, tenantId)), []);
    assert.deepEqual((await t.rt.db.select().from(tasks).where(eq(tasks.tenantId, tenantId))).map((x) => x.id), [b1.id]);
    const nowB = await w.get('workstreams', b.id);
    assert.deepEqual([nowB.status, nowB.depends_on], ['ready', []]);
    const i = await w.get('initiatives', initiative.id);
    assert.deepEqual([i.tasks_total, i.tasks_done, i.progress], [1, 0, 0]);
    const evts = await workEvents(t, tenantId, seq);
    assert.deepEqual(evts.map((e) => e.type), ['workstream.deleted', 'workstream.updated']);
    assertWorkError(await w.call('GET', `/api/client/workstreams/${a.id}`), 404, 'not_found');
  });

  test('GET: list by initiative and status, one; another workspace’s → 404 everywhere', async () => {
    const { w, initiative } = await setup();
    const other = await setup();
    const a = await w.create('workstreams', { initiative_id: initiative.id, name: 'A' });
    const b = await w.create('workstreams', { initiative_id: initiative.id, name: 'B', depends_on: [a.id] });
    const theirs = await other.w.create('workstreams', { initiative_id: other.initiative.id, name: 'Theirs' });
    assert.deepEqual(await w.ok('GET', `/api/client/workstreams?initiative_id=${initiative.id}`), [a, b]);
    assert.deepEqual(await w.ok('GET', '/api/client/workstreams?status=pending'), [b]);
    assert.deepEqual(await w.ok('GET', `/api/client/workstreams?initiative_id=${other.initiative.id}`), []);
    assert.deepEqual(await w.get('workstreams', a.id), a);
    for (const [method, suffix, body] of [
      ['GET', '', undefined],
      ['PATCH', '', { name: 'Mine' }],
      ['DELETE', '', undefined],
      ['POST', '/actions/start', undefined],
    ] as const) {
      assertWorkError(await w.call(method, `/api/client/workstreams/${theirs.id}${suffix}`, body), 404, 'not_found');
    }
    assert.deepEqual(await other.w.get('workstreams', theirs.id), theirs);
  });
});

describe('milestones', () => {
  test('POST: the exact shape; the initiative comes from the workstream, or is named for a milestone of the whole initiative', async () => {
    const { tenantId, w, initiative } = await setup();
    const ws = await w.create('workstreams', { initiative_id: initiative.id, name: 'W' });
    const seq = await lastSeq(t);
    const m = await w.create('milestones', { workstream_id: ws.id, title: 'Beta', description: 'First users', due_date: '2026-05-01' });
    assert.deepEqual(Object.keys(m).sort(), MILESTONE_KEYS);
    assert.deepEqual(m, {
      id: m.id,
      initiative_id: initiative.id,
      workstream_id: ws.id,
      title: 'Beta',
      description: 'First users',
      status: 'planned',
      progress: 0,
      due_date: '2026-05-01',
      tasks_total: 0,
      tasks_done: 0,
      completed_at: null,
      created_at: m.created_at,
      updated_at: m.created_at,
    });
    const whole = await w.create('milestones', { initiative_id: initiative.id, title: 'Launch' });
    assert.deepEqual([whole.initiative_id, whole.workstream_id], [initiative.id, null]);
    const both = await w.create('milestones', { initiative_id: initiative.id, workstream_id: ws.id, title: 'Both' });
    assert.equal(both.workstream_id, ws.id);
    assert.deepEqual((await workEvents(t, tenantId, seq)).map((e) => [e.type, e.data.milestone.id]), [
      ['milestone.created', m.id],
      ['milestone.created', whole.id],
      ['milestone.created', both.id],
    ]);
  });

  test('POST: a workstream of another initiative → 400; neither id → 400; unknown or foreign ids → 404; a completed workstream → 409', async () => {
    const { tenantId, w, initiative } = await setup();
    const other = await setup();
    const elsewhere = await w.create('initiatives', { title: 'Elsewhere' });
    const foreignWs = await w.create('workstreams', { initiative_id: elsewhere.id, name: 'Foreign' });
    const theirWs = await other.w.create('workstreams', { initiative_id: other.initiative.id, name: 'Theirs' });

    const cross = assertWorkError(await w.call('POST', '/api/client/milestones', { initiative_id: initiative.id, workstream_id: foreignWs.id, title: 'M' }), 400, 'validation_failed');
    assert.deepEqual(fields(cross), ['workstream_id']);
    assert.deepEqual(fields(assertWorkError(await w.call('POST', '/api/client/milestones', { title: 'M' }), 400, 'validation_failed')), ['initiative_id']);
    assert.deepEqual(fields(assertWorkError(await w.call('POST', '/api/client/milestones', { workstream_id: theirWs.id, title: 'M' }), 404, 'not_found')), ['workstream_id']);
    assert.deepEqual(fields(assertWorkError(await w.call('POST', '/api/client/milestones', { initiative_id: other.initiative.id, title: 'M' }), 404, 'not_found')), ['initiative_id']);
    assertWorkError(await w.call('POST', '/api/client/milestones', { workstream_id: MISSING_ID, title: 'M' }), 404, 'not_found');

    await w.create('workstreams', { initiative_id: initiative.id, name: 'Still open' }); // keeps the initiative open
    const done = await w.create('workstreams', { initiative_id: initiative.id, name: 'Done' });
    await w.act('workstreams', done.id, 'complete');
    const closed = assertWorkError(await w.call('POST', '/api/client/milestones', { workstream_id: done.id, title: 'M' }), 409, 'conflict');
    assert.match(closed.error.message, /workstream is completed/);
    assert.deepEqual(await t.rt.db.select().from(milestones).where(eq(milestones.tenantId, tenantId)), []);
  });

  test('the whole transition table (no tasks): 200 with the new status, else 409 and unchanged', async () => {
    const { tenantId, w, initiative } = await setup();
    const m = await w.create('milestones', { initiative_id: initiative.id, title: 'Table' });
    for (const from of MILESTONE_STATUSES) {
      for (const [action, rule] of Object.entries(MILESTONE_ACTIONS)) {
        await t.rt.db.update(milestones).set({ status: from }).where(and(eq(milestones.tenantId, tenantId), eq(milestones.id, m.id)));
        const res = await w.call('POST', `/api/client/milestones/${m.id}/actions/${action}`);
        if ((rule.from as readonly string[]).includes(from)) {
          assert.equal(res.statusCode, 200, `${action} from ${from}: ${res.body}`);
          assert.equal(res.json().data.status, rule.to);
        } else {
          assertWorkError(res, 409, 'conflict');
          assert.equal((await w.get('milestones', m.id)).status, from, `${action} from ${from} changed nothing`);
        }
      }
    }
  });

  test('complete needs every task done; PATCH edits and maps status; DELETE keeps the tasks, unlinked', async () => {
    const { tenantId, w, initiative } = await setup();
    const ws = await w.create('workstreams', { initiative_id: initiative.id, name: 'W' });
    const m = await w.create('milestones', { workstream_id: ws.id, title: 'M' });
    const task = await w.create('tasks', { milestone_id: m.id, title: 'In M' });
    assert.equal(task.workstream_id, ws.id, 'the workstream comes from the milestone');
    assertWorkError(await w.call('POST', `/api/client/milestones/${m.id}/actions/complete`), 409, 'conflict');
    const seq = await lastSeq(t);
    const edited = await w.ok('PATCH', `/api/client/milestones/${m.id}`, { title: 'M2', due_date: null, status: 'at_risk' });
    assert.deepEqual([edited.title, edited.due_date, edited.status], ['M2', null, 'at_risk']);
    assertWorkError(await w.call('PATCH', `/api/client/milestones/${m.id}`, { status: 'planned' }), 409, 'conflict');
    assert.deepEqual((await workEvents(t, tenantId, seq)).map((e) => [e.type, e.data.changed]), [['milestone.updated', ['title', 'status']]]);

    const seq2 = await lastSeq(t);
    assert.deepEqual(await w.ok('DELETE', `/api/client/milestones/${m.id}`), { id: m.id, deleted: true });
    const kept = await w.get('tasks', task.id);
    assert.equal(kept.milestone_id, null);
    const evts = await workEvents(t, tenantId, seq2);
    assert.deepEqual(evts.map((e) => [e.type, e.data.unlinked_task_ids]), [['milestone.deleted', [task.id]]]);
    assertWorkError(await w.call('GET', `/api/client/milestones/${m.id}`), 404, 'not_found');
  });
});

describe('tasks', () => {
  test('POST: the exact shape, sequence after the last, agents by name or id; task.created', async () => {
    const { tenantId, w, initiative } = await setup();
    const ws = await w.create('workstreams', { initiative_id: initiative.id, name: 'W' });
    const m = await w.create('milestones', { workstream_id: ws.id, title: 'M' });
    const seq = await lastSeq(t);
    const first = await w.create('tasks', { workstream_id: ws.id, title: 'First' });
    const agentsRes = await t.rt.db.query.agents.findMany({ where: (a, { eq: e }) => e(a.tenantId, tenantId) });
    const design = agentsRes.find((a) => a.name === 'design-agent')!;
    const second = await w.create('tasks', {
      workstream_id: ws.id,
      initiative_id: initiative.id,
      milestone_id: m.id,
      title: 'Second',
      description: 'Details',
      priority: 'high',
      depends_on: [first.id],
      assigned_agent_ids: ['ENGINEERING-AGENT', design.id, 'engineering-agent'],
      due_date: '2026-04-01',
    });
    assert.deepEqual(Object.keys(second).sort(), TASK_KEYS);
    const engineering = agentsRes.find((a) => a.name === 'engineering-agent')!;
    assert.deepEqual(second, {
      id: second.id,
      initiative_id: initiative.id,
      workstream_id: ws.id,
      milestone_id: m.id,
      title: 'Second',
      description: 'Details',
      status: 'todo',
      priority: 'high',
      sequence: 2,
      progress: 0,
      depends_on: [first.id],
      assigned_agent_ids: [engineering.id, design.id],
      due_date: '2026-04-01',
      started_at: null,
      completed_at: null,
      created_at: second.created_at,
      updated_at: second.created_at,
    });
    assert.deepEqual([first.sequence, first.priority, first.milestone_id], [1, 'medium', null]);
    assert.equal((await w.create('tasks', { workstream_id: ws.id, title: 'Placed', sequence: 10 })).sequence, 10);
    assert.equal((await w.create('tasks', { workstream_id: ws.id, title: 'After' })).sequence, 11);
    const evts = await workEvents(t, tenantId, seq);
    assert.deepEqual(evts.slice(0, 2).map((e) => [e.type, e.data.task]), [['task.created', first], ['task.created', second]]);
  });

  test('POST: agents by id (one statement) and by name (step by step) write the same task, counts and events', async () => {
    const { tenantId, w, initiative } = await setup();
    const ws = await w.create('workstreams', { initiative_id: initiative.id, name: 'W' });
    const m = await w.create('milestones', { workstream_id: ws.id, title: 'M' });
    await w.create('tasks', { workstream_id: ws.id, title: 'Keeps the workstream open' });
    const done = await w.create('tasks', { workstream_id: ws.id, title: 'Done first' });
    await w.act('tasks', done.id, 'complete'); // so that every new task moves the progress
    const engineering = (await t.rt.db.query.agents.findFirst({ where: (a, { and: both, eq: e }) => both(e(a.tenantId, tenantId), e(a.name, 'engineering-agent')) }))!;
    const body = { workstream_id: ws.id, milestone_id: m.id, title: 'Build', description: 'Both ways', priority: 'high', depends_on: [done.id], due_date: '2026-05-01' };

    const results = [];
    for (const assignee of [engineering.id, 'engineering-agent']) {
      const seq = await lastSeq(t);
      const task = await w.create('tasks', { ...body, assigned_agent_ids: [assignee] });
      const evts = await workEvents(t, tenantId, seq);
      assert.deepEqual(evts.map((e) => e.type), ['task.created', 'initiative.updated']);
      assert.deepEqual(evts[0].data, { task });
      assert.deepEqual(await w.get('tasks', task.id), task);
      // The initiative as the event shows it is the initiative as GET shows it.
      assert.deepEqual(evts[1].data, { initiative: await w.get('initiatives', initiative.id), changed: ['progress'] });
      results.push(task);
    }
    const [byId, byName] = results;
    const same = (x: any) => ({ ...x, id: null, sequence: null, created_at: null, updated_at: null });
    assert.deepEqual(same(byId), same(byName));
    assert.deepEqual([byId.sequence, byName.sequence, byId.assigned_agent_ids], [3, 4, [engineering.id]]);
    const counts = async (table: typeof workstreams | typeof milestones | typeof initiatives, id: string) => {
      const [row] = await t.rt.db.select({ n: table.taskCount, d: table.doneCount }).from(table).where(eq(table.id, id));
      return [row.n, row.d];
    };
    assert.deepEqual([await counts(workstreams, ws.id), await counts(milestones, m.id), await counts(initiatives, initiative.id)], [[4, 1], [2, 0], [4, 1]]);
  });

  test('the one statement creates what is in order and declines (changing nothing) what is not', async () => {
    const { tenantId, w, initiative } = await setup();
    const ws = await w.create('workstreams', { initiative_id: initiative.id, name: 'W' });
    const closed = await w.create('workstreams', { initiative_id: initiative.id, name: 'Closed' });
    await w.act('workstreams', closed.id, 'complete');
    const base = { initiativeId: null, milestoneId: null, description: null, priority: 'medium' as const, sequence: null, dependsOn: [], agentIds: [], dueDate: null };
    const made = await t.rt.taskInserts(tenantId, { ...base, workstreamId: ws.id, title: 'Fast' });
    assert.deepEqual(made, await w.get('tasks', made!.id));
    for (const refused of [{ workstreamId: closed.id }, { workstreamId: ws.id, dependsOn: [MISSING_ID] }, { workstreamId: ws.id, agentIds: [MISSING_ID] }, { workstreamId: ws.id, milestoneId: MISSING_ID }]) {
      assert.equal(await t.rt.taskInserts(tenantId, { ...base, title: 'No', ...refused }), null, JSON.stringify(refused));
    }
    assert.equal((await w.get('initiatives', initiative.id)).tasks_total, 1);
  });

  test('a statement that fails answers null for each of its tasks (their requests then run the transaction) and says why in the log', async () => {
    const { tenantId, w, initiative } = await setup();
    const ws = await w.create('workstreams', { initiative_id: initiative.id, name: 'W' });
    const gone = await openDatabase({ kind: 'pglite', dataDir: null });
    await gone.close();
    const warnings: [Record<string, unknown>, string][] = [];
    const log = { ...t.rt.log, warn: (obj: Record<string, unknown>, msg: string) => warnings.push([obj, msg]) } as unknown as typeof t.rt.log;
    const base = { workstreamId: ws.id, initiativeId: null, milestoneId: null, description: null, priority: 'medium' as const, sequence: null, dependsOn: [], agentIds: [], dueDate: null };
    const insert = newTaskInserter({ db: gone.db, log });
    const made = await Promise.all(['One', 'Two'].map((title) => insert(tenantId, { ...base, title })));
    assert.deepEqual(made, [null, null]);
    assert.deepEqual(warnings.map(([obj, msg]) => [obj.tasks, msg, obj.err instanceof Error]), [[2, 'creating tasks in one statement failed; each goes through its own transaction', true]]);
  });

  test('POST: concurrent creates in one workstream each get their own next sequence; the counts add up', async () => {
    const { tenantId, w, initiative } = await setup();
    const ws = await w.create('workstreams', { initiative_id: initiative.id, name: 'Busy' });
    const seq = await lastSeq(t);
    const created = await Promise.all(Array.from({ length: 20 }, (_, n) => w.create('tasks', { workstream_id: ws.id, title: `Parallel ${n}` })));
    assert.deepEqual(created.map((x) => x.sequence).sort((a, b) => a - b), Array.from({ length: 20 }, (_, n) => n + 1));
    assert.deepEqual([(await w.get('workstreams', ws.id)).tasks_total, (await w.get('initiatives', initiative.id)).tasks_total], [20, 20]);
    const evts = await workEvents(t, tenantId, seq);
    assert.equal(evts.filter((e) => e.type === 'task.created').length, 20);
  });

  test('POST: concurrent creates over several workstreams and initiatives (sharing statements) are each placed, counted and announced; a bad one fails alone', async () => {
    const { tenantId, w, initiative: a } = await setup();
    const b = await w.create('initiatives', { title: 'Second plan', status: 'active' });
    const a1 = await w.create('workstreams', { initiative_id: a.id, name: 'A1' });
    const a2 = await w.create('workstreams', { initiative_id: a.id, name: 'A2' });
    const b1 = await w.create('workstreams', { initiative_id: b.id, name: 'B1' });
    const m = await w.create('milestones', { workstream_id: a1.id, title: 'M' });
    await w.create('tasks', { workstream_id: a1.id, title: 'Keeps A1 open' });
    const first = await w.create('tasks', { workstream_id: a1.id, title: 'Done first' });
    await w.act('tasks', first.id, 'complete'); // so that new tasks move A's progress
    const engineering = (await t.rt.db.query.agents.findFirst({ where: (x, { and: both, eq: e }) => both(e(x.tenantId, tenantId), e(x.name, 'engineering-agent')) }))!;
    const seq = await lastSeq(t);

    const bodies: Record<string, unknown>[] = Array.from({ length: 24 }, (_, n) => {
      const ws = [a1, a2, b1][n % 3];
      return {
        workstream_id: ws.id,
        title: `Parallel ${n}`,
        ...(ws === a1 && n % 2 === 0 ? { milestone_id: m.id, depends_on: [first.id], assigned_agent_ids: [engineering.id] } : {}),
        ...(n === 4 ? { sequence: 100 } : {}),
      };
    });
    const bad = { workstream_id: a1.id, title: 'Waits for nothing', depends_on: [MISSING_ID] };
    const [refused, ...answers] = await Promise.all([bad, ...bodies].map((body) => w.call('POST', '/api/client/tasks', body)));
    assertWorkError(refused, 404, 'not_found');
    assert.deepEqual(answers.map((r) => r.statusCode), bodies.map(() => 201));
    const created = answers.map((r) => r.json().data);

    // Each as asked, and as GET shows it.
    for (const [n, task] of created.entries()) {
      const body = bodies[n];
      assert.deepEqual(
        [task.workstream_id, task.initiative_id, task.milestone_id, task.depends_on, task.assigned_agent_ids],
        [body.workstream_id, body.workstream_id === b1.id ? b.id : a.id, body.milestone_id ?? null, body.depends_on ?? [], body.assigned_agent_ids ?? []],
      );
      assert.deepEqual(await w.get('tasks', task.id), task);
    }
    // Sequences: the one given, the others each after the last, one number each.
    const sequencesOf = (ws: { id: string }) => created.filter((x) => x.workstream_id === ws.id).map((x) => x.sequence).sort((x, y) => x - y);
    assert.deepEqual(sequencesOf(a1), [3, 4, 5, 6, 7, 8, 9, 10]);
    // In A2 the task given 100 came somewhere among the others: those before it count from 1,
    // those after it from 101.
    const a2Sequences = sequencesOf(a2);
    const below = a2Sequences.filter((x) => x < 100);
    const above = a2Sequences.filter((x) => x > 100);
    assert.deepEqual([below, a2Sequences[below.length], above], [below.map((_, i) => i + 1), 100, above.map((_, i) => 101 + i)]);
    assert.equal(below.length + above.length, 7);
    assert.deepEqual(sequencesOf(b1), [1, 2, 3, 4, 5, 6, 7, 8]);
    // Counts, the rows behind the lists, and nothing of the bad one.
    assert.deepEqual(
      await Promise.all([w.get('workstreams', a1.id), w.get('workstreams', a2.id), w.get('workstreams', b1.id), w.get('milestones', m.id)]).then((xs) => xs.map((x) => x.tasks_total)),
      [10, 8, 8, 4],
    );
    const [ia, ib] = [await w.get('initiatives', a.id), await w.get('initiatives', b.id)];
    assert.deepEqual([ia.tasks_total, ia.tasks_done, ia.progress, ib.tasks_total], [18, 1, 5, 8]);
    const [assignees] = await t.rt.db.select({ n: count() }).from(taskAgents).where(eq(taskAgents.tenantId, tenantId));
    const [dependencies] = await t.rt.db.select({ n: count() }).from(taskDependencies).where(eq(taskDependencies.tenantId, tenantId));
    assert.deepEqual([assignees.n, dependencies.n], [4, 4]);
    assert.equal((await t.rt.db.select().from(tasks).where(and(eq(tasks.tenantId, tenantId), eq(tasks.title, bad.title)))).length, 0);
    const [row] = await t.rt.db.select({ last: workstreams.lastSequence }).from(workstreams).where(eq(workstreams.id, a2.id));
    assert.equal(row.last, a2Sequences.at(-1));

    // One task.created per task, as created; initiative.updated only as A's progress moved.
    const evts = await workEvents(t, tenantId, seq);
    const announced = evts.filter((e) => e.type === 'task.created').map((e) => e.data.task);
    assert.deepEqual(
      announced.sort((x, y) => x.id.localeCompare(y.id)),
      [...created].sort((x, y) => x.id.localeCompare(y.id)),
    );
    const progressed = evts.filter((e) => e.type === 'initiative.updated').map((e) => e.data);
    assert.ok(progressed.length >= 1);
    for (const [i, { initiative, changed }] of progressed.entries()) {
      assert.deepEqual([initiative.id, changed], [a.id, ['progress']]);
      assert.equal(initiative.progress, Math.floor((initiative.tasks_done * 100) / initiative.tasks_total));
      if (i > 0) assert.ok(initiative.tasks_total > progressed[i - 1].initiative.tasks_total && initiative.progress < progressed[i - 1].initiative.progress);
    }
    // Each initiative.updated comes after the task.created of every task it counts.
    for (const e of evts.filter((x) => x.type === 'initiative.updated')) {
      const before = evts.filter((x) => x.seq < e.seq && x.type === 'task.created' && x.data.task.initiative_id === a.id).length;
      assert.equal(before, e.data.initiative.tasks_total - 2); // the two made before the burst
    }
  });

  test('POST without sequence: after the highest the workstream has had — through PATCH, moves and deletes', async () => {
    const { w, initiative } = await setup();
    const ws = await w.create('workstreams', { initiative_id: initiative.id, name: 'W' });
    const other = await w.create('workstreams', { initiative_id: initiative.id, name: 'Other' });
    const lastOf = async (id: string) => (await t.rt.db.select({ last: workstreams.lastSequence }).from(workstreams).where(eq(workstreams.id, id)))[0].last;
    const one = await w.create('tasks', { workstream_id: ws.id, title: 'One' });
    const two = await w.create('tasks', { workstream_id: ws.id, title: 'Two' });
    assert.deepEqual([one.sequence, two.sequence, await lastOf(ws.id)], [1, 2, 2]);

    await w.ok('PATCH', `/api/client/tasks/${two.id}`, { sequence: 40 });
    const three = await w.create('tasks', { workstream_id: ws.id, title: 'Three' });
    assert.equal(three.sequence, 41);
    // A lower sequence does not pull the next one back; a deleted task's number is not reused.
    await w.ok('PATCH', `/api/client/tasks/${three.id}`, { sequence: 5 });
    await w.ok('DELETE', `/api/client/tasks/${two.id}`);
    assert.equal((await w.create('tasks', { workstream_id: ws.id, title: 'Four' })).sequence, 42);
    // A task moved in keeps its number, and the workstream it joins continues after it.
    const moved = await w.create('tasks', { workstream_id: ws.id, title: 'Moved', sequence: 70 });
    await w.ok('PATCH', `/api/client/tasks/${moved.id}`, { workstream_id: other.id });
    assert.equal((await w.get('tasks', moved.id)).sequence, 70);
    assert.equal((await w.create('tasks', { workstream_id: other.id, title: 'After the move' })).sequence, 71);
    assert.deepEqual([await lastOf(ws.id), await lastOf(other.id)], [70, 71]);
  });

  test('POST: references that break the hierarchy → 400; ids not in this workspace → 404; nothing created', async () => {
    const { tenantId, w, initiative } = await setup();
    const other = await setup();
    const ws = await w.create('workstreams', { initiative_id: initiative.id, name: 'W' });
    const ws2 = await w.create('workstreams', { initiative_id: initiative.id, name: 'W2' });
    const mOfWs2 = await w.create('milestones', { workstream_id: ws2.id, title: 'M of W2' });
    const elsewhere = await w.create('initiatives', { title: 'Elsewhere' });
    const elsewhereWs = await w.create('workstreams', { initiative_id: elsewhere.id, name: 'EW' });
    const elsewhereTask = await w.create('tasks', { workstream_id: elsewhereWs.id, title: 'ET' });
    const mElsewhere = await w.create('milestones', { initiative_id: elsewhere.id, title: 'EM' });
    const wholeM = await w.create('milestones', { initiative_id: initiative.id, title: 'Whole' });
    const theirWs = await other.w.create('workstreams', { initiative_id: other.initiative.id, name: 'TW' });
    const theirTask = await other.w.create('tasks', { workstream_id: theirWs.id, title: 'TT' });

    const cases: [unknown, number, string[]][] = [
      [{ title: 'x' }, 400, ['workstream_id']],
      [{ milestone_id: wholeM.id, title: 'x' }, 400, ['workstream_id']],
      [{ workstream_id: ws.id, milestone_id: mOfWs2.id, title: 'x' }, 400, ['milestone_id']],
      [{ workstream_id: ws.id, milestone_id: mElsewhere.id, title: 'x' }, 400, ['milestone_id']],
      [{ workstream_id: ws.id, initiative_id: elsewhere.id, title: 'x' }, 400, ['initiative_id']],
      [{ workstream_id: ws.id, depends_on: [elsewhereTask.id], title: 'x' }, 400, ['depends_on']],
      [{ workstream_id: theirWs.id, title: 'x' }, 404, ['workstream_id']],
      [{ workstream_id: MISSING_ID, title: 'x' }, 404, ['workstream_id']],
      [{ workstream_id: ws.id, milestone_id: MISSING_ID, title: 'x' }, 404, ['milestone_id']],
      [{ workstream_id: ws.id, depends_on: [theirTask.id], title: 'x' }, 404, ['depends_on']],
      [{ workstream_id: ws.id, depends_on: ['junk'], title: 'x' }, 404, ['depends_on']],
      [{ workstream_id: ws.id, assigned_agent_ids: ['ghost-agent'], title: 'x' }, 404, ['assigned_agent_ids']],
      [{ workstream_id: ws.id, assigned_agent_ids: [MISSING_ID], title: 'x' }, 404, ['assigned_agent_ids']],
    ];
    for (const [body, status, expected] of cases) {
      const res = await w.call('POST', '/api/client/tasks', body);
      const err = assertWorkError(res, status, status === 400 ? 'validation_failed' : 'not_found');
      assert.deepEqual(fields(err), expected, JSON.stringify(body));
    }
    const mine = await t.rt.db.select().from(tasks).where(and(eq(tasks.tenantId, tenantId), eq(tasks.initiativeId, initiative.id)));
    assert.deepEqual(mine, []);
    const [row] = await t.rt.db.select().from(initiatives).where(eq(initiatives.id, initiative.id));
    assert.equal(row.taskCount, 0);
  });

  test('POST into a completed workstream or milestone, or a closed initiative → 409', async () => {
    const { w, initiative } = await setup();
    const ws = await w.create('workstreams', { initiative_id: initiative.id, name: 'Open' }); // keeps the initiative open
    const done = await w.create('workstreams', { initiative_id: initiative.id, name: 'Done' });
    await w.act('workstreams', done.id, 'complete');
    assert.match(assertWorkError(await w.call('POST', '/api/client/tasks', { workstream_id: done.id, title: 'x' }), 409, 'conflict').error.message, /workstream is completed/);
    const m = await w.create('milestones', { workstream_id: ws.id, title: 'M' });
    await w.act('milestones', m.id, 'cancel');
    assert.match(assertWorkError(await w.call('POST', '/api/client/tasks', { workstream_id: ws.id, milestone_id: m.id, title: 'x' }), 409, 'conflict').error.message, /milestone is cancelled/);
    await w.act('initiatives', initiative.id, 'archive');
    assert.match(assertWorkError(await w.call('POST', '/api/client/tasks', { workstream_id: ws.id, title: 'x' }), 409, 'conflict').error.message, /initiative is archived/);
    assert.equal((await w.get('initiatives', initiative.id)).tasks_total, 0);
  });

  test('PATCH depends_on: on itself or closing a cycle → 400, unchanged; a valid list replaces the old', async () => {
    const { w, initiative } = await setup();
    const ws = await w.create('workstreams', { initiative_id: initiative.id, name: 'W' });
    const t1 = await w.create('tasks', { workstream_id: ws.id, title: 't1' });
    const t2 = await w.create('tasks', { workstream_id: ws.id, title: 't2', depends_on: [t1.id] });
    const t3 = await w.create('tasks', { workstream_id: ws.id, title: 't3', depends_on: [t2.id] });
    const self = assertWorkError(await w.call('PATCH', `/api/client/tasks/${t1.id}`, { depends_on: [t1.id] }), 400, 'validation_failed');
    assert.match(self.error.details.fields.depends_on[0], /itself/);
    const cycle = assertWorkError(await w.call('PATCH', `/api/client/tasks/${t1.id}`, { depends_on: [t3.id], title: 'renamed' }), 400, 'validation_failed');
    assert.match(cycle.error.details.fields.depends_on[0], /cycle/);
    assertWorkError(await w.call('PATCH', `/api/client/tasks/${t2.id}`, { depends_on: [t3.id] }), 400, 'validation_failed');
    assert.deepEqual(await w.get('tasks', t1.id), t1);
    const replanned = await w.ok('PATCH', `/api/client/tasks/${t3.id}`, { depends_on: [t1.id, t2.id] });
    assert.deepEqual(replanned.depends_on, [t1.id, t2.id].sort());
    assert.deepEqual((await w.ok('PATCH', `/api/client/tasks/${t3.id}`, { depends_on: [] })).depends_on, []);
  });

  test('PATCH moves a task within its initiative (counts follow); to another initiative’s workstream → 400', async () => {
    const { w, initiative } = await setup();
    const a = await w.create('workstreams', { initiative_id: initiative.id, name: 'A' });
    const b = await w.create('workstreams', { initiative_id: initiative.id, name: 'B' });
    const m = await w.create('milestones', { workstream_id: a.id, title: 'M in A' });
    const task = await w.create('tasks', { workstream_id: a.id, milestone_id: m.id, title: 'Mover' });
    const stay = await w.create('tasks', { workstream_id: a.id, title: 'Stays' });
    await w.act('tasks', stay.id, 'complete');
    const elsewhere = await w.create('initiatives', { title: 'Elsewhere' });
    const foreign = await w.create('workstreams', { initiative_id: elsewhere.id, name: 'F' });
    assertWorkError(await w.call('PATCH', `/api/client/tasks/${task.id}`, { workstream_id: foreign.id }), 400, 'validation_failed');
    // The milestone belongs to A: moving to B needs leaving it too.
    assertWorkError(await w.call('PATCH', `/api/client/tasks/${task.id}`, { workstream_id: b.id }), 400, 'validation_failed');
    const moved = await w.ok('PATCH', `/api/client/tasks/${task.id}`, { workstream_id: b.id, milestone_id: null });
    assert.deepEqual([moved.workstream_id, moved.milestone_id], [b.id, null]);
    const [na, nb, nm] = [await w.get('workstreams', a.id), await w.get('workstreams', b.id), await w.get('milestones', m.id)];
    assert.deepEqual([na.tasks_total, na.tasks_done, na.status, na.progress], [1, 1, 'completed', 100], 'A has only its done task left');
    assert.deepEqual([nb.tasks_total, nb.tasks_done], [1, 0]);
    assert.deepEqual([nm.tasks_total, nm.tasks_done], [0, 0]);
  });

  test('the whole transition table (a task free to start): 200 with the new status, else 409 and unchanged', async () => {
    const { tenantId, w, initiative } = await setup();
    const ws = await w.create('workstreams', { initiative_id: initiative.id, name: 'W' });
    for (const from of TASK_STATUSES) {
      for (const [action, rule] of Object.entries(TASK_ACTIONS)) {
        // A fresh task each time: done is final and counts toward progress.
        const task = await w.create('tasks', { workstream_id: ws.id, title: `${action} from ${from}` });
        await t.rt.db.update(tasks).set({ status: from }).where(and(eq(tasks.tenantId, tenantId), eq(tasks.id, task.id)));
        const res = await w.call('POST', `/api/client/tasks/${task.id}/actions/${action}`);
        if ((rule.from as readonly string[]).includes(from)) {
          assert.equal(res.statusCode, 200, `${action} from ${from}: ${res.body}`);
          assert.equal(res.json().data.status, rule.to);
        } else {
          assertWorkError(res, 409, 'conflict');
          assert.equal((await w.get('tasks', task.id)).status, from, `${action} from ${from} changed nothing`);
        }
      }
    }
  });

  test('starting needs: a running initiative, a workstream neither pending nor paused, every dependency done', async () => {
    const { w, initiative } = await setup();
    const a = await w.create('workstreams', { initiative_id: initiative.id, name: 'A' });
    const b = await w.create('workstreams', { initiative_id: initiative.id, name: 'B', depends_on: [a.id] });
    const t1 = await w.create('tasks', { workstream_id: a.id, title: 't1' });
    const t2 = await w.create('tasks', { workstream_id: a.id, title: 't2', depends_on: [t1.id] });
    const tb = await w.create('tasks', { workstream_id: b.id, title: 'tb' });
    assert.match(assertWorkError(await w.call('POST', `/api/client/tasks/${t2.id}/actions/start`), 409, 'conflict').error.message, /waits for 1 task/);
    assert.match(assertWorkError(await w.call('POST', `/api/client/tasks/${t2.id}/actions/complete`), 409, 'conflict').error.message, /waits for 1 task/);
    assert.match(assertWorkError(await w.call('PATCH', `/api/client/tasks/${tb.id}`, { status: 'in_progress' }), 409, 'conflict').error.message, /pending/);
    await w.act('workstreams', a.id, 'start');
    await w.act('workstreams', a.id, 'pause');
    assert.match(assertWorkError(await w.call('POST', `/api/client/tasks/${t1.id}/actions/start`), 409, 'conflict').error.message, /paused/);
    await w.act('workstreams', a.id, 'resume');
    await w.act('initiatives', initiative.id, 'pause');
    assert.match(assertWorkError(await w.call('POST', `/api/client/tasks/${t1.id}/actions/start`), 409, 'conflict').error.message, /initiative is paused/);
    await w.act('initiatives', initiative.id, 'resume');
    const started = await w.act('tasks', t1.id, 'start');
    assert.equal(started.status, 'in_progress');
    assert.ok(started.started_at);
    for (const x of [t2, tb]) assert.equal((await w.get('tasks', x.id)).status, 'todo');
  });

  test('block and unblock write task.updated with the reason; PATCH status maps to the action', async () => {
    const { tenantId, w, initiative } = await setup();
    const ws = await w.create('workstreams', { initiative_id: initiative.id, name: 'W' });
    const task = await w.create('tasks', { workstream_id: ws.id, title: 'T' });
    const seq = await lastSeq(t);
    await w.ok('POST', `/api/client/tasks/${task.id}/actions/block`, { reason: 'Waiting on legal' });
    assert.equal((await w.ok('PATCH', `/api/client/tasks/${task.id}`, { status: 'todo', title: 'T2' })).status, 'todo');
    const evts = await workEvents(t, tenantId, seq);
    assert.deepEqual(
      evts.map((e) => [e.type, e.data.changed, e.data.action ?? null, e.data.reason ?? null, e.data.task.status]),
      [
        ['task.updated', ['status'], 'block', 'Waiting on legal', 'blocked'],
        ['task.updated', ['title'], null, null, 'blocked'],
        ['task.updated', ['status'], 'unblock', null, 'todo'],
      ],
    );
  });

  test('DELETE: the task goes, counts follow, dependants lose the dependency, the workstream may complete', async () => {
    const { tenantId, w, initiative } = await setup();
    const ws = await w.create('workstreams', { initiative_id: initiative.id, name: 'W' });
    const done = await w.create('tasks', { workstream_id: ws.id, title: 'done' });
    const open = await w.create('tasks', { workstream_id: ws.id, title: 'open' });
    const dependant = await w.create('tasks', { workstream_id: ws.id, title: 'dependant', depends_on: [open.id] });
    await w.act('tasks', done.id, 'complete');
    await w.act('tasks', dependant.id, 'block');
    assert.equal((await w.get('initiatives', initiative.id)).progress, 33);

    const seq = await lastSeq(t);
    assert.deepEqual(await w.ok('DELETE', `/api/client/tasks/${open.id}`), { id: open.id, deleted: true });
    assert.deepEqual((await w.get('tasks', dependant.id)).depends_on, []);
    const i = await w.get('initiatives', initiative.id);
    assert.deepEqual([i.tasks_total, i.tasks_done, i.progress], [2, 1, 50]);
    assert.deepEqual((await workEvents(t, tenantId, seq)).map((e) => e.type), ['task.deleted', 'initiative.updated']);

    await w.ok('DELETE', `/api/client/tasks/${dependant.id}`);
    const wsNow = await w.get('workstreams', ws.id);
    assert.deepEqual([wsNow.status, wsNow.progress], ['completed', 100]);
    assert.equal((await w.get('initiatives', initiative.id)).status, 'completed');
  });

  test('GET: lists by initiative, workstream (in sequence order), milestone, status; another workspace’s → 404 everywhere', async () => {
    const { w, initiative } = await setup();
    const other = await setup();
    const ws = await w.create('workstreams', { initiative_id: initiative.id, name: 'W' });
    const m = await w.create('milestones', { workstream_id: ws.id, title: 'M' });
    const late = await w.create('tasks', { workstream_id: ws.id, title: 'late', sequence: 9 });
    const early = await w.create('tasks', { workstream_id: ws.id, milestone_id: m.id, title: 'early', sequence: 1 });
    await w.act('tasks', early.id, 'start');
    const earlyNow = await w.get('tasks', early.id);
    assert.deepEqual((await w.ok('GET', `/api/client/tasks?workstream_id=${ws.id}`)).map((x: any) => x.id), [early.id, late.id]);
    assert.deepEqual((await w.ok('GET', `/api/client/tasks?initiative_id=${initiative.id}`)).map((x: any) => x.id), [late.id, early.id]);
    assert.deepEqual(await w.ok('GET', `/api/client/tasks?milestone_id=${m.id}`), [earlyNow]);
    assert.deepEqual(await w.ok('GET', '/api/client/tasks?status=in_progress'), [earlyNow]);
    const theirWs = await other.w.create('workstreams', { initiative_id: other.initiative.id, name: 'TW' });
    const theirs = await other.w.create('tasks', { workstream_id: theirWs.id, title: 'Theirs' });
    assert.deepEqual(await w.ok('GET', `/api/client/tasks?workstream_id=${theirWs.id}`), []);
    // Unfiltered (the prepared statements): this workspace's tasks only, oldest first, paged.
    const lateNow = await w.get('tasks', late.id);
    assert.deepEqual(await w.ok('GET', '/api/client/tasks'), [lateNow, earlyNow]);
    assert.deepEqual(await w.ok('GET', '/api/client/tasks?limit=1&offset=1'), [earlyNow]);
    assert.deepEqual((await other.w.ok('GET', '/api/client/tasks')).map((x: any) => x.id), [theirs.id]);
    for (const [method, suffix, body] of [
      ['GET', '', undefined],
      ['PATCH', '', { title: 'Mine' }],
      ['DELETE', '', undefined],
      ['POST', '/actions/start', undefined],
    ] as const) {
      assertWorkError(await w.call(method, `/api/client/tasks/${theirs.id}${suffix}`, body), 404, 'not_found');
    }
    assert.deepEqual(await other.w.get('tasks', theirs.id), theirs);
  });
});
