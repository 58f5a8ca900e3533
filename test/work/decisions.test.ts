// /api/client/decisions through HTTP: the shape, SLAs, links, the inbox order, and resolution —
// approve (a person; an option) and reject (a person; a reason), 403 human_required for keys,
// 409 once resolved — with the events each writes.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { eq } from 'drizzle-orm';
import { apiKeys } from '../../src/platform/tables.ts';
import { decisions, runs } from '../../src/work/tables.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { assertWorkError } from '../helpers/assertions.ts';
import { callAs, signIn } from '../helpers/sessions.ts';
import { lastSeq, MISSING_ID, UUID_RE, workClient, workEvents } from '../helpers/work.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.close());

const DECISION_KEYS = [
  'chosen_option_id',
  'created_at',
  'due_at',
  'id',
  'initiative_id',
  'options',
  'requested_by',
  'resolution_note',
  'resolved_at',
  'resolved_by',
  'run_id',
  'status',
  'summary',
  'task_id',
  'title',
  'type',
  'updated_at',
  'urgency',
];
const HOUR = 3_600_000;

/** A workspace with its tenant key (an automation) and an owner's user key (a person). */
async function setup() {
  const { tenant, key, keyId } = await t.tenantWithKey();
  const owner = await t.createUser({ tenantId: tenant.id, role: 'owner' });
  return { tenantId: tenant.id, keyId, owner, agent: workClient(t, key), person: workClient(t, await t.userKey(owner.id)) };
}

const fields = (body: any) => Object.keys(body.error.details.fields).sort();

