// Every MCP tool and action through the official SDK client over HTTP, with an `oxk_` user key
// (and a tenant key where a person is not required): tools/list (names, schemas, annotations),
// the documented first calls, the writes and what the database holds after them, and the
// failures as isError results — missing permission, invalid arguments (nothing changed), another
// tenant's ids (not found), a person-only action with a key — plus one audit row `mcp:<tool>` per call.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { and, count, eq, like } from 'drizzle-orm';
import type { Client } from '@modelcontextprotocol/client';
import { auditLog } from '../../src/platform/tables.ts';
import { artifacts, decisions, initiatives, tasks } from '../../src/work/tables.ts';
import { workClient } from '../helpers/work.ts';
import { callError, callOk, connect, startMcpApp, type McpTestApp } from './helpers.ts';

let t: McpTestApp;
let tenantId: string;
let userId: string;
let user: Client; // an owner's oxk_ key
let tenantKeyClient: Client;
let other: { tenantId: string; initiativeId: string; employeeId: string };

before(async () => {
  t = await startMcpApp();
  const { tenant, key: tenantKey } = await t.tenantWithKey({ name: 'Acme' });
  tenantId = tenant.id;
  userId = (await t.createUser({ tenantId, role: 'owner' })).id;
  user = await connect(t, await t.userKey(userId));
  tenantKeyClient = await connect(t, tenantKey);
  // Another tenant with an initiative and an employee, made through REST.
  const o = await t.tenantWithKey({ name: 'Other' });
  const initiative = await workClient(t, o.key).create('initiatives', { title: 'Their secret plan' });
  const shop = (await t.call('POST', `/api/v1/tenants/${o.tenant.id}/shops`, { key: o.key, body: { name: 'Their shop' } })).json().shop;
  const employee = (await t.call('POST', `/api/v1/tenants/${o.tenant.id}/employees`, { key: o.key, body: { shopId: shop.id, name: 'Their employee' } })).json().employee;
  other = { tenantId: o.tenant.id, initiativeId: initiative.id, employeeId: employee.id };
});
after(async () => {
  await user?.close();
  await tenantKeyClient?.close();
  await t.close();
});

const countOf = async (table: typeof initiatives | typeof tasks | typeof decisions | typeof artifacts) =>
  (await t.rt.db.select({ n: count() }).from(table).where(eq(table.tenantId, tenantId)))[0].n;

const TOOL_NAMES = [
  'workspace',
  'orgx_bootstrap',
  'orgx_search',
  'orgx_inspect',
  'orgx_recommend',
  'orgx_write',
  'orgx_act',
  'orgx_decide',
  'orgx_spawn',
  'orgx_attach',
  'orgx_emit_activity',
  'reviews_tenants',
  'reviews_shops',
  'reviews_employees',
  'reviews_templates',
  'reviews_analytics',
  'reviews_feedback',
];

