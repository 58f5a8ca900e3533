// The documented agent endpoints of the contract through HTTP (docs/work-api-contract.md §4): live/agents
// (status and summary derived from runs, exact camelCase shape), the spawn preflight (dispatch
// bucket, quality gate, task check, model tier; dispatches nothing) and bootstrap, GET and POST
// (setup.ready false with the gaps when the credential lacks what the client requires).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { and, eq } from 'drizzle-orm';
import { uuidv7 } from '../../src/platform/ids.ts';
import { agents, runs } from '../../src/work/tables.ts';
import { startTestApp, testConfig, type TestApp } from '../helpers/app.ts';
import { assertWorkError } from '../helpers/assertions.ts';
import { lastSeq, MISSING_ID, workClient, workEvents } from '../helpers/work.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.close());

const LIVE_AGENT_KEYS = ['blockers', 'currentTask', 'domain', 'id', 'initiativeId', 'instanceCount', 'name', 'progress', 'runId', 'startedAt', 'status'];
const WORK_CAPABILITIES = ['initiatives:read', 'initiatives:write', 'decisions:read', 'decisions:write', 'agents:read', 'agents:write', 'memory:read'];

async function setup(opts: { permissions?: string[] } = {}) {
  const { tenant, key } = await t.tenantWithKey(opts);
  const w = workClient(t, key);
  const agentId = async (name: string) =>
    (await t.rt.db.select().from(agents).where(and(eq(agents.tenantId, tenant.id), eq(agents.name, name))))[0].id;
  return { tenant, tenantId: tenant.id, key, w, agentId };
}

async function hierarchy(w: ReturnType<typeof workClient>, tasks: Record<string, unknown>[]) {
  const I = (await w.create('initiatives', { title: 'Launch', status: 'active' })).id;
  const W = (await w.create('workstreams', { initiative_id: I, name: 'Build' })).id;
  const ids: string[] = [];
  for (const task of tasks) ids.push((await w.create('tasks', { workstream_id: W, ...task })).id);
  return { I, W, ids };
}

const dispatch = (w: ReturnType<typeof workClient>, agent: string, task: string) => w.ok('POST', '/api/client/runs', { agent_id: agent, task_id: task }, 201);

