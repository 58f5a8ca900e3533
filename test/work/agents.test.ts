// /api/client/agents through HTTP: the seven canonical agents listed and fetched (by id or name),
// custom agents created, edited and deleted — canonical names and domains fixed, agents with runs
// kept (409) — with the events each change writes, and other workspaces' agents out of reach.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { and, eq } from 'drizzle-orm';
import { uuidv7 } from '../../src/platform/ids.ts';
import { agents, runs } from '../../src/work/tables.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { assertWorkError } from '../helpers/assertions.ts';
import { lastSeq, MISSING_ID, UUID_RE, workClient, workEvents, type WorkClient } from '../helpers/work.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.close());

const AGENT_KEYS = ['canonical', 'created_at', 'description', 'domain', 'id', 'name', 'status', 'updated_at'];

const createAgent = (w: WorkClient, body: Record<string, unknown>) => w.ok('POST', '/api/client/agents', body, 201);
const getAgent = (w: WorkClient, ref: string) => w.ok('GET', `/api/client/agents/${ref}`);

async function setup() {
  const { tenant, key } = await t.tenantWithKey();
  return { tenantId: tenant.id, w: workClient(t, key) };
}

describe('GET /api/client/agents', () => {
  test('the seven canonical agents by name, exact shape, pagination and filters', async () => {
    const { w } = await setup();
    const res = await w.call('GET', '/api/client/agents');
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json();
    assert.deepEqual(Object.keys(body).sort(), ['data', 'ok', 'pagination', 'total']);
    assert.equal(body.total, 7);
    assert.deepEqual(body.pagination, { limit: 50, offset: 0, has_more: false });
    assert.deepEqual(
      body.data.map((a: any) => a.name),
      ['design-agent', 'engineering-agent', 'marketing-agent', 'operations-agent', 'orchestrator-agent', 'product-agent', 'sales-agent'],
    );
    for (const a of body.data) {
      assert.deepEqual(Object.keys(a).sort(), AGENT_KEYS);
      assert.match(a.id, UUID_RE);
      assert.equal(a.status, 'active');
      assert.equal(a.canonical, true);
    }
    const page = (await w.call('GET', '/api/client/agents?limit=2&offset=2')).json();
    assert.deepEqual(page.data.map((a: any) => a.name), ['marketing-agent', 'operations-agent']);
    assert.deepEqual(page.pagination, { limit: 2, offset: 2, has_more: true });
    assert.deepEqual((await w.ok('GET', '/api/client/agents?domain=orchestration,sales')).map((a: any) => a.name), ['orchestrator-agent', 'sales-agent']);
    assert.deepEqual(await w.ok('GET', '/api/client/agents?status=disabled'), []);
  });

  test('400 on a bad filter or page', async () => {
    const { w } = await setup();
    assertWorkError(await w.call('GET', '/api/client/agents?domain=legal'), 400, 'validation_failed');
    assertWorkError(await w.call('GET', '/api/client/agents?limit=0'), 400, 'validation_failed');
    assertWorkError(await w.call('GET', '/api/client/agents?limit=201'), 400, 'validation_failed');
    assertWorkError(await w.call('GET', '/api/client/agents?offset=-1'), 400, 'validation_failed');
  });
});

describe('GET /api/client/agents/{agentId}', () => {
  test('by id or by name (any case); another workspace’s agent or an unknown one is 404', async () => {
    const { w } = await setup();
    const other = await setup();
    const byName = await getAgent(w, 'Engineering-Agent');
    assert.equal(byName.name, 'engineering-agent');
    assert.equal(byName.domain, 'engineering');
    assert.deepEqual(await getAgent(w, byName.id), byName);
    const theirs = await getAgent(other.w, 'engineering-agent');
    assertWorkError(await w.call('GET', `/api/client/agents/${theirs.id}`), 404, 'not_found');
    assertWorkError(await w.call('GET', `/api/client/agents/${MISSING_ID}`), 404, 'not_found');
    assertWorkError(await w.call('GET', '/api/client/agents/nobody-agent'), 404, 'not_found');
  });
});

describe('POST /api/client/agents', () => {
  test('201: a custom agent, active by default; agent.created; the name is unique in the workspace (409), not across workspaces', async () => {
    const { tenantId, w } = await setup();
    const other = await setup();
    const seq = await lastSeq(t);
    const a = await createAgent(w, { name: 'seo-agent', domain: 'marketing', description: 'Rankings', extra: 'ignored' });
    assert.deepEqual(a, {
      id: a.id,
      name: 'seo-agent',
      domain: 'marketing',
      description: 'Rankings',
      status: 'active',
      canonical: false,
      created_at: a.created_at,
      updated_at: a.created_at,
    });
    assert.deepEqual((await workEvents(t, tenantId, seq)).map((e) => [e.type, e.data.agent]), [['agent.created', a]]);
    assertWorkError(await w.call('POST', '/api/client/agents', { name: 'SEO-Agent', domain: 'sales' }), 409, 'conflict');
    assertWorkError(await w.call('POST', '/api/client/agents', { name: 'engineering-agent', domain: 'engineering' }), 409, 'conflict');
    await createAgent(other.w, { name: 'seo-agent', domain: 'marketing' });
    assert.equal((await w.ok('GET', '/api/client/agents')).length, 8);
  });

  test('400: no name, a bad name, an unknown domain; nothing is created', async () => {
    const { tenantId, w } = await setup();
    for (const body of [{ domain: 'sales' }, { name: 'has space', domain: 'sales' }, { name: MISSING_ID, domain: 'sales' }, { name: 'x-agent', domain: 'legal' }, { name: 'x-agent' }]) {
      const res = assertWorkError(await w.call('POST', '/api/client/agents', body), 400, 'validation_failed');
      assert.ok(res.error.details.fields, JSON.stringify(body));
    }
    assert.equal((await t.rt.db.select().from(agents).where(eq(agents.tenantId, tenantId))).length, 7);
  });
});