describe('tools/list', () => {
  test('names every tool with an object input schema, an output schema and annotations', async () => {
    const { tools } = await user.listTools();
    assert.deepEqual(tools.map((x) => x.name), TOOL_NAMES);
    for (const tool of tools) {
      assert.equal(tool.inputSchema.type, 'object', tool.name);
      assert.equal(tool.outputSchema?.type, 'object', tool.name);
      assert.ok(tool.description && tool.description.length > 40, tool.name);
      assert.equal(typeof tool.annotations?.readOnlyHint, 'boolean', tool.name);
      assert.equal(typeof tool.annotations?.destructiveHint, 'boolean', tool.name);
      assert.equal(typeof tool.annotations?.idempotentHint, 'boolean', tool.name);
      assert.equal(JSON.stringify(tool).includes('$ref'), false, `${tool.name} has no references`);
    }
    const byName = Object.fromEntries(tools.map((x) => [x.name, x]));
    assert.deepEqual(byName.orgx_search.annotations, { title: 'Search work', readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false });
    assert.equal(byName.orgx_write.annotations?.destructiveHint, true);
    assert.equal(byName.orgx_attach.annotations?.readOnlyHint, false);
    assert.equal(byName.orgx_attach.annotations?.destructiveHint, false);
    assert.equal(byName.orgx_attach.annotations?.idempotentHint, false);
    // Composed schemas: the discriminators are required enums; the fields come from the operations' zod schemas.
    const write = byName.orgx_write.inputSchema as any;
    assert.deepEqual(write.required, ['action', 'type']);
    assert.deepEqual(write.properties.type.enum, ['initiative', 'workstream', 'milestone', 'task', 'decision', 'agent']);
    assert.equal(write.properties.title.anyOf ? true : write.properties.title.type === 'string', true);
    const search = byName.orgx_search.inputSchema as any;
    assert.deepEqual(Object.keys(search.properties).sort(), ['cursor', 'limit', 'query', 'scope', 'status', 'type', 'workspace_id']);
    assert.deepEqual((byName.orgx_decide.inputSchema as any).properties.action.enum, ['create', 'list_pending', 'approve', 'reject']);
    assert.match(byName.orgx_decide.description ?? '', /action=approve: .*needs `decisions:write`/);
  });
});

describe('the first calls', () => {
  test('workspace action=get → orgx_recommend → orgx_search type=decision status=pending', async () => {
    const w = workClient(t, await t.userKey(userId));
    const pending = await w.create('decisions', { title: 'Pick the launch date', urgency: 'high' });

    const ws = await callOk(user, 'workspace', { action: 'get' });
    assert.deepEqual(ws.data.workspace, { id: tenantId, name: 'Acme' });
    assert.ok(ws.data.capabilities.includes('decisions:write'));

    const rec = await callOk(user, 'orgx_recommend', {});
    const item = rec.data.recommendations.find((r: any) => r.entity_id === pending.id);
    assert.ok(item, JSON.stringify(rec));
    assert.equal(item.kind, 'decision_pending');
    assert.equal(typeof item.suggested_call.tool, 'string');

    // Clients that show only text get a summary and one line per item.
    const raw: any = await user.callTool({ name: 'orgx_search', arguments: { type: 'decision', status: 'pending' } });
    assert.match(raw.content[0].text, /^orgx_search: Search work — \d+ of \d+\n/);
    assert.ok(raw.content[0].text.includes(`- decision ${pending.id}: Pick the launch date [pending]`), raw.content[0].text);
    const found = await callOk(user, 'orgx_search', { type: 'decision', status: 'pending' });
    assert.ok(found.data.results.some((r: any) => r.id === pending.id && r.type === 'decision' && r.status === 'pending'));
    assert.equal(found.tool_id, 'orgx_search');
  });
});

