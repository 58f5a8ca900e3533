// orgx_recommend suggests only calls the caller can make (src/work/recommend.ts): every suggested
// call is a route of the published route table (agent.json), its permission is one the caller
// holds, and making it with the same credential succeeds. Approving needs a person; a credential
// without a write permission is pointed at reading the item; an item it can make no call about
// is left out.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { and, eq, sql } from 'drizzle-orm';
import { uuidv7 } from '../../src/platform/ids.ts';
import { mintKey } from '../../src/platform/keys.ts';
import { RECOMMENDATION_KINDS, SUGGESTED_CALLS } from '../../src/work/recommend.ts';
import { agents, runs } from '../../src/work/tables.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { workClient, type WorkClient } from '../helpers/work.ts';

let t: TestApp;
let table: { id: string; method: string; path: string; permission: string | null }[];
before(async () => {
  t = await startTestApp();
  table = (await t.call('GET', '/.well-known/agent.json')).json().capabilities;
});
after(() => t.close());

/** The published operation a concrete call goes to (its path's `{param}`s match one segment). */
function routeOf(method: string, path: string) {
  const bare = path.split('?')[0];
  return table.find((op) => op.method === method && new RegExp(`^${op.path.replace(/\{\w+\}/g, '[^/]+')}$`).test(bare));
}

/** Something of each kind: a pending decision, a blocked task, a stale run, an initiative at risk, a ready task. */
async function workspace() {
  const { tenant, key } = await t.tenantWithKey();
  const w = workClient(t, key);
  const live = await w.create('initiatives', { title: 'Live', status: 'active' });
  const stream = await w.create('workstreams', { initiative_id: live.id, name: 'Main' });
  const ready = await w.create('tasks', { workstream_id: stream.id, title: 'Ready one', priority: 'high' });
  const stuck = await w.create('tasks', { workstream_id: stream.id, title: 'Stuck one' });
  await w.act('tasks', stuck.id, 'block');
  const risky = await w.create('initiatives', { title: 'Risky', status: 'active' });
  await w.act('initiatives', risky.id, 'mark_at_risk');
  const decision = await w.create('decisions', { title: 'Pending one', urgency: 'high' });
  const [agent] = await t.rt.db.select({ id: agents.id }).from(agents).where(and(eq(agents.tenantId, tenant.id), eq(agents.name, 'design-agent')));
  const runId = uuidv7();
  await t.rt.db.insert(runs).values({ tenantId: tenant.id, id: runId, agentId: agent.id, taskId: ready.id, initiativeId: live.id, status: 'running' });
  await t.rt.db.execute(sql`update ${runs} set updated_at = now() - interval '2 hours' where tenant_id = ${tenant.id} and id = ${runId}`);
  return { tenantId: tenant.id, w, ids: { decision: decision.id, stuck: stuck.id, run: runId, risky: risky.id, ready: ready.id } };
}

async function recommendations(c: WorkClient, query = '') {
  const res = await c.call('POST', `/api/client/tools/execute${query}`, { tool_id: 'orgx_recommend' });
  assert.equal(res.statusCode, 200, res.body);
  return res.json().data.recommendations as any[];
}

/** Each suggestion is a published route the caller's permissions allow, and making it succeeds. */
async function assertCallable(c: WorkClient, recs: any[], permissions: Set<string>) {
  for (const r of recs) {
    const { method, path } = r.suggested_call;
    const op = routeOf(method, path);
    assert.ok(op, `${method} ${path} is a published route`);
    assert.ok(op.permission === null || permissions.has(op.permission), `${op.id} needs ${op.permission}`);
    const res = await c.call(method, path, method === 'POST' ? {} : undefined);
    assert.ok(res.statusCode < 300, `${method} ${path}: ${res.statusCode} ${res.body}`);
  }
}

const byKind = (recs: any[]) => Object.fromEntries(recs.map((r) => [r.kind, `${r.suggested_call.method} ${r.suggested_call.path.replace('/api/client', '')}`]));

