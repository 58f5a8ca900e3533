// Lenient, never silent requests on /api/client (docs/work-api-contract.md §2,
// src/platform/lenient-fields.ts): unknown fields and query parameters are accepted and named in
// `warnings` (nested ones too), the other casing of a field and the declared aliases (a
// workstream's `title` for `name`, `name` for the other levels' `title`) are read as the field, and
// an alias sent beside its field with another value is a 400 that changes nothing.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { and, count, eq } from 'drizzle-orm';
import { decisions, initiatives, milestones, tasks, workstreams } from '../../src/work/tables.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { assertWorkError } from '../helpers/assertions.ts';
import { INITIATIVE_KEYS, workClient } from '../helpers/work.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.close());

async function setup() {
  const { tenant, key } = await t.tenantWithKey();
  return { tenantId: tenant.id, w: workClient(t, key), key };
}

const rowsOf = async (table: typeof initiatives | typeof workstreams | typeof milestones | typeof tasks | typeof decisions, tenantId: string) =>
  (await t.rt.db.select({ n: count() }).from(table).where(eq(table.tenantId, tenantId)))[0].n;

describe('unknown fields are named in warnings', () => {
  test('unknown body fields: accepted, not stored, each named; no warnings key when there are none', async () => {
    const { tenantId, w } = await setup();
    const res = await w.call('POST', '/api/client/initiatives', { title: 'Extras', command_center_id: 'cc_1', colour: 'red' });
    assert.equal(res.statusCode, 201, res.body);
    const body = res.json();
    assert.deepEqual(Object.keys(body), ['ok', 'data', 'warnings']);
    assert.deepEqual(body.warnings, [
      { field: 'command_center_id', message: 'Unknown field; ignored' },
      { field: 'colour', message: 'Unknown field; ignored' },
    ]);
    assert.deepEqual(Object.keys(body.data).sort(), INITIATIVE_KEYS);
    const [row] = await t.rt.db.select().from(initiatives).where(and(eq(initiatives.tenantId, tenantId), eq(initiatives.id, body.data.id)));
    assert.equal(row.title, 'Extras');

    const clean = await w.call('POST', '/api/client/initiatives', { title: 'Clean' });
    assert.deepEqual(Object.keys(clean.json()), ['ok', 'data']);
  });

  test('unknown query parameters, on lists and on the contract shapes (live/initiatives stays { initiatives, total, pagination } plus warnings)', async () => {
    const { w } = await setup();
    await w.create('initiatives', { title: 'One', status: 'active' });
    const list = (await w.call('GET', '/api/client/initiatives?project_id=7&limit=5')).json();
    assert.deepEqual(Object.keys(list), ['ok', 'data', 'total', 'pagination', 'warnings']);
    assert.deepEqual(list.warnings, [{ field: 'project_id', message: 'Unknown query parameter; ignored' }]);
    assert.equal(list.pagination.limit, 5);

    const live = await w.call('GET', '/api/client/live/initiatives?view=compact');
    assert.equal(live.statusCode, 200, live.body);
    assert.deepEqual(Object.keys(live.json()), ['initiatives', 'total', 'pagination', 'warnings']);
    assert.deepEqual(live.json().warnings, [{ field: 'view', message: 'Unknown query parameter; ignored' }]);
    // The same page without extras (served from the node's live cache) has no warnings.
    assert.deepEqual(Object.keys((await w.call('GET', '/api/client/live/initiatives')).json()), ['initiatives', 'total', 'pagination']);
  });

  test('nested unknown fields are named by their path: decision options, tool arguments', async () => {
    const { tenantId, w } = await setup();
    const res = await w.call('POST', '/api/client/decisions', {
      title: 'Which headline?',
      options: [{ id: 'a', label: 'Bright' }, { id: 'b', label: 'Calm', colour: 'blue' }],
      requester: 'me',
    });
    assert.equal(res.statusCode, 201, res.body);
    assert.deepEqual(res.json().warnings, [
      { field: 'requester', message: 'Unknown field; ignored' },
      { field: 'options.1.colour', message: 'Unknown field; ignored' },
    ]);
    assert.deepEqual(res.json().data.options.map((o: any) => Object.keys(o).sort()), [
      ['description', 'id', 'label'],
      ['description', 'id', 'label'],
    ]);
    assert.equal(await rowsOf(decisions, tenantId), 1);

    const tool = await w.call('POST', '/api/client/tools/execute', { tool_id: 'orgx_search', args: { query: 'headline', fuzzy: true }, trace: 1 });
    assert.equal(tool.statusCode, 200, tool.body);
    assert.deepEqual(Object.keys(tool.json()), ['ok', 'data', 'tool_id', 'execution_time_ms', 'warnings']);
    assert.deepEqual(tool.json().warnings, [
      { field: 'args.fuzzy', message: 'Unknown argument; ignored' },
      { field: 'trace', message: 'Unknown field; ignored' },
    ]);
    assert.equal(tool.json().data.total, 1);
  });

  test('a flood of unknown fields lists 50 and counts the rest', async () => {
    const { w } = await setup();
    const body: Record<string, unknown> = { title: 'Flood' };
    for (let i = 0; i < 70; i++) body[`extra_${i}`] = i;
    const res = await w.call('POST', '/api/client/initiatives', body);
    assert.equal(res.statusCode, 201, res.body);
    const { warnings } = res.json();
    assert.equal(warnings.length, 51);
    assert.deepEqual(warnings[0], { field: 'extra_0', message: 'Unknown field; ignored' });
    assert.deepEqual(warnings[50], { field: '*', message: '20 more unknown fields; ignored' });
  });

  test('an idempotent replay carries the same warnings', async () => {
    const { tenantId, w } = await setup();
    const headers = { 'idempotency-key': 'extras-1' };
    const first = await w.call('POST', '/api/client/initiatives', { title: 'Once', legacy_id: 9 }, headers);
    const again = await w.call('POST', '/api/client/initiatives', { title: 'Once', legacy_id: 9 }, headers);
    assert.equal(again.headers['idempotent-replayed'], 'true');
    assert.deepEqual(again.json(), first.json());
    assert.deepEqual(again.json().warnings, [{ field: 'legacy_id', message: 'Unknown field; ignored' }]);
    assert.equal(await rowsOf(initiatives, tenantId), 1);
  });
});

