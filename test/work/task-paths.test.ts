// POST /api/client/tasks has two paths (src/work/tasks.ts createTask): the one statement of
// task-insert.ts (`rt.taskInserts`), and the transaction it falls back to when the statement
// answers null or cannot take the request (agents named by name). They must write the same thing:
// the task row, its dependencies and assignees, the counts of its workstream, milestone and
// initiative, and the same events (task.created, then initiative.updated when progress moves).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { and, asc, eq, gt } from 'drizzle-orm';
import { events } from '../../src/platform/tables.ts';
import { initiatives, milestones, taskAgents, taskDependencies, tasks, workstreams } from '../../src/work/tables.ts';
import type { TaskInserter } from '../../src/work/task-insert.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { lastSeq, workClient, type WorkClient } from '../helpers/work.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.close());

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

/** Ids as the role they play (`initiative`, `P1`, `engineering-agent`…), times and event ids as placeholders. */
function normalize(value: unknown, names: Map<string, string>): unknown {
  if (value instanceof Date) return '<time>';
  if (typeof value === 'string') return names.get(value) ?? (ISO.test(value) ? '<time>' : /^evt_/.test(value) ? '<event id>' : value);
  if (Array.isArray(value)) return value.map((v) => normalize(v, names));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalize(v, names)]));
  return value;
}

/**
 * An active initiative with workstream A, milestone M on A, and tasks P1 (done) and P2 (started
 * by auto-continue) in A: a new task changes the initiative's progress (1 of 2 → 1 of 3 done).
 */
async function hierarchy(w: WorkClient, names: Map<string, string>) {
  const initiative = await w.create('initiatives', { title: 'Launch', status: 'active' });
  const ws = await w.create('workstreams', { initiative_id: initiative.id, name: 'A' });
  const m = await w.create('milestones', { workstream_id: ws.id, title: 'M' });
  const p1 = await w.create('tasks', { workstream_id: ws.id, title: 'P1' });
  const p2 = await w.create('tasks', { workstream_id: ws.id, title: 'P2', milestone_id: m.id });
  await w.act('tasks', p1.id, 'complete');
  for (const [id, name] of [[initiative.id, 'initiative'], [ws.id, 'workstream'], [m.id, 'milestone'], [p1.id, 'P1'], [p2.id, 'P2']]) names.set(id, name);
  return { initiative, ws, m, p1, p2 };
}

/** Everything the creation of `taskId` wrote or changed, normalized. */
async function written(tenantId: string, h: Awaited<ReturnType<typeof hierarchy>>, taskId: string, since: number, names: Map<string, string>) {
  names.set(taskId, 'new task');
  const db = t.rt.db;
  const [task] = await db.select().from(tasks).where(and(eq(tasks.tenantId, tenantId), eq(tasks.id, taskId)));
  const dependencies = await db.select().from(taskDependencies).where(and(eq(taskDependencies.tenantId, tenantId), eq(taskDependencies.taskId, taskId)));
  const assignees = await db.select().from(taskAgents).where(and(eq(taskAgents.tenantId, tenantId), eq(taskAgents.taskId, taskId))).orderBy(asc(taskAgents.position));
  const [ws] = await db.select().from(workstreams).where(and(eq(workstreams.tenantId, tenantId), eq(workstreams.id, h.ws.id)));
  const [m] = await db.select().from(milestones).where(and(eq(milestones.tenantId, tenantId), eq(milestones.id, h.m.id)));
  const [i] = await db.select().from(initiatives).where(and(eq(initiatives.tenantId, tenantId), eq(initiatives.id, h.initiative.id)));
  const outbox = await db
    .select({ id: events.id, type: events.type, tenantId: events.tenantId, data: events.data })
    .from(events)
    .where(and(eq(events.tenantId, tenantId), gt(events.seq, since)))
    .orderBy(asc(events.seq));
  for (const e of outbox) {
    assert.match(e.id, /^evt_[A-Za-z0-9_-]{16}$/);
    const entry = t.rt.eventTypes[e.type];
    assert.ok(entry, e.type);
    assert.deepEqual(entry.data.parse(e.data), e.data, `${e.type} parses with its schema`);
  }
  const { tenantId: _w, ...wsRest } = ws;
  const { tenantId: _m, ...mRest } = m;
  const { tenantId: _i, ...iRest } = i;
  return normalize({ task, dependencies, assignees, workstream: wsRest, milestone: mRest, initiative: iRest, events: outbox }, names) as Record<string, any>;
}

test('a task made by the one statement and by the transaction: the same rows, counts and events', async () => {
  const { tenant, key } = await t.tenantWithKey();
  const w = workClient(t, key);
  const tenantName = new Map([[tenant.id, 'tenant']]);
  const engineer = await w.ok('GET', '/api/client/agents/engineering-agent');
  const designer = await w.ok('GET', '/api/client/agents/design-agent');
  const agentNames = [
    [engineer.id, 'engineering-agent'],
    [designer.id, 'design-agent'],
  ] as const;

  const real = t.rt.taskInserts;
  const answers: unknown[] = [];
  const body = (h: Awaited<ReturnType<typeof hierarchy>>, agents: string[]) => ({
    workstream_id: h.ws.id,
    title: 'Write the copy',
    description: 'Three variants',
    priority: 'high',
    milestone_id: h.m.id,
    depends_on: [h.p1.id],
    assigned_agent_ids: agents,
    due_date: '2026-12-31',
  });

  const results: Record<string, any>[] = [];
  for (const path of ['statement', 'fallback', 'by name'] as const) {
    const names = new Map<string, string>([...tenantName, ...agentNames]);
    const h = await hierarchy(w, names);
    const since = await lastSeq(t);
    t.rt.taskInserts = (async (tenantId: string, task: Parameters<TaskInserter>[1]) => {
      const answer = path === 'fallback' ? null : await real(tenantId, task);
      answers.push(answer);
      return answer;
    }) as TaskInserter;
    let created;
    try {
      created = await w.create('tasks', body(h, path === 'by name' ? ['ENGINEERING-AGENT', 'design-agent'] : [engineer.id, designer.id.toUpperCase()]));
    } finally {
      t.rt.taskInserts = real;
    }
    results.push({ path, created: normalize(created, new Map([...names, [created.id, 'new task']])), ...(await written(tenant.id, h, created.id, since, names)) });
  }
  // The statement took the first; the second fell back on its null; the third never asked it.
  assert.equal(answers.length, 2);
  assert.ok(answers[0] !== null, 'the one statement made the first task');
  assert.equal(answers[1], null);

  const [statement, fallback, byName] = results;
  assert.deepEqual(
    statement.events.map((e: any) => e.type),
    ['task.created', 'initiative.updated'],
    'the new task moves the progress, so both events are written',
  );
  assert.equal(statement.initiative.taskCount, 3);
  assert.deepEqual(statement.events[1].data.changed, ['progress']);
  for (const other of [fallback, byName]) {
    const { path: _a, ...a } = statement;
    const { path: _b, ...b } = other;
    assert.deepEqual(b, a, `${other.path} wrote what the one statement wrote`);
  }
  assert.deepEqual(statement.dependencies, [{ tenantId: 'tenant', taskId: 'new task', dependsOnId: 'P1' }]);
  assert.deepEqual(
    statement.assignees.map((r: any) => [r.agentId, r.position]),
    [
      ['engineering-agent', 0],
      ['design-agent', 1],
    ],
  );
  assert.deepEqual(statement.events[0].data.task, statement.created, 'task.created carries the task as the answer shows it');
});