describe('GET /api/client/live/agents', () => {
  test('every agent idle in a new workspace: the exact shape and summary', async () => {
    const { w } = await setup();
    const res = await w.call('GET', '/api/client/live/agents');
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json();
    // The contract's { agents, summary }, with total and pagination added.
    assert.deepEqual(Object.keys(body), ['agents', 'summary', 'total', 'pagination']);
    assert.deepEqual(body.summary, { total: 7, running: 0, queued: 0, blocked: 0, idle: 7 });
    assert.deepEqual([body.total, body.pagination], [7, { limit: 200, offset: 0, has_more: false }]);
    const eng = body.agents.find((a: any) => a.name === 'engineering-agent');
    for (const a of body.agents) assert.deepEqual(Object.keys(a).sort(), LIVE_AGENT_KEYS);
    assert.deepEqual(eng, {
      id: eng.id,
      name: 'engineering-agent',
      domain: 'engineering',
      status: 'idle',
      currentTask: null,
      progress: 0,
      runId: null,
      initiativeId: null,
      startedAt: null,
      blockers: [],
      instanceCount: 0,
    });
  });

  test('status from the open runs: running before blocked before queued; instanceCount; include_idle; initiative filter; summary counts all', async () => {
    const { tenantId, w, agentId } = await setup();
    const other = await setup();
    const { I, ids } = await hierarchy(w, [{ title: 'Write the copy' }, { title: 'Pick the colours' }, { title: 'Draw the hero' }]);
    const second = await hierarchy(w, [{ title: 'Call the customers' }]);
    const e1 = await dispatch(w, 'engineering-agent', ids[0]);
    await w.ok('POST', `/api/client/runs/${e1.id}/activity`, { phase: 'execution', message: 'half', progress_pct: 50 }, 201);
    const e2 = await dispatch(w, 'engineering-agent', ids[1]);
    const p = await dispatch(w, 'product-agent', ids[1]);
    await w.ok('POST', `/api/client/runs/${p.id}/actions/block`, { blockers: ['Needs a decision'] });
    // A queued run (as auto-continue makes them).
    await t.rt.db.insert(runs).values({ tenantId, id: uuidv7(), agentId: await agentId('design-agent'), taskId: ids[2], initiativeId: I, status: 'queued', origin: 'auto_continue' });
    const s = await dispatch(w, 'sales-agent', second.ids[0]);
    const done = await dispatch(w, 'marketing-agent', ids[2]);
    await w.ok('POST', `/api/client/runs/${done.id}/actions/complete`, { complete_task: false });
    await dispatch(other.w, 'operations-agent', (await hierarchy(other.w, [{ title: 'Theirs' }])).ids[0]);

    const body = await (await w.call('GET', '/api/client/live/agents')).json();
    assert.deepEqual(body.summary, { total: 7, running: 2, queued: 1, blocked: 1, idle: 3 });
    const by = Object.fromEntries(body.agents.map((a: any) => [a.name, a]));
    // The most recently started running run is the current one.
    assert.deepEqual(by['engineering-agent'], {
      id: await agentId('engineering-agent'),
      name: 'engineering-agent',
      domain: 'engineering',
      status: 'running',
      currentTask: 'Pick the colours',
      progress: 0,
      runId: e2.id,
      initiativeId: I,
      startedAt: e2.started_at,
      blockers: [],
      instanceCount: 2,
    });
    assert.deepEqual([by['product-agent'].status, by['product-agent'].blockers, by['product-agent'].runId], ['blocked', ['Needs a decision'], p.id]);
    assert.deepEqual([by['design-agent'].status, by['design-agent'].currentTask, by['design-agent'].startedAt], ['queued', 'Draw the hero', null]);
    assert.deepEqual([by['sales-agent'].status, by['sales-agent'].initiativeId], ['running', second.I]);
    assert.deepEqual([by['marketing-agent'].status, by['operations-agent'].status], ['idle', 'idle']);

    const busy = (await (await w.call('GET', '/api/client/live/agents?include_idle=false')).json());
    assert.deepEqual(busy.agents.map((a: any) => a.name).sort(), ['design-agent', 'engineering-agent', 'product-agent', 'sales-agent']);
    assert.deepEqual(busy.summary, body.summary);
    assert.deepEqual([busy.total, busy.pagination], [4, { limit: 200, offset: 0, has_more: false }]);
    // Pages of the listed agents (in name order); the summary still counts every agent.
    const page = (await w.call('GET', '/api/client/live/agents?include_idle=false&limit=2&offset=1')).json();
    assert.deepEqual(page.agents.map((a: any) => a.name), ['engineering-agent', 'product-agent']);
    assert.deepEqual([page.total, page.pagination, page.summary], [4, { limit: 2, offset: 1, has_more: true }, body.summary]);

    const only = (await w.call('GET', `/api/client/live/agents?initiative=${second.I}&include_idle=false`)).json();
    assert.deepEqual(only.agents.map((a: any) => [a.name, a.runId]), [['sales-agent', s.id]]);
    assert.deepEqual(only.summary, { total: 7, running: 1, queued: 0, blocked: 0, idle: 6 });
    for (const bad of [MISSING_ID, 'nope', other.tenantId]) {
      assert.deepEqual((await w.call('GET', `/api/client/live/agents?initiative=${bad}`)).json().summary.idle, 7, bad);
    }
    assertWorkError(await w.call('GET', '/api/client/live/agents?include_idle=maybe'), 400, 'validation_failed');
    for (const q of ['limit=0', 'limit=201', 'offset=-1']) assertWorkError(await w.call('GET', `/api/client/live/agents?${q}`), 400, 'validation_failed');
  });

  test('needs agents:read (403); a platform key names the workspace', async () => {
    const { w, tenantId } = await setup({ permissions: ['initiatives:read'] });
    assertWorkError(await w.call('GET', '/api/client/live/agents'), 403, 'forbidden');
    const p = workClient(t, await t.platformKey());
    assertWorkError(await p.call('GET', '/api/client/live/agents'), 400, 'workspace_required');
    assert.equal((await p.call('GET', `/api/client/live/agents?workspace_id=${tenantId}`)).json().summary.total, 7);
  });
});