describe('PATCH /api/client/agents/{agentId}', () => {
  test('description and status of a canonical agent; its name or domain is a 409; agent.updated names the fields', async () => {
    const { tenantId, w } = await setup();
    const seq = await lastSeq(t);
    const a = await w.ok('PATCH', '/api/client/agents/sales-agent', { status: 'disabled', description: 'Paused for Q1' });
    assert.equal(a.status, 'disabled');
    assert.equal(a.description, 'Paused for Q1');
    assert.ok(a.updated_at > a.created_at);
    assert.deepEqual((await workEvents(t, tenantId, seq)).map((e) => [e.type, e.data.changed]), [['agent.updated', ['description', 'status']]]);
    assertWorkError(await w.call('PATCH', '/api/client/agents/sales-agent', { name: 'seller' }), 409, 'conflict');
    assertWorkError(await w.call('PATCH', '/api/client/agents/sales-agent', { domain: 'product' }), 409, 'conflict');
    // Nothing changed: no event.
    const seq2 = await lastSeq(t);
    assert.deepEqual(await w.ok('PATCH', '/api/client/agents/sales-agent', { status: 'disabled', name: 'sales-agent' }), a);
    assert.deepEqual(await workEvents(t, tenantId, seq2), []);
  });

  test('a custom agent may be renamed (409 when the name is taken) and change domain; 400 on bad values; 404 elsewhere', async () => {
    const { w } = await setup();
    const other = await setup();
    const a = await createAgent(w, { name: 'seo-agent', domain: 'marketing' });
    const renamed = await w.ok('PATCH', `/api/client/agents/${a.id}`, { name: 'search-agent', domain: 'product' });
    assert.equal(renamed.name, 'search-agent');
    assert.equal(renamed.domain, 'product');
    assertWorkError(await w.call('PATCH', `/api/client/agents/${a.id}`, { name: 'Design-Agent' }), 409, 'conflict');
    assertWorkError(await w.call('PATCH', `/api/client/agents/${a.id}`, { status: 'sleeping' }), 400, 'validation_failed');
    assertWorkError(await other.w.call('PATCH', `/api/client/agents/${a.id}`, { status: 'disabled' }), 404, 'not_found');
    assert.equal((await getAgent(w, a.id)).status, 'active');
  });
});

describe('DELETE /api/client/agents/{agentId}', () => {
  test('a custom agent without runs is deleted (agent.deleted); canonical agents and agents with runs are 409; 404 elsewhere', async () => {
    const { tenantId, w } = await setup();
    const other = await setup();
    const a = await createAgent(w, { name: 'temp-agent', domain: 'operations' });
    assertWorkError(await other.w.call('DELETE', `/api/client/agents/${a.id}`), 404, 'not_found');
    const seq = await lastSeq(t);
    assert.deepEqual(await w.ok('DELETE', `/api/client/agents/${a.id}`), { id: a.id, deleted: true });
    assert.deepEqual((await workEvents(t, tenantId, seq)).map((e) => [e.type, e.data.agent.id]), [['agent.deleted', a.id]]);
    assertWorkError(await w.call('GET', `/api/client/agents/${a.id}`), 404, 'not_found');
    assertWorkError(await w.call('DELETE', `/api/client/agents/${a.id}`), 404, 'not_found');

    assertWorkError(await w.call('DELETE', '/api/client/agents/engineering-agent'), 409, 'conflict');
    const b = await createAgent(w, { name: 'busy-agent', domain: 'operations' });
    await t.rt.db.insert(runs).values({ tenantId, id: uuidv7(), agentId: b.id, status: 'completed' });
    const res = assertWorkError(await w.call('DELETE', `/api/client/agents/${b.id}`), 409, 'conflict');
    assert.match(res.error.message, /1 run/);
    assert.equal((await t.rt.db.select().from(agents).where(and(eq(agents.tenantId, tenantId), eq(agents.id, b.id)))).length, 1);
  });
});

describe('principals', () => {
  test('a member’s user key reads agents but cannot change them (403); a platform key needs workspace_id', async () => {
    const { tenantId } = await setup();
    const member = await t.createUser({ tenantId, role: 'member' });
    const m = workClient(t, await t.userKey(member.id));
    assert.equal((await m.ok('GET', '/api/client/agents')).length, 7);
    assertWorkError(await m.call('PATCH', '/api/client/agents/sales-agent', { status: 'disabled' }), 403, 'forbidden');
    const p = workClient(t, await t.platformKey());
    assertWorkError(await p.call('GET', '/api/client/agents'), 400, 'workspace_required');
    assert.equal((await p.ok('GET', `/api/client/agents?workspace_id=${tenantId}`)).length, 7);
    const created = await p.ok('POST', '/api/client/agents', { name: 'ops2-agent', domain: 'operations', workspace_id: tenantId }, 201);
    assert.equal(created.name, 'ops2-agent');
  });
});