describe('aliases: the other casing, and title ↔ name', () => {
  test("a workstream's title is its name; the other levels take name for title, and description/summary for each other", async () => {
    const { tenantId, w } = await setup();
    const initiative = await w.create('initiatives', { name: 'Named like a workstream', description: 'Why' });
    assert.deepEqual([initiative.title, initiative.summary], ['Named like a workstream', 'Why']);
    const res = await w.call('POST', '/api/client/workstreams', { initiativeId: initiative.id, title: 'Titled like a task', description: 'How' });
    assert.equal(res.statusCode, 201, res.body);
    assert.deepEqual(Object.keys(res.json()), ['ok', 'data'], 'an alias is no warning');
    const stream = res.json().data;
    assert.deepEqual([stream.name, stream.summary, stream.initiative_id], ['Titled like a task', 'How', initiative.id]);
    const milestone = await w.create('milestones', { workstreamId: stream.id, name: 'M1', summary: 'First cut', dueDate: '2030-01-31' });
    assert.deepEqual([milestone.title, milestone.description, milestone.due_date], ['M1', 'First cut', '2030-01-31']);
    const task = await w.create('tasks', { workstream_id: stream.id, name: 'T1', assignedAgentIds: ['engineering-agent'] });
    assert.equal(task.title, 'T1');
    assert.equal(task.assigned_agent_ids.length, 1);

    const renamed = await w.ok('PATCH', `/api/client/workstreams/${stream.id}`, { title: 'Renamed' });
    assert.equal(renamed.name, 'Renamed');
    assert.equal((await w.ok('PATCH', `/api/client/tasks/${task.id}`, { name: 'T1 renamed' })).title, 'T1 renamed');
    const [row] = await t.rt.db.select().from(workstreams).where(and(eq(workstreams.tenantId, tenantId), eq(workstreams.id, stream.id)));
    assert.deepEqual([row.name, row.summary], ['Renamed', 'How']);
  });

  test("spawn takes task_id for taskId (contract camelCase), and query parameters in either casing", async () => {
    const { w } = await setup();
    const i = await w.create('initiatives', { title: 'I', status: 'active' });
    const s = await w.create('workstreams', { initiative_id: i.id, name: 'S' });
    const task = await w.create('tasks', { workstream_id: s.id, title: 'Do it' });
    const snake = await w.ok('POST', '/api/client/spawn', { domain: 'engineering', task_id: task.id, task_title: 'Do it' });
    const camel = await w.ok('POST', '/api/client/spawn', { domain: 'engineering', taskId: task.id });
    assert.deepEqual(snake.checks.taskAssigned, { passed: true, taskId: task.id, status: 'todo' });
    assert.deepEqual(camel.checks.taskAssigned, snake.checks.taskAssigned);
    // Both names with the same value are one field.
    assert.equal((await w.ok('POST', '/api/client/spawn', { domain: 'engineering', taskId: task.id, task_id: task.id })).checks.taskAssigned.taskId, task.id);

    const run = await w.ok('POST', '/api/client/runs', { agentId: 'engineering-agent', taskId: task.id }, 201);
    const byCamel = (await w.call('GET', `/api/client/runs?taskId=${task.id}`)).json();
    assert.deepEqual(byCamel.data.map((r: any) => r.id), [run.id]);
    assert.equal(byCamel.warnings, undefined);
    const busy = (await w.call('GET', '/api/client/live/agents?includeIdle=false')).json();
    assert.deepEqual(busy.agents.map((a: any) => a.name), ['engineering-agent']);
  });

  test('an alias and its field with different values → 400 naming it, and nothing is written', async () => {
    const { tenantId, w } = await setup();
    const i = await w.create('initiatives', { title: 'I' });
    const both = assertWorkError(await w.call('POST', '/api/client/workstreams', { initiative_id: i.id, name: 'A', title: 'B' }), 400, 'validation_failed');
    assert.deepEqual(both.error.details.fields, { title: ['Sent both as name and as title, with different values: send one'] });
    assert.equal(await rowsOf(workstreams, tenantId), 0);

    const spawn = assertWorkError(await w.call('POST', '/api/client/spawn', { domain: 'engineering', taskId: 'a', task_id: 'b' }), 400, 'validation_failed');
    assert.deepEqual(Object.keys(spawn.error.details.fields), ['task_id']);
    assert.equal(await rowsOf(decisions, tenantId), 0);
    // The same value under both names is one field, not a conflict.
    const same = await w.call('POST', '/api/client/decisions', { title: 'D', initiativeId: i.id, initiative_id: i.id });
    assert.equal(same.statusCode, 201, same.body);
    assert.equal(same.json().data.initiative_id, i.id);
    assert.equal(same.json().warnings, undefined);
  });

  test('an alias conflict in the query is a 400 too', async () => {
    const { w } = await setup();
    const res = assertWorkError(await w.call('GET', '/api/client/runs?task_id=a&taskId=b'), 400, 'validation_failed');
    assert.deepEqual(Object.keys(res.error.details.fields), ['taskId']);
  });
});