describe('POST /api/client/spawn', () => {
  const allClear = (max: number) => ({
    allowed: true,
    modelTier: 'standard',
    checks: {
      rateLimit: { passed: true, current: 0, max },
      qualityGate: { passed: true, score: null, threshold: 3 },
      taskAssigned: { passed: true, taskId: null, status: null },
    },
  });

  test('allowed in a new workspace: the exact shape, no blockedReason; dispatches and writes nothing', async () => {
    const { tenantId, w } = await setup();
    const seq = await lastSeq(t);
    const res = await w.call('POST', '/api/client/spawn', { domain: 'engineering', taskTitle: 'Fix the login' });
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json(), { ok: true, data: allClear(t.rt.config.workDispatchesPerHour) });
    assert.deepEqual(await workEvents(t, tenantId, seq), []);
    assert.deepEqual(await t.rt.db.select().from(runs).where(eq(runs.tenantId, tenantId)), []);
  });

  test('taskAssigned: a todo task passes; a task with an open run, a done task, an unknown or another workspace’s task do not', async () => {
    const { w } = await setup();
    const other = await setup();
    const { ids } = await hierarchy(w, [{ title: 'a' }, { title: 'b' }]);
    const theirs = (await hierarchy(other.w, [{ title: 'c' }])).ids[0];
    const spawn = async (taskId: string) => (await w.ok('POST', '/api/client/spawn', { domain: 'engineering', taskId }));
    let r = await spawn(ids[0]);
    assert.deepEqual([r.allowed, r.checks.taskAssigned, r.blockedReason], [true, { passed: true, taskId: ids[0], status: 'todo' }, undefined]);
    await dispatch(w, 'engineering-agent', ids[0]);
    r = await spawn(ids[0]);
    assert.deepEqual([r.allowed, r.checks.taskAssigned], [false, { passed: false, taskId: ids[0], status: 'in_progress' }]);
    assert.match(r.blockedReason, /open run/);
    await w.act('tasks', ids[1], 'complete');
    r = await spawn(ids[1]);
    assert.deepEqual([r.allowed, r.checks.taskAssigned], [false, { passed: false, taskId: ids[1], status: 'done' }]);
    assert.match(r.blockedReason, /done/);
    for (const id of [MISSING_ID, theirs, 'not-an-id']) {
      r = await spawn(id);
      assert.deepEqual([r.allowed, r.checks.taskAssigned], [false, { passed: false, taskId: id, status: null }], id);
    }
  });

  test('rateLimit: the dispatch bucket this hour, closed when full', async () => {
    const { tenantId, w, agentId } = await setup();
    const max = t.rt.config.workDispatchesPerHour;
    const sales = await agentId('sales-agent');
    const row = () => ({ tenantId, id: uuidv7(), agentId: sales, status: 'completed', origin: 'dispatch' });
    await t.rt.db.insert(runs).values(Array.from({ length: 5 }, row));
    let r = await w.ok('POST', '/api/client/spawn', { domain: 'sales' });
    assert.deepEqual([r.allowed, r.checks.rateLimit], [true, { passed: true, current: 5, max }]);
    await t.rt.db.insert(runs).values(Array.from({ length: max - 5 }, row));
    r = await w.ok('POST', '/api/client/spawn', { domain: 'sales' });
    assert.deepEqual([r.allowed, r.checks.rateLimit], [false, { passed: false, current: max, max }]);
    assert.match(r.blockedReason, /Dispatch limit/);
  });

  test('qualityGate: open below 3 scored runs; the mean of the last 20 scores against 3.0', async () => {
    const { tenantId, w, agentId } = await setup();
    const eng = await agentId('engineering-agent');
    let at = Date.parse('2026-01-01T00:00:00Z');
    const scored = (score: number) => ({ tenantId, id: uuidv7(), agentId: eng, status: 'completed', qualityScore: score, completedAt: new Date((at += 1000)) });
    await t.rt.db.insert(runs).values([scored(1), scored(1)]);
    let r = await w.ok('POST', '/api/client/spawn', { domain: 'engineering' });
    assert.deepEqual([r.allowed, r.checks.qualityGate], [true, { passed: true, score: 1, threshold: 3 }]);
    await t.rt.db.insert(runs).values([scored(4)]);
    r = await w.ok('POST', '/api/client/spawn', { domain: 'engineering' });
    assert.deepEqual([r.allowed, r.checks.qualityGate], [false, { passed: false, score: 2, threshold: 3 }]);
    assert.match(r.blockedReason, /Quality gate/);
    // Another domain is not affected.
    assert.equal((await w.ok('POST', '/api/client/spawn', { domain: 'design' })).allowed, true);
    // Twenty newer good scores push the bad ones out of the window.
    await t.rt.db.insert(runs).values(Array.from({ length: 20 }, () => scored(3)));
    r = await w.ok('POST', '/api/client/spawn', { domain: 'engineering' });
    assert.deepEqual([r.allowed, r.checks.qualityGate], [true, { passed: true, score: 3, threshold: 3 }]);
  });

  test('the threshold is WORK_QUALITY_THRESHOLD (default 3, 1–5)', async () => {
    assert.equal(testConfig().workQualityThreshold, 3);
    assert.equal(testConfig({ WORK_QUALITY_THRESHOLD: '4.5' }).workQualityThreshold, 4.5);
    assert.throws(() => testConfig({ WORK_QUALITY_THRESHOLD: '7' }));
    const { tenantId, w, agentId } = await setup();
    const eng = await agentId('engineering-agent');
    await t.rt.db.insert(runs).values([4, 4, 4].map((qualityScore) => ({ tenantId, id: uuidv7(), agentId: eng, status: 'completed', qualityScore, completedAt: new Date() })));
    const config = t.rt.config as { workQualityThreshold: number };
    config.workQualityThreshold = 4.5;
    try {
      const r = await w.ok('POST', '/api/client/spawn', { domain: 'engineering' });
      assert.deepEqual([r.allowed, r.checks.qualityGate], [false, { passed: false, score: 4, threshold: 4.5 }]);
    } finally {
      config.workQualityThreshold = 3;
    }
  });

  test('modelTier from the task’s priority and description length; a disabled domain agent blocks; 400 on an unknown domain', async () => {
    const { w } = await setup();
    const { ids } = await hierarchy(w, [
      { title: 'big', priority: 'high', description: 'x'.repeat(2500) },
      { title: 'mid', priority: 'high' },
      { title: 'small', priority: 'low', description: 'x'.repeat(1000) },
    ]);
    const tier = async (body: Record<string, unknown>) => (await w.ok('POST', '/api/client/spawn', { domain: 'engineering', ...body })).modelTier;
    assert.equal(await tier({ taskId: ids[0] }), 'precision');
    assert.equal(await tier({ taskId: ids[1] }), 'balanced');
    assert.equal(await tier({ taskId: ids[2] }), 'standard');
    assert.equal(await tier({ taskDescription: 'x'.repeat(1000) }), 'balanced');
    assert.equal(await tier({ taskDescription: 'x'.repeat(3000) }), 'precision');
    await w.ok('PATCH', '/api/client/agents/design-agent', { status: 'disabled' });
    const r = await w.ok('POST', '/api/client/spawn', { domain: 'design' });
    assert.equal(r.allowed, false);
    assert.match(r.blockedReason, /No active design agent/);
    assertWorkError(await w.call('POST', '/api/client/spawn', { domain: 'legal' }), 400, 'validation_failed');
    assertWorkError(await w.call('POST', '/api/client/spawn', {}), 400, 'validation_failed');
  });
});

