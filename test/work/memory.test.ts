// POST /api/client/tools/execute through HTTP: the contract envelope, unknown tools (403), args
// validation; orgx_search relevance (the right item first for English and Chinese queries,
// partial words, typos), snippets, filters, and isolation (another workspace holding the same
// words never appears); orgx_recommend's kinds, order, reasons and suggested calls.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { and, eq, sql } from 'drizzle-orm';
import { queryRows } from '../../src/db/index.ts';
import { uuidv7 } from '../../src/platform/ids.ts';
import { agents, decisions, initiatives, runs } from '../../src/work/tables.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { assertWorkError } from '../helpers/assertions.ts';
import { workClient, type WorkClient } from '../helpers/work.ts';

let t: TestApp;
after(() => t.close());

async function execute(w: WorkClient, tool_id: string, args?: unknown) {
  const res = await w.call('POST', '/api/client/tools/execute', { tool_id, args });
  assert.equal(res.statusCode, 200, res.body);
  const body = res.json();
  assert.deepEqual(Object.keys(body).sort(), ['data', 'execution_time_ms', 'ok', 'tool_id']);
  assert.equal(body.ok, true);
  assert.equal(body.tool_id, tool_id);
  assert.ok(Number.isInteger(body.execution_time_ms) && body.execution_time_ms >= 0);
  return body.data;
}

const search = async (w: WorkClient, args: Record<string, unknown>) => execute(w, 'orgx_search', args);

const HIT_KEYS = ['id', 'initiative_id', 'score', 'snippet', 'status', 'title', 'type', 'updated_at'];

/** One workspace's corpus, in English and Chinese; every workspace gets the same words. */
async function corpus(w: WorkClient, tenantId: string) {
  const billing = await w.create('initiatives', { title: 'Migrate billing to Stripe', summary: 'Move invoices and subscriptions off the legacy billing system', status: 'active' });
  const ws = await w.create('workstreams', { initiative_id: billing.id, name: 'Web' });
  const landing = await w.create('tasks', { workstream_id: ws.id, title: 'Write landing page copy', description: 'Three headline variants for the spring campaign' });
  const checkout = await w.create('tasks', { workstream_id: ws.id, title: 'Fix checkout latency', description: 'The p99 of the payment API is above two seconds' });
  const vendor = await w.create('decisions', { title: 'Choose the database vendor', summary: 'PostgreSQL or MySQL for the analytics warehouse', initiative_id: billing.id });
  const audit = (
    await w.call('POST', '/api/client/artifacts', {
      entity_type: 'initiative',
      entity_id: billing.id,
      name: 'Quarterly security audit report',
      artifact_type: 'pdf',
      artifact_url: 'https://files.example.com/audit.pdf',
      preview_markdown: 'Penetration test findings and the remediation plan for the payment pages',
    })
  ).json().artifact;
  const deploy = await w.create('initiatives', { title: '部署流水线优化', summary: '把构建时间缩短一半，减少发布等待' });
  const zws = await w.create('workstreams', { initiative_id: deploy.id, name: '市场' });
  const email = await w.create('tasks', { workstream_id: zws.id, title: '编写营销邮件', description: '春季活动的三封邮件' });
  const research = await w.create('tasks', { workstream_id: zws.id, title: '市场调研', description: '分析竞争对手的营销策略和定价' });
  const cloud = await w.create('decisions', { title: '选择云服务供应商', summary: '阿里云还是腾讯云，看价格和延迟' });
  const feedback = (
    await w.call('POST', '/api/client/artifacts', {
      entity_type: 'task',
      entity_id: research.id,
      name: '客户反馈分析报告',
      artifact_type: 'doc',
      external_url: 'https://docs.example.com/feedback',
      preview_markdown: '用户满意度调查结果与改进建议',
    })
  ).json().artifact;
  return { tenantId, billing, landing, checkout, vendor, audit, deploy, email, research, cloud, feedback };
}

let A: Awaited<ReturnType<typeof corpus>> & { w: WorkClient };
let B: Awaited<ReturnType<typeof corpus>> & { w: WorkClient };

before(async () => {
  t = await startTestApp();
  for (const which of ['A', 'B'] as const) {
    const { tenant, key } = await t.tenantWithKey();
    const w = workClient(t, key);
    const c = { ...(await corpus(w, tenant.id)), w };
    if (which === 'A') A = c;
    else B = c;
  }
});