describe('orgx_recommend suggests only calls the caller can make', () => {
  test('every call any kind may suggest is a published route with the permission it declares', () => {
    for (const kind of RECOMMENDATION_KINDS) {
      assert.ok(SUGGESTED_CALLS[kind].length > 0, kind);
      for (const c of SUGGESTED_CALLS[kind]) {
        const op = routeOf(c.method, `/api/client${c.path('0193b5d3-1000-7a00-8000-000000000001')}`);
        assert.ok(op, `${kind}: ${c.method} ${c.route}`);
        assert.equal(op.permission, c.permission, `${kind}: ${op.id}`);
      }
    }
  });

  test('a tenant key (an automation) may not approve: the decision is suggested for reading; its other calls act', async () => {
    const { w, ids } = await workspace();
    const recs = await recommendations(w);
    assert.deepEqual(byKind(recs), {
      decision_pending: `GET /decisions/${ids.decision}`,
      task_blocked: `POST /tasks/${ids.stuck}/actions/unblock`,
      run_stale: `GET /runs/${ids.run}`,
      initiative_at_risk: `GET /live/initiatives?id=${ids.risky}`,
      task_ready: `POST /tasks/${ids.ready}/actions/start`,
    });
    assert.deepEqual(recs.find((r) => r.kind === 'decision_pending').suggested_call.args, { type: 'decision', id: ids.decision });
    await assertCallable(w, recs, new Set(['decisions:read', 'initiatives:write', 'initiatives:read', 'agents:read']));
  });

  test("an owner's user key (a person) is suggested the approval, and making it approves", async () => {
    const { tenantId, ids } = await workspace();
    const owner = await t.createUser({ tenantId, role: 'owner' });
    const person = workClient(t, await t.userKey(owner.id));
    const recs = await recommendations(person);
    const decision = recs.find((r) => r.kind === 'decision_pending');
    assert.deepEqual(decision.suggested_call, {
      tool: 'orgx_decide',
      args: { action: 'approve', decision_id: ids.decision },
      method: 'POST',
      path: `/api/client/decisions/${ids.decision}/actions/approve`,
    });
    await assertCallable(person, [decision], new Set(['decisions:write']));
    assert.equal((await person.get('decisions', ids.decision)).status, 'approved');
  });

  test("a member (reads only) is pointed at reading each item, never at a write it would be refused", async () => {
    const { tenantId, ids } = await workspace();
    const member = await t.createUser({ tenantId, role: 'member' });
    const reader = workClient(t, await t.userKey(member.id));
    const recs = await recommendations(reader);
    assert.deepEqual(byKind(recs), {
      decision_pending: `GET /decisions/${ids.decision}`,
      task_blocked: `GET /tasks/${ids.stuck}`,
      run_stale: `GET /runs/${ids.run}`,
      initiative_at_risk: `GET /live/initiatives?id=${ids.risky}`,
      task_ready: `GET /tasks/${ids.ready}`,
    });
    assert.ok(recs.every((r) => r.suggested_call.method === 'GET'));
    await assertCallable(reader, recs, new Set(['decisions:read', 'initiatives:read', 'agents:read']));
  });

  test('a key with memory:read alone can make no call about anything: nothing is recommended; with initiatives:read, only what it can read', async () => {
    const { tenantId } = await workspace();
    const only = workClient(t, (await mintKey(t.rt.db, { kind: 'tenant', tenantId, permissions: ['memory:read'] }, null)).key);
    assert.deepEqual(await recommendations(only), []);

    const some = workClient(t, (await mintKey(t.rt.db, { kind: 'tenant', tenantId, permissions: ['memory:read', 'initiatives:read'] }, null)).key);
    const recs = await recommendations(some);
    assert.deepEqual([...new Set(recs.map((r) => r.kind))].sort(), ['initiative_at_risk', 'task_blocked', 'task_ready']);
    await assertCallable(some, recs, new Set(['initiatives:read']));
  });

  test('a platform key is given paths that name the workspace', async () => {
    const { tenantId, ids } = await workspace();
    const platform = workClient(t, await t.platformKey());
    const recs = await recommendations(platform, `?workspace_id=${tenantId}`);
    assert.equal(recs.find((r) => r.kind === 'run_stale').suggested_call.path, `/api/client/runs/${ids.run}?workspace_id=${tenantId}`);
    assert.equal(recs.find((r) => r.kind === 'initiative_at_risk').suggested_call.path, `/api/client/live/initiatives?id=${ids.risky}&workspace_id=${tenantId}`);
    await assertCallable(platform, recs, new Set(['decisions:read', 'initiatives:write', 'initiatives:read', 'agents:read']));
  });
});