describe('/api/client/bootstrap', () => {
  test('GET with a default tenant key: the workspace, every capability, ready', async () => {
    const { tenant, w } = await setup();
    const res = await w.call('GET', '/api/client/bootstrap');
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json(), {
      ok: true,
      data: { workspace: { id: tenant.id, name: tenant.name }, sourceClient: null, capabilities: WORK_CAPABILITIES, setup: { ready: true, gaps: [] } },
    });
    const named = await w.ok('GET', '/api/client/bootstrap?source_client=claude-code&required_capabilities=decisions:write,agents:write');
    assert.deepEqual([named.sourceClient, named.setup], ['claude-code', { ready: true, gaps: [] }]);
  });

  test('setup.ready false with one gap per missing or unknown capability (GET, repeated or comma-separated, and POST)', async () => {
    const { tenant, w } = await setup({ permissions: ['initiatives:read', 'agents:read'] });
    const gapsOf = (data: any) => data.setup.gaps.map((g: any) => [g.code, g.capability]);
    const expected = [
      ['missing_capability', 'decisions:write'],
      ['unknown_capability', 'teleport:write'],
    ];
    const viaGet = await w.ok('GET', '/api/client/bootstrap?required_capabilities=agents:read&required_capabilities=decisions:write&required_capabilities=teleport:write');
    assert.deepEqual(viaGet.capabilities, ['initiatives:read', 'agents:read']);
    assert.equal(viaGet.setup.ready, false);
    assert.deepEqual(gapsOf(viaGet), expected);
    for (const g of viaGet.setup.gaps) assert.ok(g.message.includes(g.capability));
    const viaPost = await w.ok('POST', '/api/client/bootstrap', { source_client: 'codex', required_capabilities: ['agents:read', 'decisions:write', 'teleport:write'] });
    assert.deepEqual(viaPost, { ...viaGet, sourceClient: 'codex' });
    assert.deepEqual(viaPost.workspace, { id: tenant.id, name: tenant.name });
    // An empty POST is a plain bootstrap.
    assert.deepEqual((await w.ok('POST', '/api/client/bootstrap')).setup, { ready: true, gaps: [] });
  });

  test('needs only a valid credential: a key with no Work permission, a member’s user key; 401 without; platform keys name the workspace', async () => {
    const { tenantId, w } = await setup({ permissions: ['tenants:read'] });
    const bare = await w.ok('GET', '/api/client/bootstrap?required_capabilities=memory:read');
    assert.deepEqual([bare.capabilities, bare.setup.ready], [[], false]);
    const member = await t.createUser({ tenantId, role: 'member' });
    const m = await workClient(t, await t.userKey(member.id)).ok('POST', '/api/client/bootstrap', { required_capabilities: ['agents:write'] });
    assert.deepEqual(m.capabilities, ['initiatives:read', 'decisions:read', 'agents:read', 'memory:read']);
    assert.deepEqual(m.setup.gaps.map((g: any) => g.capability), ['agents:write']);
    const none = await t.call('GET', '/api/client/bootstrap');
    assert.equal(none.statusCode, 401);
    assert.deepEqual(Object.keys(none.json()).sort(), ['error', 'message']);
    const p = workClient(t, await t.platformKey());
    assertWorkError(await p.call('GET', '/api/client/bootstrap'), 400, 'workspace_required');
    assertWorkError(await p.call('GET', `/api/client/bootstrap?workspace_id=${MISSING_ID}`), 404, 'not_found');
    assert.equal((await p.ok('POST', '/api/client/bootstrap', { workspace_id: tenantId })).workspace.id, tenantId);
    // A tenant key naming another workspace: 404.
    const other = await setup();
    assertWorkError(await w.call('GET', `/api/client/bootstrap?workspace_id=${other.tenantId}`), 404, 'not_found');
  });
});