describe('Work tools', () => {
  test('orgx_write creates and updates, orgx_inspect reads, orgx_act moves through the lifecycle', async () => {
    const ini = (await callOk(user, 'orgx_write', { action: 'create', type: 'initiative', title: 'Spring launch' })).data;
    assert.equal(ini.status, 'draft');
    const [row] = await t.rt.db.select().from(initiatives).where(eq(initiatives.id, ini.id));
    assert.equal(row.title, 'Spring launch');
    const ws = (await callOk(user, 'orgx_write', { action: 'create', type: 'workstream', initiative_id: ini.id, name: 'Web' })).data;
    const ms = (await callOk(user, 'orgx_write', { action: 'create', type: 'milestone', initiative_id: ini.id, title: 'Beta' })).data;
    const task = (await callOk(user, 'orgx_write', { action: 'create', type: 'task', workstream_id: ws.id, title: 'Landing copy' })).data;
    const agent = (await callOk(user, 'orgx_write', { action: 'create', type: 'agent', name: 'copy-agent', domain: 'marketing' })).data;
    const updated = (await callOk(user, 'orgx_write', { action: 'update', type: 'initiative', id: ini.id, title: 'Spring launch 2027' })).data;
    assert.equal(updated.title, 'Spring launch 2027');

    for (const [type, id] of [['initiative', ini.id], ['workstream', ws.id], ['milestone', ms.id], ['task', task.id], ['agent', agent.id]]) {
      const got = await callOk(user, 'orgx_inspect', { type, id });
      assert.equal(got.data.id, id, type);
    }
    const launched = (await callOk(user, 'orgx_act', { type: 'initiative', id: ini.id, action: 'launch' })).data;
    assert.equal(launched.status, 'active');
    const started = (await callOk(user, 'orgx_act', { type: 'task', id: task.id, action: 'start', reason: 'go' })).data;
    assert.equal(started.status, 'in_progress');
    const [taskRow] = await t.rt.db.select().from(tasks).where(eq(tasks.id, task.id));
    assert.equal(taskRow.status, 'in_progress');
    // A transition not allowed from the current status is a conflict, with the next call to make.
    const conflict = await callError(user, 'orgx_act', { type: 'initiative', id: ini.id, action: 'launch' }, 'conflict');
    assert.match(conflict.next, /orgx_inspect/);
  });

  test('orgx_decide: create, list_pending, approve and reject (a person), refused for a tenant key', async () => {
    const a = (await callOk(user, 'orgx_decide', { action: 'create', title: 'Vendor A or B?', options: [{ label: 'A' }, { label: 'B' }] })).data;
    const b = (await callOk(tenantKeyClient, 'orgx_decide', { action: 'create', title: 'Ship on Friday?' })).data;
    const pending = await callOk(user, 'orgx_decide', { action: 'list_pending', limit: 50 });
    const ids = pending.data.map((d: any) => d.id);
    assert.ok(ids.includes(a.id) && ids.includes(b.id));
    assert.ok(pending.data.every((d: any) => d.status === 'pending'));

    const refused = await callError(tenantKeyClient, 'orgx_decide', { action: 'approve', id: b.id }, 'human_required');
    assert.equal(refused.status, 403);
    assert.equal((await t.rt.db.select().from(decisions).where(eq(decisions.id, b.id)))[0].status, 'pending');

    const approved = (await callOk(user, 'orgx_decide', { action: 'approve', id: a.id, option_id: a.options[1].id })).data;
    assert.equal(approved.status, 'approved');
    const noReason = await callError(user, 'orgx_decide', { action: 'reject', id: b.id }, 'invalid_arguments');
    assert.ok(noReason.field_errors.reason, JSON.stringify(noReason));
    const rejected = (await callOk(user, 'orgx_decide', { action: 'reject', id: b.id, reason: 'Too risky' })).data;
    assert.equal(rejected.status, 'rejected');
    const rows = await t.rt.db.select().from(decisions).where(eq(decisions.tenantId, tenantId));
    assert.equal(rows.find((r) => r.id === a.id)?.status, 'approved');
    assert.equal(rows.find((r) => r.id === b.id)?.status, 'rejected');
  });

  test('orgx_spawn guard and estimate change nothing; spawn dispatches a run; orgx_emit_activity and orgx_attach', async () => {
    const ini = (await callOk(user, 'orgx_write', { action: 'create', type: 'initiative', title: 'Agents at work', status: 'active' })).data;
    const ws = (await callOk(user, 'orgx_write', { action: 'create', type: 'workstream', initiative_id: ini.id, name: 'Eng' })).data;
    const task = (await callOk(user, 'orgx_write', { action: 'create', type: 'task', workstream_id: ws.id, title: 'Build it' })).data;
    const guard = (await callOk(user, 'orgx_spawn', { action: 'guard', domain: 'engineering', taskId: task.id })).data;
    assert.equal(guard.allowed, true);
    assert.equal(guard.checks.taskAssigned.passed, true);
    const estimate = (await callOk(user, 'orgx_spawn', { action: 'estimate', domain: 'engineering', taskTitle: 'Build it' })).data;
    assert.equal(typeof estimate.modelTier, 'string');
    const run = (await callOk(user, 'orgx_spawn', { action: 'spawn', agent_id: 'engineering-agent', task_id: task.id, summary: 'Build it' })).data;
    assert.ok(['queued', 'running'].includes(run.status), run.status);
    const activity = (await callOk(user, 'orgx_emit_activity', { run_id: run.id, phase: 'execution', message: 'Half way', progress_pct: 50 })).data;
    assert.equal(activity.message, 'Half way');
    assert.equal((await callOk(user, 'orgx_inspect', { type: 'run', id: run.id })).data.progress, 50);
    const before = await countOf(artifacts);
    const artifact = (await callOk(user, 'orgx_attach', { entity_type: 'task', entity_id: task.id, name: 'Spec', artifact_type: 'doc', artifact_url: 'https://files.example.com/spec.md', preview_markdown: '# Spec' })).artifact;
    assert.equal(artifact.name, 'Spec');
    assert.equal(await countOf(artifacts), before + 1);
    assert.equal((await callOk(user, 'orgx_inspect', { type: 'artifact', id: artifact.id })).artifact.id, artifact.id);
  });

  test('orgx_search pages with cursor: every item once, then next_cursor null; a foreign cursor is an invalid argument', async () => {
    for (let i = 0; i < 5; i++) await callOk(user, 'orgx_write', { action: 'create', type: 'initiative', title: `Pager ${i} zebra` });
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = (await callOk(user, 'orgx_search', { query: 'zebra', type: 'initiative', limit: 2, ...(cursor ? { cursor } : {}) })).data;
      assert.equal(page.total, 5);
      seen.push(...page.results.map((r: any) => r.id));
      cursor = page.next_cursor ?? undefined;
      pages++;
    } while (cursor && pages < 10);
    assert.equal(pages, 3);
    assert.equal(new Set(seen).size, 5);
    const bad = await callError(user, 'orgx_search', { query: 'zebra', cursor: 'not-a-cursor' }, 'invalid_arguments');
    assert.ok(bad.field_errors.cursor, JSON.stringify(bad));
  });

  test('orgx_bootstrap and workspace list/set (stateless: set returns the id to pass on)', async () => {
    const boot = await callOk(user, 'orgx_bootstrap', { source_client: 'claude-code', required_capabilities: ['decisions:write', 'teleport:write'] });
    assert.equal(boot.data.workspace.id, tenantId);
    assert.equal(boot.data.setup.ready, false);
    assert.deepEqual(boot.data.setup.gaps.map((g: any) => g.code), ['unknown_capability']);
    const list = await callOk(user, 'workspace', { action: 'list' });
    assert.equal(list.data.workspace.id, tenantId);
    const set = await callOk(user, 'workspace', { action: 'set', workspace_id: tenantId });
    assert.equal(set.data.workspace.id, tenantId);
    const elsewhere = await callError(user, 'workspace', { action: 'set', workspace_id: other.tenantId }, 'not_found');
    assert.match(elsewhere.next, /workspace action=list/);
  });
});