describe('odd input is a 4xx, never a 500', () => {
  test('keys named like object internals, non-objects where objects go, repeated and aliased query parameters', async () => {
    const { tenantId, w } = await setup();
    const odd = await w.call('POST', '/api/client/initiatives', { title: 'Odd', constructor: 1, toString: 'x', hasOwnProperty: null, '': 2 });
    assert.equal(odd.statusCode, 201, odd.body);
    assert.deepEqual(odd.json().warnings.map((x: any) => x.field), ['constructor', 'toString', 'hasOwnProperty', '']);

    const long = 'k'.repeat(5000);
    const named = await w.call('POST', '/api/client/initiatives', { title: 'Long key', [long]: 1 });
    assert.equal(named.json().warnings[0].field, `${'k'.repeat(100)}…`, 'a long unknown name is shortened, not echoed whole');

    for (const body of [{ title: 'D', options: [1, 'x', null] }, { title: 'D', options: { label: 'not a list' } }, ['not', 'an', 'object']]) {
      assertWorkError(await w.call('POST', '/api/client/decisions', body), 400, 'validation_failed');
    }
    assertWorkError(await w.call('POST', '/api/client/decisions', '"text"', { 'content-type': 'application/json' }), 400, 'validation_failed');
    assert.equal(await rowsOf(decisions, tenantId), 0);

    assertWorkError(await w.call('GET', '/api/client/initiatives?limit=1&limit=2'), 400, 'validation_failed');
    assertWorkError(await w.call('GET', '/api/client/runs?task_id=a&task_id=b'), 400, 'validation_failed');
    const same = await w.call('GET', '/api/client/runs?task_id=a&taskId=a');
    assert.equal(same.statusCode, 200, same.body);
    assert.deepEqual(same.json().data, []);
    assertWorkError(await w.call('POST', '/api/client/tools/execute', { tool_id: 'orgx_search', args: { query: 'x', Query: 'y', limit: 500 } }), 400, 'validation_failed');
    assertWorkError(await w.call('POST', '/api/client/tools/execute', { tool_id: 'orgx_search', args: ['query'] }), 400, 'validation_failed');
  });
});