describe('POST /api/client/tools/execute', () => {
  test('an unknown tool_id → 403 (also orgx tools that are not memory tools); a missing tool_id → 400', async () => {
    for (const id of ['orgx_write', 'rm -rf', '', 'ORGX_SEARCH']) {
      const body = assertWorkError(await A.w.call('POST', '/api/client/tools/execute', { tool_id: id, args: {} }), 403, 'forbidden');
      assert.match(body.error.message, /orgx_search, orgx_recommend/);
    }
    assertWorkError(await A.w.call('POST', '/api/client/tools/execute', { args: {} }), 400, 'validation_failed');
  });

  test('a key without memory:read → 403; bad args → 400 naming args.<field>', async () => {
    const { key } = await t.tenantWithKey({ permissions: ['initiatives:read', 'decisions:read'] });
    assertWorkError(await workClient(t, key).call('POST', '/api/client/tools/execute', { tool_id: 'orgx_search', args: { query: 'x' } }), 403, 'forbidden');
    const bad = assertWorkError(
      await A.w.call('POST', '/api/client/tools/execute', { tool_id: 'orgx_search', args: { limit: 0, scope: 'everything', type: 'project' } }),
      400,
      'validation_failed',
    );
    assert.deepEqual(Object.keys(bad.error.details.fields).sort(), ['args.limit', 'args.scope', 'args.type']);
    for (const limit of [51, -1, 'many']) assertWorkError(await A.w.call('POST', '/api/client/tools/execute', { tool_id: 'orgx_search', args: { query: 'a', limit } }), 400, 'validation_failed');
    assertWorkError(await A.w.call('POST', '/api/client/tools/execute', { tool_id: 'orgx_recommend', args: { limit: 1000 } }), 400, 'validation_failed');
    assertWorkError(await A.w.call('POST', '/api/client/tools/execute', { tool_id: 'orgx_search', args: { query: 'x'.repeat(501) } }), 400, 'validation_failed');
  });
});