describe('a platform key', () => {
  test('names the workspace on each Work call (workspace_required otherwise) and the tenant on Reviews calls', async () => {
    const platform = await connect(t, await t.platformKey());
    const missing = await callError(platform, 'orgx_search', { query: 'anything' }, 'workspace_required');
    assert.equal(missing.status, 400);
    assert.match(missing.next, /workspace_id/);
    const set = await callOk(platform, 'workspace', { action: 'set', workspace_id: tenantId });
    assert.equal(set.data.workspace.id, tenantId);
    const found = await callOk(platform, 'orgx_search', { query: 'anything', workspace_id: tenantId });
    assert.equal(typeof found.data.total, 'number');
    const tenants = await callOk(platform, 'reviews_tenants', { action: 'list', limit: 200 });
    assert.ok(tenants.tenants.some((x: any) => x.id === other.tenantId));
    const noTenant = await callError(platform, 'reviews_shops', { action: 'list' }, 'invalid_arguments');
    assert.ok(noTenant.field_errors.tenantId, JSON.stringify(noTenant));
    assert.ok((await callOk(platform, 'reviews_shops', { action: 'list', tenantId: other.tenantId })).shops.length >= 1);
    await platform.close();
  });
});

describe('Reviews tools', () => {
  test('tenants, shops, employees (with the review link), templates, analytics, feedback', async () => {
    const tenants = await callOk(user, 'reviews_tenants', { action: 'list' });
    assert.deepEqual(tenants.tenants.map((x: any) => x.id), [tenantId]);
    assert.equal((await callOk(user, 'reviews_tenants', { action: 'get' })).tenant.id, tenantId);

    const shop = (await callOk(user, 'reviews_shops', { action: 'create', name: 'Main Street' })).shop;
    assert.equal((await callOk(user, 'reviews_shops', { action: 'update', shopId: shop.id, name: 'Main St.' })).shop.name, 'Main St.');
    assert.equal((await callOk(user, 'reviews_shops', { action: 'get', shopId: shop.id })).shop.name, 'Main St.');
    assert.ok((await callOk(user, 'reviews_shops', { action: 'list' })).shops.some((s: any) => s.id === shop.id));

    const employee = (await callOk(user, 'reviews_employees', { action: 'create', shopId: shop.id, name: 'Mei Lin' })).employee;
    assert.match(employee.reviewUrl, /^http:\/\/orgstack\.test\/r\/\w+$/);
    const renamed = (await callOk(user, 'reviews_employees', { action: 'update', tenantId, employeeId: employee.id, name: 'Mei' })).employee;
    assert.equal(renamed.name, 'Mei');
    assert.equal((await callOk(user, 'reviews_employees', { action: 'get', employeeId: employee.id })).employee.name, 'Mei');
    assert.ok((await callOk(user, 'reviews_employees', { action: 'list' })).employees.some((e: any) => e.id === employee.id));

    const template = (await callOk(user, 'reviews_templates', { action: 'create', body: 'Lovely service, quick and friendly.', language: 'en' })).template;
    assert.equal((await callOk(user, 'reviews_templates', { action: 'update', templateId: template.id, active: false })).template.active, false);
    assert.ok((await callOk(user, 'reviews_templates', { action: 'list' })).templates.some((x: any) => x.id === template.id));

    const report = await callOk(user, 'reviews_analytics', { days: 7 });
    assert.equal(report.days, 7);
    const feedback = await callOk(user, 'reviews_feedback', { action: 'list' });
    assert.deepEqual(feedback.feedback, []);
    await callError(user, 'reviews_feedback', { action: 'resolve', sessionId: '00000000-0000-7000-8000-000000000000', resolved: true }, 'not_found');
  });
});