describe('POST /api/client/decisions', () => {
  test('201: the exact shape, pending, due after the SLA of its urgency; requested_by is the calling key; decision.created', async () => {
    const { tenantId, keyId, agent } = await setup();
    const [key] = await t.rt.db.select().from(apiKeys).where(eq(apiKeys.id, keyId));
    const seq = await lastSeq(t);
    const d = await agent.create('decisions', { title: 'Ship on Friday?', summary: 'QA is green' });
    assert.deepEqual(Object.keys(d).sort(), DECISION_KEYS);
    assert.match(d.id, UUID_RE);
    assert.deepEqual(d, {
      id: d.id,
      title: 'Ship on Friday?',
      summary: 'QA is green',
      type: 'approval',
      urgency: 'medium',
      status: 'pending',
      options: [],
      chosen_option_id: null,
      resolution_note: null,
      initiative_id: null,
      task_id: null,
      run_id: null,
      requested_by: { type: 'key', id: keyId, name: key.prefix, key_name: key.name },
      resolved_by: null,
      due_at: new Date(Date.parse(d.created_at) + 24 * HOUR).toISOString(),
      resolved_at: null,
      created_at: d.created_at,
      updated_at: d.created_at,
    });
    assert.deepEqual((await workEvents(t, tenantId, seq)).map((e) => [e.type, e.data.decision]), [['decision.created', d]]);
  });

  test('SLAs 72h/24h/4h/1h; options keep their order and get ids; agent_id makes the agent the requester', async () => {
    const { person } = await setup();
    for (const [urgency, hours] of [
      ['low', 72],
      ['medium', 24],
      ['high', 4],
      ['critical', 1],
    ] as const) {
      const d = await person.create('decisions', { title: urgency, urgency, type: 'escalation' });
      assert.equal(Date.parse(d.due_at) - Date.parse(d.created_at), hours * HOUR, urgency);
      assert.equal(d.type, 'escalation');
      assert.equal(d.requested_by.type, 'user');
    }
    const d = await person.create('decisions', {
      title: 'Headline',
      options: [{ label: 'Bright' }, { id: 'local', label: 'Local', description: 'Neighbourhood angle' }, { label: 'Bold' }],
      agent_id: 'Marketing-Agent',
    });
    assert.deepEqual(d.options, [
      { id: 'opt_1', label: 'Bright', description: null },
      { id: 'local', label: 'Local', description: 'Neighbourhood angle' },
      { id: 'opt_3', label: 'Bold', description: null },
    ]);
    assert.deepEqual([d.requested_by.type, d.requested_by.name], ['agent', 'marketing-agent']);
    assert.match(d.requested_by.id, UUID_RE);
    assert.deepEqual(fields(assertWorkError(await person.call('POST', '/api/client/decisions', { title: 'x', options: [{ id: 'a', label: 'A' }, { id: 'a', label: 'B' }] }), 400, 'validation_failed')), ['options']);
    assert.deepEqual(fields(assertWorkError(await person.call('POST', '/api/client/decisions', { title: 'x', agent_id: 'ghost-agent' }), 404, 'not_found')), ['agent_id']);
    assert.deepEqual(fields(assertWorkError(await person.call('POST', '/api/client/decisions', { title: '', urgency: 'asap' }), 400, 'validation_failed')), ['title', 'urgency']);
  });

  test('links: a run implies its task and initiative, a task its initiative; mismatches 400; other workspaces 404', async () => {
    const { tenantId, agent } = await setup();
    const other = await setup();
    const i = await agent.create('initiatives', { title: 'I', status: 'active' });
    const j = await agent.create('initiatives', { title: 'J' });
    const ws = await agent.create('workstreams', { initiative_id: i.id, name: 'W' });
    const t1 = await agent.create('tasks', { workstream_id: ws.id, title: 't1' });
    const t2 = await agent.create('tasks', { workstream_id: ws.id, title: 't2', depends_on: [t1.id], assigned_agent_ids: ['product-agent'] });
    await agent.act('tasks', t1.id, 'complete');
    const [run] = await t.rt.db.select().from(runs).where(eq(runs.tenantId, tenantId));

    const byRun = await agent.create('decisions', { title: 'r', run_id: run.id });
    assert.deepEqual([byRun.run_id, byRun.task_id, byRun.initiative_id], [run.id, t2.id, i.id]);
    const byTask = await agent.create('decisions', { title: 't', task_id: t1.id });
    assert.deepEqual([byTask.run_id, byTask.task_id, byTask.initiative_id], [null, t1.id, i.id]);
    assert.equal((await agent.create('decisions', { title: 'i', initiative_id: j.id })).initiative_id, j.id);

    const theirs = await other.agent.create('initiatives', { title: 'Theirs' });
    const cases: [unknown, number, string[]][] = [
      [{ title: 'x', task_id: t1.id, initiative_id: j.id }, 400, ['initiative_id']],
      [{ title: 'x', run_id: run.id, task_id: t1.id }, 400, ['task_id']],
      [{ title: 'x', initiative_id: theirs.id }, 404, ['initiative_id']],
      [{ title: 'x', task_id: MISSING_ID }, 404, ['task_id']],
      [{ title: 'x', run_id: 'junk' }, 404, ['run_id']],
    ];
    for (const [body, status, expected] of cases) {
      assert.deepEqual(fields(assertWorkError(await agent.call('POST', '/api/client/decisions', body), status, status === 400 ? 'validation_failed' : 'not_found')), expected);
    }
    assert.equal((await t.rt.db.select().from(decisions).where(eq(decisions.tenantId, tenantId))).length, 3);

    // Deleting the task clears the links; the decision stays.
    await agent.ok('DELETE', `/api/client/tasks/${t2.id}`);
    const kept = await agent.get('decisions', byRun.id);
    assert.deepEqual([kept.run_id, kept.task_id, kept.initiative_id], [null, null, i.id]);
  });
});