describe('orgx_search', () => {
  test('the exact shape: { results: [{ type, id, title, snippet, status, score, initiative_id, updated_at }], total }', async () => {
    const data = await search(A.w, { query: 'landing page' });
    assert.deepEqual(Object.keys(data).sort(), ['next_cursor', 'results', 'total']);
    const [hit] = data.results;
    assert.deepEqual(Object.keys(hit).sort(), HIT_KEYS);
    assert.deepEqual(hit, {
      type: 'task',
      id: A.landing.id,
      title: 'Write landing page copy',
      snippet: hit.snippet,
      status: 'todo',
      score: hit.score,
      initiative_id: A.billing.id,
      updated_at: A.landing.updated_at,
    });
    assert.match(hit.snippet, /\*\*landing\*\* \*\*page\*\*/);
    assert.ok(hit.score > 0);
    assert.equal(data.total, data.results.length);
  });

  test('English: the right item first, of each type', async () => {
    const cases: [string, any, string][] = [
      ['billing stripe', A.billing, 'initiative'],
      ['landing page', A.landing, 'task'],
      ['checkout latency', A.checkout, 'task'],
      ['database vendor', A.vendor, 'decision'],
      ['security audit', A.audit, 'artifact'],
      ['subscriptions', A.billing, 'initiative'],
      ['remediation plan', A.audit, 'artifact'],
      ['"payment API"', A.checkout, 'task'],
    ];
    for (const [query, item, type] of cases) {
      const { results } = await search(A.w, { query });
      assert.ok(results.length > 0, query);
      assert.deepEqual([results[0].type, results[0].id], [type, item.id], `${query}: ${JSON.stringify(results.map((r: any) => r.title))}`);
    }
    // A title match outranks a body match: "payment" is in the checkout task's body and the audit's preview.
    const { results } = await search(A.w, { query: 'invoices' });
    assert.deepEqual(results.map((r: any) => r.id), [A.billing.id]);
  });

  test('partial words (substring) and typos (trigram similarity when nothing else matches)', async () => {
    assert.equal((await search(A.w, { query: 'penetrat' })).results[0].id, A.audit.id);
    assert.equal((await search(A.w, { query: 'warehou' })).results[0].id, A.vendor.id);
    const typo = await search(A.w, { query: 'chekout' });
    assert.equal(typo.results[0].id, A.checkout.id);
    assert.deepEqual((await search(A.w, { query: 'zzyzx qwv' })).results, []);
  });

  test('Chinese: the right item first (titles before bodies), snippets mark the match', async () => {
    const cases: [string, any, string][] = [
      ['部署', A.deploy, 'initiative'],
      ['营销', A.email, 'task'],
      ['供应商', A.cloud, 'decision'],
      ['腾讯云', A.cloud, 'decision'],
      ['满意度', A.feedback, 'artifact'],
      ['反馈分析', A.feedback, 'artifact'],
      ['构建时间', A.deploy, 'initiative'],
      ['云', A.cloud, 'decision'], // one character
      ['市场调研', A.research, 'task'],
    ];
    for (const [query, item, type] of cases) {
      const { results } = await search(A.w, { query });
      assert.ok(results.length > 0, query);
      assert.deepEqual([results[0].type, results[0].id], [type, item.id], `${query}: ${JSON.stringify(results.map((r: any) => r.title))}`);
      assert.ok(results[0].snippet.includes(`**${query}**`), `${query}: ${results[0].snippet}`);
    }
    // 营销 is in the email task's title and the research task's body: both, title first.
    const { results, total } = await search(A.w, { query: '营销' });
    assert.deepEqual(results.map((r: any) => r.id), [A.email.id, A.research.id]);
    assert.equal(total, 2);
    // The index holds each Chinese character and adjacent pair as a word (what serves 1–2 characters).
    const [words] = await queryRows<{ pair: boolean; one: boolean; across: boolean }>(
      t.rt.db,
      sql`select search_tsv @@ '营销'::tsquery as pair, search_tsv @@ '邮'::tsquery as one, search_tsv @@ '写营销'::tsquery as across
          from tasks where id = ${A.email.id}`,
    );
    assert.deepEqual(words, { pair: true, one: true, across: false });
    // Every pair of a longer query must be there, not just some: 营销邮件 is the email task only.
    assert.deepEqual((await search(A.w, { query: '营销邮件' })).results.map((r: any) => r.id), [A.email.id]);
  });

  test('one or two letters that are not a word find nothing (no scan of the whole workspace)', async () => {
    assert.deepEqual((await search(A.w, { query: 'll' })).results, []); // in "billing", but not a word
    assert.equal((await search(A.w, { query: 'lli' })).results[0].id, A.billing.id); // three: a substring
  });

  test('the search indexes keep a small pending list (a write burst must not slow every later search)', async () => {
    const rows = await queryRows<{ name: string; opts: string[] | null }>(
      t.rt.db,
      sql`select c.relname as name, c.reloptions as opts from pg_class c
           where c.relkind = 'i' and c.relname ~ '^(initiatives|tasks|decisions|artifacts)_search_(tsv|trgm)_idx$' order by 1`,
    );
    assert.equal(rows.length, 8);
    for (const r of rows) assert.deepEqual(r.opts, ['gin_pending_list_limit=128'], r.name);
  });

  test('isolation: another workspace with the same words never appears', async () => {
    const aIds = new Set(Object.values(A).flatMap((v: any) => (v && typeof v === 'object' && 'id' in v ? [v.id] : [])));
    const bIds = new Set(Object.values(B).flatMap((v: any) => (v && typeof v === 'object' && 'id' in v ? [v.id] : [])));
    for (const query of ['billing', 'landing page', '营销', '部署', 'chekout', 'penetrat', '']) {
      for (const [w, own, foreign] of [
        [A.w, aIds, bIds],
        [B.w, bIds, aIds],
      ] as const) {
        const { results } = await search(w, { query, limit: 50 });
        assert.ok(results.length > 0, query);
        for (const r of results) {
          assert.ok(!foreign.has(r.id), `${query}: ${r.title} from the other workspace`);
          assert.ok(own.has(r.id), `${query}: ${r.title} is not of this workspace's corpus`);
        }
      }
    }
    // A platform key sees exactly the workspace it names.
    const platform = workClient(t, await t.platformKey());
    const res = await platform.call('POST', '/api/client/tools/execute', { tool_id: 'orgx_search', args: { query: '营销' }, workspace_id: B.tenantId });
    assert.deepEqual(res.json().data.results.map((r: any) => r.id), [B.email.id, B.research.id]);
    assertWorkError(await platform.call('POST', '/api/client/tools/execute', { tool_id: 'orgx_search', args: { query: 'x' } }), 400, 'workspace_required');
    assertWorkError(await A.w.call('POST', '/api/client/tools/execute', { tool_id: 'orgx_search', args: { query: 'x' }, workspace_id: B.tenantId }), 404, 'not_found');
  });

  test('filters: type (one, list, plural), status, scope, limit; no query → most recently updated', async () => {
    const pending = await search(A.w, { type: 'decision', status: 'pending' });
    assert.deepEqual(pending.results.map((r: any) => r.id).sort(), [A.vendor.id, A.cloud.id].sort());
    assert.ok(pending.results.every((r: any) => r.type === 'decision' && r.status === 'pending'));
    assert.equal(pending.total, 2);

    const recent = await search(A.w, {});
    assert.equal(recent.total, 10);
    const times = recent.results.map((r: any) => r.updated_at);
    assert.deepEqual(times, [...times].sort().reverse());
    assert.equal((await search(A.w, { limit: 3 })).results.length, 3);
    assert.equal(recent.results.find((r: any) => r.id === A.checkout.id)?.snippet, 'The p99 of the payment API is above two seconds');

    assert.deepEqual((await search(A.w, { query: 'payment', type: ['tasks'] })).results.map((r: any) => r.id), [A.checkout.id]);
    assert.deepEqual((await search(A.w, { query: 'payment', type: 'task,artifact' })).results.map((r: any) => r.type).sort(), ['artifact', 'task']);
    assert.deepEqual((await search(A.w, { query: 'payment', scope: 'artifacts' })).results.map((r: any) => r.id), [A.audit.id]);
    assert.deepEqual((await search(A.w, { query: 'payment', scope: 'decisions' })).results, []);
    assert.deepEqual((await search(A.w, { query: 'payment', scope: 'decisions', type: 'task' })).results, []);
    const hierarchy = await search(A.w, { scope: 'initiatives', limit: 50 });
    assert.deepEqual([...new Set(hierarchy.results.map((r: any) => r.type))].sort(), ['initiative', 'task']);
    assert.deepEqual((await search(A.w, { status: 'active', limit: 50 })).results.map((r: any) => r.id), [A.billing.id]);
    const one = await search(A.w, { query: '营销', limit: 1 });
    assert.deepEqual([one.results.length, one.total], [1, 2]);
  });
});