describe('failures are isError results that change nothing', () => {
  test('a missing permission names the scope to grant', async () => {
    const { key } = await t.tenantWithKey({ permissions: ['memory:read'] });
    // The key belongs to another tenant; what matters is its permissions.
    const reader = await connect(t, key);
    const before = await t.rt.db.select({ n: count() }).from(initiatives);
    const error = await callError(reader, 'orgx_write', { action: 'create', type: 'initiative', title: 'Nope' }, 'insufficient_scope');
    assert.equal(error.required_scope, 'initiatives:write');
    assert.equal(error.status, 403);
    assert.match(error.next, /"initiatives:write"/);
    assert.deepEqual(await t.rt.db.select({ n: count() }).from(initiatives), before);
    // What it holds still works.
    await callOk(reader, 'orgx_search', { query: 'anything' });
    await reader.close();
  });

  test('invalid arguments: field errors, nothing written', async () => {
    const before = { initiatives: await countOf(initiatives), tasks: await countOf(tasks) };
    const empty = await callError(user, 'orgx_write', { action: 'create', type: 'initiative', title: '' }, 'invalid_arguments');
    assert.deepEqual(empty.field_errors, { title: ['Must not be empty'] });
    assert.equal(empty.status, 400);
    const missing = await callError(user, 'orgx_write', { action: 'create', type: 'task', title: 'No workstream' }, 'invalid_arguments');
    assert.ok(missing.field_errors.workstream_id, JSON.stringify(missing));
    const unknown = await callError(user, 'orgx_write', { action: 'create', type: 'initiative', title: 'X', colour: 'red' }, 'invalid_arguments');
    assert.match(unknown.field_errors.colour[0], /Not an argument of this call/);
    const badAction = await callError(user, 'orgx_decide', { action: 'maybe' }, 'invalid_arguments');
    assert.deepEqual(badAction.field_errors, { action: ['Required: one of create, list_pending, approve, reject'] });
    const badSearch = await callError(user, 'orgx_search', { type: 'spaceship', limit: 500 }, 'invalid_arguments');
    assert.ok(badSearch.field_errors.type && badSearch.field_errors.limit, JSON.stringify(badSearch));
    const badId = await callError(user, 'orgx_inspect', { type: 'task', id: 'not-a-uuid' }, 'invalid_arguments');
    assert.ok(badId.field_errors.id);
    assert.deepEqual({ initiatives: await countOf(initiatives), tasks: await countOf(tasks) }, before);
  });

  test('another tenant’s ids are not found, with the search to run', async () => {
    const error = await callError(user, 'orgx_inspect', { type: 'initiative', id: other.initiativeId }, 'not_found');
    assert.equal(error.status, 404);
    assert.match(error.next, /orgx_search/);
    await callError(user, 'orgx_act', { type: 'initiative', id: other.initiativeId, action: 'launch' }, 'not_found');
    await callError(user, 'reviews_employees', { action: 'get', tenantId: other.tenantId, employeeId: other.employeeId }, 'not_found');
    await callError(user, 'reviews_employees', { action: 'update', tenantId: other.tenantId, employeeId: other.employeeId, name: 'Mine now' }, 'not_found');
    const res = await t.call('GET', `/api/v1/tenants/${other.tenantId}/employees/${other.employeeId}`, { key: await t.platformKey() });
    assert.equal(res.json().employee.name, 'Their employee');
  });

  test('an unknown tool is an isError result', async () => {
    const result: any = await user.callTool({ name: 'orgx_teleport', arguments: {} });
    assert.equal(result.isError, true);
    assert.equal(result.structuredContent.error.code, 'unknown_tool');
  });
});

describe('audit', () => {
  test('each call leaves one row mcp:<tool> with the principal, its status and a duration', async () => {
    const key = await t.userKey(userId);
    const client = await connect(t, key);
    await callOk(client, 'orgx_search', { query: 'audit me' });
    await callError(client, 'orgx_inspect', { type: 'task', id: '00000000-0000-7000-8000-000000000000' }, 'not_found');
    await client.close();
    await t.rt.audit.flush();
    const rows = await t.rt.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.userId, userId), like(auditLog.route, 'mcp:%'), eq(auditLog.keyPrefix, key.slice(0, 12))));
    const routes = rows.map((r) => `${r.route} ${r.status}`).sort();
    assert.deepEqual(routes, ['mcp:initialize 200', 'mcp:notifications/initialized 202', 'mcp:orgx_inspect 404', 'mcp:orgx_search 200']);
    for (const r of rows) {
      assert.equal(r.principalKind, 'user_key');
      assert.equal(r.tenantId, tenantId);
      assert.equal(r.method, 'POST');
      assert.ok(r.durationMs !== null && r.durationMs >= 0);
    }
  });
});