describe('GET /api/client/decisions', () => {
  test('the inbox: pending first by due time (urgency and age together), then the resolved, newest first; filters', async () => {
    const { agent, person } = await setup();
    const low = await agent.create('decisions', { title: 'low', urgency: 'low' });
    const critical = await agent.create('decisions', { title: 'critical', urgency: 'critical' });
    const high = await agent.create('decisions', { title: 'high', urgency: 'high' });
    const resolvedOld = await agent.create('decisions', { title: 'resolved old', urgency: 'critical' });
    const resolvedNew = await agent.create('decisions', { title: 'resolved new' });
    await person.ok('POST', `/api/client/decisions/${resolvedOld.id}/actions/approve`);
    await person.ok('POST', `/api/client/decisions/${resolvedNew.id}/actions/reject`, { reason: 'No' });
    const list = await agent.call('GET', '/api/client/decisions');
    const body = list.json();
    assert.deepEqual(Object.keys(body), ['ok', 'data', 'total', 'pagination']);
    assert.deepEqual(body.data.map((d: any) => d.title), ['critical', 'high', 'low', 'resolved new', 'resolved old']);
    assert.equal(body.total, 5);
    assert.deepEqual((await agent.ok('GET', '/api/client/decisions?status=pending&urgency=critical,low')).map((d: any) => d.id), [critical.id, low.id]);
    assert.deepEqual((await agent.ok('GET', '/api/client/decisions?status=approved,rejected&limit=1&offset=1')).map((d: any) => d.id), [resolvedOld.id]);
    assert.deepEqual(await agent.get('decisions', high.id), high);
    assertWorkError(await agent.call('GET', '/api/client/decisions?urgency=soon'), 400, 'validation_failed');
    assertWorkError(await agent.call('GET', `/api/client/decisions/${MISSING_ID}`), 404, 'not_found');
  });
});

