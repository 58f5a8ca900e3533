// The Work module's demo (src/work/demo-data.ts, the module's `demo` hook): on a fresh tenant it
// makes a living board and inbox through the Work services, read back here through /api/client
// as a client would, with the events real use writes.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { requestId } from '../../src/platform/ids.ts';
import { ALL_PERMISSIONS } from '../../src/platform/permissions.ts';
import type { ModuleDemoResult } from '../../src/platform/module.ts';
import { workModule } from '../../src/work/module.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { workClient, workEvents, type WorkClient } from '../helpers/work.ts';

let t: TestApp;
let work: WorkClient;
let tenantId: string;
let ownerId: string;
let result: ModuleDemoResult;

before(async () => {
  t = await startTestApp();
  const { tenant, key } = await t.tenantWithKey({ name: 'Harbour Lane Salon' });
  tenantId = tenant.id;
  ownerId = (await t.createUser({ tenantId, role: 'owner', username: `owner-${tenantId.slice(-6)}` })).id;
  work = workClient(t, key);
  // As `orgstack demo` calls it: with the operator's platform context.
  const ctx = {
    rt: t.rt,
    requestId: requestId(),
    principal: { kind: 'platform_key' as const, credentialId: 'cli', tenantId: null, userId: null, keyPrefix: null, permissions: new Set(ALL_PERMISSIONS), hourlyLimit: 0, human: true },
  };
  result = await workModule.demo!(ctx, { tenantId, ownerUserId: ownerId });
});
after(() => t.close());

describe('Work demo: a living board and inbox', () => {
  test('the counts it reports are what the API lists', async () => {
    const list = async (path: string) => (await t.call('GET', `/api/client/${path}`, { key: work.key })).json();
    assert.equal((await list('initiatives')).total, result.counts.initiatives);
    assert.equal((await list('workstreams')).total, result.counts.workstreams);
    assert.equal((await list('milestones')).total, result.counts.milestones);
    assert.equal((await list('tasks?limit=200')).total, result.counts.tasks);
    assert.equal((await list('decisions')).total, result.counts.decisions);
    assert.equal((await list('decisions?status=pending')).total, result.counts.pendingDecisions);
    assert.equal((await list('agents')).total, 8, 'the seven canonical agents and one custom');
    assert.equal(result.counts.initiatives, 3);
    assert.ok(result.counts.tasks >= 10 && result.counts.artifacts >= 3 && result.counts.pendingDecisions >= 3);
    assert.match(result.summary, /^3 initiatives, \d+ workstreams, \d+ milestones, \d+ tasks, \d+ agent runs, \d+ artifacts; \d+ decisions waiting in the inbox$/);
  });

  test('live/initiatives: two running with progress from the work done, one still a draft', async () => {
    const live = await t.call('GET', '/api/client/live/initiatives', { key: work.key });
    assert.equal(live.statusCode, 200, live.body);
    const { initiatives } = live.json();
    const by = Object.fromEntries(initiatives.map((i: { title: string }) => [i.title, i]));
    assert.equal(by['Spring colour campaign'].status, 'active');
    assert.ok(by['Spring colour campaign'].progress > 0 && by['Spring colour campaign'].tasks_done === 1);
    assert.equal(by['Answer every review within a day'].status, 'active');
    assert.equal(by['Answer every review within a day'].tasks_done, 1);
    assert.equal(by['Open online booking'].status, 'draft');
    assert.equal(by['Open online booking'].progress, 0);
  });

  test('tasks on the board in every column: done, in progress, to do; a workstream waits for its dependency', async () => {
    const tasks = await work.ok('GET', '/api/client/tasks?limit=200');
    const statuses = new Set(tasks.map((x: { status: string }) => x.status));
    for (const s of ['done', 'in_progress', 'todo']) assert.ok(statuses.has(s), `a ${s} task`);
    const streams = await work.ok('GET', '/api/client/workstreams');
    const offer = streams.find((w: { name: string }) => w.name === 'Launch offer');
    assert.equal(offer.status, 'pending');
    assert.equal(offer.depends_on.length, 1);
  });

  test('runs: finished with quality scores, and still running with activity; agents show as working', async () => {
    const runs = await work.ok('GET', '/api/client/runs');
    const completed = runs.filter((r: { status: string }) => r.status === 'completed');
    const running = runs.filter((r: { status: string }) => r.status === 'running');
    assert.equal(completed.length, 2);
    assert.ok(completed.every((r: { quality_score: number }) => r.quality_score >= 4));
    assert.equal(running.length, 2);
    const activity = await t.call('GET', '/api/client/live/activity', { key: work.key });
    assert.equal(activity.statusCode, 200, activity.body);
    assert.ok(JSON.stringify(activity.json()).includes('Shot list ready'), 'run activity is in the feed');
    const agents = (await t.call('GET', '/api/client/live/agents', { key: work.key })).json();
    assert.ok(JSON.stringify(agents).includes('design-agent'));
  });

  test('decisions: three waiting, asked by agents, each linked to its initiative; one approved by the owner', async () => {
    const pending = await work.ok('GET', '/api/client/decisions?status=pending');
    assert.equal(pending.length, 3);
    assert.deepEqual(pending.map((d: { urgency: string }) => d.urgency).sort(), ['critical', 'high', 'low']);
    for (const d of pending) {
      assert.equal(d.requested_by.type, 'agent');
      assert.match(d.requested_by.name, /-agent$/);
      assert.ok(d.initiative_id, `${d.title} is linked to its initiative`);
      assert.ok(d.options.length >= 2);
    }
    const [approved] = await work.ok('GET', '/api/client/decisions?status=approved');
    assert.equal(approved.title, 'Publish the reply playbook to all stylists');
    assert.equal(approved.resolved_by.id, ownerId);
  });

  test('artifacts by entity, and the memory finds the demo by its words', async () => {
    const [offer] = (await work.ok('GET', '/api/client/decisions?status=pending')).filter((d: { title: string }) => d.title.includes('first-visit offer'));
    const res = await t.call('GET', `/api/client/artifacts/by-entity?entity_type=decision&entity_id=${offer.id}`, { key: work.key });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().artifacts[0].name, 'Local colour offers compared');

    const search = await t.call('POST', '/api/client/tools/execute', { key: work.key, body: { tool_id: 'orgx_search', args: { query: 'playbook' } } });
    assert.equal(search.statusCode, 200, search.body);
    const titles = search.json().data.results.map((r: { title: string }) => r.title);
    assert.ok(titles.some((x: string) => /playbook/i.test(x)), titles.join(' | '));
  });

  test('every change wrote its event, as in real use', async () => {
    const types = new Set((await workEvents(t, tenantId)).map((e) => e.type));
    for (const type of ['initiative.created', 'workstream.created', 'milestone.created', 'task.created', 'task.completed', 'run.created', 'agent.started', 'agent.completed', 'run.activity', 'decision.created', 'decision.resolved', 'artifact.created', 'agent.created']) {
      assert.ok(types.has(type), `${type} was written`);
    }
  });
});
