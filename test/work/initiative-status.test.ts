// An initiative's status follows its work (src/work/cascade.ts, settle): a draft becomes active
// when work starts on it — a task starts (its action, or PATCH status), or an agent is dispatched
// on one of its tasks — with one initiative.updated (changed status, cause work_started) in the
// same transaction. Planning (creating workstreams and tasks) leaves it a draft.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { and, eq } from 'drizzle-orm';
import { initiatives } from '../../src/work/tables.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { assertWorkError } from '../helpers/assertions.ts';
import { lastSeq, workClient, workEvents } from '../helpers/work.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.close());

async function draft() {
  const { tenant, key } = await t.tenantWithKey();
  const w = workClient(t, key);
  const initiative = await w.create('initiatives', { title: 'Spring launch' });
  const stream = await w.create('workstreams', { initiative_id: initiative.id, name: 'Build' });
  const first = await w.create('tasks', { workstream_id: stream.id, title: 'First' });
  const second = await w.create('tasks', { workstream_id: stream.id, title: 'Second' });
  const statusInDb = async () =>
    (await t.rt.db.select({ status: initiatives.status }).from(initiatives).where(and(eq(initiatives.tenantId, tenant.id), eq(initiatives.id, initiative.id))))[0].status;
  return { tenantId: tenant.id, w, initiative, stream, first, second, statusInDb };
}

const initiativeEvents = async (tenantId: string, after: number) => (await workEvents(t, tenantId, after)).filter((e) => e.type === 'initiative.updated');

describe('a draft initiative becomes active when work starts on it', () => {
  test('planning leaves it a draft; starting a task activates it, with initiative.updated (cause work_started)', async () => {
    const { tenantId, w, initiative, first, statusInDb } = await draft();
    assert.equal(await statusInDb(), 'draft');
    assert.equal((await w.get('initiatives', initiative.id)).status, 'draft');

    const seq = await lastSeq(t);
    const started = await w.act('tasks', first.id, 'start');
    assert.equal(started.status, 'in_progress');
    assert.equal(await statusInDb(), 'active');
    assert.equal((await w.get('initiatives', initiative.id)).status, 'active');
    const events = await initiativeEvents(tenantId, seq);
    assert.equal(events.length, 1);
    assert.deepEqual(events[0].data.changed, ['status']);
    assert.equal(events[0].data.cause, 'work_started');
    assert.equal(events[0].data.initiative.status, 'active');
    // The board's live view shows it active at once.
    const live = (await w.call('GET', '/api/client/live/initiatives')).json();
    assert.equal(live.initiatives.find((i: any) => i.id === initiative.id).status, 'active');

    // Further work changes nothing more about its status.
    const again = await lastSeq(t);
    await w.act('tasks', first.id, 'block');
    await w.act('tasks', first.id, 'start');
    assert.deepEqual(await initiativeEvents(tenantId, again), []);
  });

  test('a task moved to in_progress by PATCH activates it too', async () => {
    const { tenantId, w, second, statusInDb } = await draft();
    const seq = await lastSeq(t);
    assert.equal((await w.ok('PATCH', `/api/client/tasks/${second.id}`, { status: 'in_progress' })).status, 'in_progress');
    assert.equal(await statusInDb(), 'active');
    assert.equal((await initiativeEvents(tenantId, seq))[0].data.cause, 'work_started');
  });

  test('dispatching an agent on one of its tasks (a run starts) activates it', async () => {
    const { tenantId, w, first, statusInDb } = await draft();
    const seq = await lastSeq(t);
    const run = await w.ok('POST', '/api/client/runs', { agent_id: 'engineering-agent', task_id: first.id }, 201);
    assert.equal(run.status, 'running');
    assert.equal(await statusInDb(), 'active');
    const types = (await workEvents(t, tenantId, seq)).map((e) => e.type);
    assert.ok(types.includes('initiative.updated') && types.includes('agent.started'), types.join());
    assert.deepEqual((await initiativeEvents(tenantId, seq)).map((e) => [e.data.changed, e.data.cause]), [[['status'], 'work_started']]);
  });

  test('completing its last open work in one step: active on the way, then completed, in one event', async () => {
    const { tenantId, w, first, second, statusInDb } = await draft();
    await w.ok('DELETE', `/api/client/tasks/${second.id}`);
    const seq = await lastSeq(t);
    await w.act('tasks', first.id, 'complete');
    assert.equal(await statusInDb(), 'completed');
    const [event] = await initiativeEvents(tenantId, seq);
    assert.deepEqual(event.data.changed, ['progress', 'status']);
    assert.equal(event.data.initiative.status, 'completed');
  });

  test('a paused initiative is not woken by work: its tasks cannot start (409) and it stays paused', async () => {
    const { tenantId, w, initiative, first, statusInDb } = await draft();
    await w.act('initiatives', initiative.id, 'launch');
    await w.act('initiatives', initiative.id, 'pause');
    const seq = await lastSeq(t);
    assertWorkError(await w.call('POST', `/api/client/tasks/${first.id}/actions/start`), 409, 'conflict');
    assertWorkError(await w.call('POST', '/api/client/runs', { agent_id: 'engineering-agent', task_id: first.id }), 409, 'conflict');
    assert.equal(await statusInDb(), 'paused');
    assert.deepEqual(await workEvents(t, tenantId, seq), []);
  });
});