describe('resolving', () => {
  test('approve: a tenant or platform key → 403 human_required and nothing changes; a person approves with an option → decision.resolved', async () => {
    const { tenantId, owner, agent, person } = await setup();
    const d = await agent.create('decisions', { title: 'Pick', options: [{ id: 'a', label: 'A' }, { id: 'b', label: 'B' }] });
    const url = `/api/client/decisions/${d.id}/actions/approve`;
    const refused = assertWorkError(await agent.call('POST', url, { option_id: 'a' }), 403, 'human_required');
    assert.match(refused.error.message, /person/);
    const platform = workClient(t, await t.platformKey());
    assertWorkError(await platform.call('POST', url, { workspace_id: tenantId }), 403, 'human_required');
    assert.deepEqual(await agent.get('decisions', d.id), d);

    assert.deepEqual(fields(assertWorkError(await person.call('POST', url, { option_id: 'zzz' }), 400, 'validation_failed')), ['option_id']);
    const seq = await lastSeq(t);
    const approved = await person.ok('POST', url, { option_id: 'b', note: ' Go with B ' });
    assert.deepEqual(
      [approved.status, approved.chosen_option_id, approved.resolution_note, approved.resolved_by],
      ['approved', 'b', 'Go with B', { type: 'user', id: owner.id, name: owner.username }],
    );
    assert.ok(Math.abs(Date.parse(approved.resolved_at) - Date.now()) < 60_000);
    const evts = await workEvents(t, tenantId, seq);
    assert.deepEqual(evts.map((e) => [e.type, e.data.action, e.data.decision]), [['decision.resolved', 'approve', approved]]);

    // Resolved is final.
    for (const action of ['approve', 'reject', 'cancel', 'supersede']) {
      const res = await person.call('POST', `/api/client/decisions/${d.id}/actions/${action}`, { reason: 'again' });
      assert.match(assertWorkError(res, 409, 'conflict').error.message, /approved/);
    }
    assert.deepEqual(await person.get('decisions', d.id), approved);
  });

  test('reject needs a reason (400) and a person; a dashboard session may resolve too', async () => {
    const { tenantId, owner, agent, person } = await setup();
    const d = await agent.create('decisions', { title: 'Spend 2k?' });
    const url = `/api/client/decisions/${d.id}/actions/reject`;
    assertWorkError(await agent.call('POST', url, { reason: 'No budget' }), 403, 'human_required');
    assert.deepEqual(fields(assertWorkError(await person.call('POST', url), 400, 'validation_failed')), ['reason']);
    assert.deepEqual(fields(assertWorkError(await person.call('POST', url, { reason: '   ' }), 400, 'validation_failed')), ['reason']);
    const rejected = await person.ok('POST', url, { reason: 'No budget this quarter' });
    assert.deepEqual([rejected.status, rejected.resolution_note, rejected.chosen_option_id], ['rejected', 'No budget this quarter', null]);

    const browser = await signIn(t, owner.username);
    const other = await agent.create('decisions', { title: 'Via the dashboard' });
    const res = await callAs(t, 'POST', `/api/client/decisions/${other.id}/actions/approve`, { browser, body: {} });
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json().data.resolved_by, { type: 'user', id: owner.id, name: owner.username });
    const [row] = await t.rt.db.select().from(decisions).where(eq(decisions.id, other.id));
    assert.equal(row.tenantId, tenantId);
    assert.equal(row.status, 'approved');
  });

  test('cancel and supersede need no person; a member may read decisions but not resolve them', async () => {
    const { tenantId, agent } = await setup();
    const a = await agent.create('decisions', { title: 'Withdrawn' });
    const b = await agent.create('decisions', { title: 'Replaced' });
    const cancelled = await agent.ok('POST', `/api/client/decisions/${a.id}/actions/cancel`, { note: 'Not needed' });
    assert.deepEqual([cancelled.status, cancelled.resolution_note, cancelled.resolved_by.type], ['cancelled', 'Not needed', 'key']);
    assert.equal((await agent.act('decisions', b.id, 'supersede')).status, 'superseded');

    const member = await t.createUser({ tenantId, role: 'member' });
    const m = workClient(t, await t.userKey(member.id));
    const c = await agent.create('decisions', { title: 'For the owner' });
    assert.equal((await m.get('decisions', c.id)).status, 'pending');
    assertWorkError(await m.call('POST', `/api/client/decisions/${c.id}/actions/approve`), 403, 'forbidden');
    assertWorkError(await agent.call('POST', `/api/client/decisions/${c.id}/actions/maybe`), 404, 'not_found');
  });

  test('PATCH edits a pending decision (urgency moves due_at); once resolved → 409', async () => {
    const { tenantId, agent, person } = await setup();
    const d = await agent.create('decisions', { title: 'Edit me', urgency: 'low' });
    const seq = await lastSeq(t);
    const edited = await agent.ok('PATCH', `/api/client/decisions/${d.id}`, { urgency: 'critical', summary: 'Now urgent' });
    assert.equal(Date.parse(edited.due_at), Date.parse(d.created_at) + HOUR);
    assert.equal(edited.summary, 'Now urgent');
    assert.deepEqual((await workEvents(t, tenantId, seq)).map((e) => [e.type, e.data.changed]), [['decision.updated', ['summary', 'urgency', 'due_at']]]);
    await person.act('decisions', d.id, 'approve');
    assertWorkError(await agent.call('PATCH', `/api/client/decisions/${d.id}`, { title: 'Too late' }), 409, 'conflict');
  });

  test("another workspace's decision → 404 for every operation", async () => {
    const mine = await setup();
    const theirs = await setup();
    const d = await theirs.agent.create('decisions', { title: 'Theirs' });
    assertWorkError(await mine.person.call('GET', `/api/client/decisions/${d.id}`), 404, 'not_found');
    assertWorkError(await mine.person.call('PATCH', `/api/client/decisions/${d.id}`, { title: 'x' }), 404, 'not_found');
    assertWorkError(await mine.person.call('POST', `/api/client/decisions/${d.id}/actions/approve`), 404, 'not_found');
    assert.equal((await theirs.agent.get('decisions', d.id)).status, 'pending');
    assert.deepEqual(await mine.person.ok('GET', '/api/client/decisions'), []);
  });
});