describe('orgx_recommend', () => {
  test('pending decisions by urgency and age, blocked tasks, stale runs, initiatives at risk, ready tasks — each with a reason and the call to make next', async () => {
    const { tenant, key } = await t.tenantWithKey();
    const w = workClient(t, key);
    const ws = tenant.id;
    assert.deepEqual(await execute(w, 'orgx_recommend'), { recommendations: [] });

    const live = await w.create('initiatives', { title: 'Live', status: 'active' });
    const stream = await w.create('workstreams', { initiative_id: live.id, name: 'Main' });
    const first = await w.create('tasks', { workstream_id: stream.id, title: 'First step', priority: 'high' });
    await w.create('tasks', { workstream_id: stream.id, title: 'Waits for the first', depends_on: [first.id] });
    const stuck = await w.create('tasks', { workstream_id: stream.id, title: 'Stuck on legal', priority: 'low' });
    await w.act('tasks', stuck.id, 'block');
    const risky = await w.create('initiatives', { title: 'Risky', status: 'active' });
    await w.act('initiatives', risky.id, 'mark_at_risk');
    const late = await w.create('initiatives', { title: 'Late', status: 'active', target_date: '2020-01-01' });
    const lateWs = await w.create('workstreams', { initiative_id: late.id, name: 'W' });
    const lateTask = await w.create('tasks', { workstream_id: lateWs.id, title: 'Late work' });
    const low = await w.create('decisions', { title: 'Low one', urgency: 'low' });
    const critical = await w.create('decisions', { title: 'Critical one', urgency: 'critical' });
    const oldHigh = await w.create('decisions', { title: 'Old high', urgency: 'high' });
    const newHigh = await w.create('decisions', { title: 'New high', urgency: 'high' });
    // Age some rows as time would: the old high decision is past its SLA; a run went quiet.
    await t.rt.db.execute(sql`update ${decisions} set created_at = now() - interval '5 hours', due_at = now() - interval '1 hour' where tenant_id = ${ws} and id = ${oldHigh.id}`);
    const [agent] = await t.rt.db.select({ id: agents.id }).from(agents).where(and(eq(agents.tenantId, ws), eq(agents.name, 'engineering-agent')));
    const runId = uuidv7();
    await t.rt.db.insert(runs).values({ tenantId: ws, id: runId, agentId: agent.id, taskId: first.id, initiativeId: live.id, status: 'running', updatedAt: new Date(Date.now() - 2 * 3_600_000) });
    const freshRun = uuidv7();
    await t.rt.db.insert(runs).values({ tenantId: ws, id: freshRun, agentId: agent.id, taskId: first.id, initiativeId: live.id, status: 'running' });

    const { recommendations } = await execute(w, 'orgx_recommend', {});
    for (const r of recommendations) {
      assert.deepEqual(Object.keys(r).sort(), ['entity_id', 'entity_type', 'kind', 'reason', 'suggested_call', 'title', 'urgency']);
      assert.deepEqual(Object.keys(r.suggested_call).sort(), ['args', 'method', 'path', 'tool']);
    }
    const brief = recommendations.map((r: any) => [r.kind, r.title, r.urgency]);
    assert.deepEqual(brief, [
      ['decision_pending', 'Old high', 'critical'],
      ['decision_pending', 'Critical one', 'critical'],
      ['initiative_at_risk', 'Late', 'critical'],
      ['decision_pending', 'New high', 'high'],
      ['initiative_at_risk', 'Risky', 'high'],
      ['task_ready', 'First step', 'high'],
      ['run_stale', 'engineering-agent: First step', 'medium'],
      ['task_ready', 'Late work', 'medium'],
      ['decision_pending', 'Low one', 'low'],
      ['task_blocked', 'Stuck on legal', 'low'],
    ]);
    const by = (title: string) => recommendations.find((r: any) => r.title === title);
    assert.match(by('Old high').reason, /^High-urgency approval waiting 5 h; SLA missed by 60 min\./);
    assert.match(by('Critical one').reason, /^Critical-urgency approval waiting 0 min; SLA due in 60 min\./);
    // A tenant key is an automation: it may not approve, so it is pointed at the decision
    // (test/work/recommend.test.ts covers who is suggested what).
    assert.deepEqual(by('Critical one').suggested_call, {
      tool: 'orgx_inspect',
      args: { type: 'decision', id: critical.id },
      method: 'GET',
      path: `/api/client/decisions/${critical.id}`,
    });
    assert.equal(by('Low one').entity_id, low.id);
    assert.match(by('Stuck on legal').reason, /^Blocked for \d+ min \(low priority\)/);
    assert.deepEqual(by('Stuck on legal').suggested_call.path, `/api/client/tasks/${stuck.id}/actions/unblock`);
    const stale = by('engineering-agent: First step');
    assert.deepEqual([stale.entity_type, stale.entity_id, stale.suggested_call.path], ['run', runId, `/api/client/runs/${runId}`]);
    assert.match(stale.reason, /^Run running with no update for 2 h: check on the agent, or cancel the run\.$/);
    assert.match(by('Risky').reason, /^Marked at risk at 0% \(0 of 0 tasks done\)\.$/);
    assert.match(by('Late').reason, /^Target date passed at 0% \(0 of 1 tasks done\); target date 2020-01-01 passed \d+ d ago\.$/);
    assert.deepEqual(by('Late').suggested_call, { tool: 'orgx_inspect', args: { type: 'initiative', id: late.id }, method: 'GET', path: `/api/client/live/initiatives?id=${late.id}` });
    assert.deepEqual(by('First step').suggested_call, { tool: 'orgx_act', args: { type: 'task', id: first.id, action: 'start' }, method: 'POST', path: `/api/client/tasks/${first.id}/actions/start` });
    assert.match(by('First step').reason, /^Ready to start \(high priority, in Live\)/);
    assert.equal(lateTask.status, 'todo');

    // limit keeps the most urgent; resolving and unblocking takes items off the list.
    const top = (await execute(w, 'orgx_recommend', { limit: 2 })).recommendations;
    assert.deepEqual(top.map((r: any) => r.title), ['Old high', 'Critical one']);
    const owner = await t.createUser({ tenantId: ws, role: 'owner' });
    await workClient(t, await t.userKey(owner.id)).act('decisions', oldHigh.id, 'approve');
    await w.act('tasks', stuck.id, 'unblock');
    await t.rt.db.update(initiatives).set({ status: 'paused' }).where(and(eq(initiatives.tenantId, ws), eq(initiatives.id, late.id)));
    const after = (await execute(w, 'orgx_recommend')).recommendations.map((r: any) => r.title);
    assert.ok(!after.includes('Old high') && !after.includes('Late') && !after.includes('Late work'), JSON.stringify(after));
    assert.ok(after.includes('Stuck on legal'), 'unblocked, it is ready');
    assert.equal(newHigh.status, 'pending');

    // Another workspace's recommendations are its own.
    assert.deepEqual(await execute(workClient(t, (await t.tenantWithKey()).key), 'orgx_recommend'), { recommendations: [] });
  });
});
