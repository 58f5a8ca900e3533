// The event catalogue (src/platform/event-catalogue.ts with each module's events.ts) against the
// code: every type the source writes is catalogued (a static scan of every emitEvent and
// insertEventsSql call, computed types included), nothing writes the outbox but events.ts, the
// examples parse, and the data a realistic run of every module writes parses with its schema —
// strictly: a field the schema does not know fails too.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { asc } from 'drizzle-orm';
import ts from 'typescript';
import type { z } from 'zod';
import { MODULES } from '../../src/modules.ts';
import { eventCatalogue } from '../../src/platform/event-catalogue.ts';
import type { EventCatalogue } from '../../src/platform/events.ts';
import { events } from '../../src/platform/tables.ts';
import { recordFunnelEvent } from '../../src/reviews/funnel.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { workClient } from '../helpers/work.ts';

const src = path.resolve(import.meta.dirname, '../../src');
const catalogue: EventCatalogue = eventCatalogue(MODULES);

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return filesUnder(p);
    return /\.tsx?$/.test(e.name) ? [p] : [];
  });
}

// ---- The static scan ----

interface WriteSite {
  where: string;
  /** The types the call may write, or null when the scan cannot enumerate them. */
  types: string[] | null;
  expression: string;
}

const EVENT_TYPE = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/;

/**
 * Types written at a call site whose type the scan cannot follow (a template literal such as
 * `task.${action}`, a parameter typed `string`): `<file>:<expression>` → every type it may write.
 * Empty today — every site is a literal, a ternary of literals, or a const or parameter whose
 * declaration lists them (runs.ts emitRunChange).
 */
const COMPUTED: Record<string, string[]> = {};

/** The string literals an expression may evaluate to, or null when it is not made of them. */
function literalsOf(node: ts.Node, scope: ts.Node): string[] | null {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return [node.text];
  if (ts.isParenthesizedExpression(node) || ts.isAsExpression(node) || ts.isSatisfiesExpression(node)) return literalsOf(node.expression, scope);
  if (ts.isConditionalExpression(node)) {
    const a = literalsOf(node.whenTrue, scope);
    const b = literalsOf(node.whenFalse, scope);
    return a && b ? [...a, ...b] : null;
  }
  if (ts.isUnionTypeNode(node)) {
    const all = node.types.map((t) => literalsOf(t, scope));
    return all.every((x) => x) ? all.flat() as string[] : null;
  }
  if (ts.isLiteralTypeNode(node)) return literalsOf(node.literal, scope);
  if (ts.isIdentifier(node)) return literalsOf_identifier(node.text, scope);
  return null;
}

/** Follows a name to its declaration in an enclosing scope: a const's value, or a parameter's literal type. */
function literalsOf_identifier(name: string, from: ts.Node): string[] | null {
  for (let scope: ts.Node | undefined = from; scope; scope = scope.parent) {
    if (ts.isFunctionLike(scope)) {
      const param = scope.parameters.find((p) => ts.isIdentifier(p.name) && p.name.text === name);
      if (param) return param.type ? literalsOf(param.type, scope) : null;
    }
    if (ts.isBlock(scope) || ts.isSourceFile(scope)) {
      for (const statement of scope.statements) {
        if (!ts.isVariableStatement(statement) || !(statement.declarationList.flags & ts.NodeFlags.Const)) continue;
        const decl = statement.declarationList.declarations.find((d) => ts.isIdentifier(d.name) && d.name.text === name);
        if (decl) return decl.type ? literalsOf(decl.type, scope) : decl.initializer ? literalsOf(decl.initializer, scope) : null;
      }
    }
  }
  return null;
}

/** Every call that writes an event: emitEvent(tx, tenant, TYPE, data) and insertEventsSql(tenant, [{ type: TYPE, … }]). */
function writeSites(file: string, text: string): WriteSite[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const sites: WriteSite[] = [];
  const site = (node: ts.Node, types: string[] | null) => {
    const line = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;
    sites.push({ where: `${file}:${line}`, types, expression: node.getText(sf) });
  };
  const visit = (node: ts.Node) => {
    if (ts.isCallExpression(node)) {
      const callee = ts.isIdentifier(node.expression) ? node.expression.text : ts.isPropertyAccessExpression(node.expression) ? node.expression.name.text : '';
      if (callee === 'emitEvent') {
        const arg = node.arguments[2];
        site(arg ?? node, arg ? literalsOf(arg, node) : null);
      } else if (callee === 'insertEventsSql') {
        const parts = node.arguments[1];
        if (parts && ts.isArrayLiteralExpression(parts)) {
          for (const part of parts.elements) {
            const type = ts.isObjectLiteralExpression(part)
              ? part.properties.find((p): p is ts.PropertyAssignment => ts.isPropertyAssignment(p) && p.name.getText(sf) === 'type')
              : undefined;
            site(type?.initializer ?? part, type ? literalsOf(type.initializer, node) : null);
          }
        } else site(parts ?? node, null);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return sites;
}

function sourceWriteSites(): WriteSite[] {
  return filesUnder(src)
    .filter((f) => !f.endsWith(path.join('platform', 'events.ts')))
    .flatMap((f) => writeSites(path.relative(src, f), fs.readFileSync(f, 'utf8')));
}

/** The types of the sites; the ones the scan could not follow must be in COMPUTED. */
function typesOf(sites: WriteSite[]): { types: Set<string>; unfollowed: string[] } {
  const types = new Set<string>();
  const unfollowed: string[] = [];
  for (const s of sites) {
    const listed = s.types ?? COMPUTED[`${s.where.split(':')[0]}:${s.expression}`];
    if (!listed) unfollowed.push(`${s.where}: ${s.expression}`);
    for (const type of listed ?? []) if (EVENT_TYPE.test(type)) types.add(type);
  }
  return { types, unfollowed };
}

describe('the catalogue', () => {
  test('names, one-line descriptions, and examples that parse with their schemas (strictly)', () => {
    assert.ok(Object.keys(catalogue).length >= 40, 'the platform and both modules contribute');
    for (const [type, entry] of Object.entries(catalogue)) {
      assert.match(type, EVENT_TYPE);
      assert.ok(entry.description.length > 0 && !entry.description.includes('\n'), `${type}: one line`);
      assert.deepEqual(strictIssues(entry.data, entry.example), [], `${type}: the example`);
    }
  });

  test('the OrgX contract types are there', () => {
    for (const type of ['decision.created', 'decision.resolved', 'artifact.shipped', 'agent.started', 'agent.completed', 'initiative.updated']) {
      assert.ok(catalogue[type], type);
    }
  });

  test("tenant-changed is the catalogue's say: the tenant's own data (tenant, shops, employees, templates), nothing else", () => {
    const announced = Object.keys(catalogue).filter((type) => catalogue[type].tenantChanged);
    assert.deepEqual(
      announced.filter((type) => !/^(tenant|shop|employee|template)\./.test(type)),
      [],
    );
    // A new employee changes nothing a node caches: its review code is new and unguessable.
    assert.deepEqual(
      Object.keys(catalogue).filter((type) => /^(tenant|shop|employee|template)\./.test(type) && !catalogue[type].tenantChanged),
      ['employee.created'],
    );
  });

  test('a type listed twice is an error', () => {
    assert.throws(() => eventCatalogue([{ name: 'x', events: { 'tenant.updated': catalogue['tenant.updated'] } }]), /tenant\.updated.*platform.*x module/);
    const twice = { 'x.made': catalogue['task.created'] };
    assert.throws(() => eventCatalogue([{ name: 'a', events: twice }, { name: 'b', events: twice }]), /x\.made/);
  });
});

describe('every event type written in src/ is catalogued', () => {
  test('the scan follows literals, ternaries, consts and literal-typed parameters, and flags what it cannot follow', () => {
    const sites = writeSites(
      'fixture.ts',
      `async function f(tx, t, ok: boolean, what: string) {
         await emitEvent(tx, t, 'x.made', {});
         const kind = ok ? 'x.one' : ('x.two' as const);
         await emitEvent(tx, t, kind, {});
         await emitEvent(tx, t, \`x.\${what}\`, {});
         await emitEvent(tx, t, what, {});
         sql\`with e as (\${insertEventsSql(t, [{ type: 'x.fast', data, from }, { type: what, data, from }])}) select 1\`;
       }
       function g(tx, type: 'x.three' | 'x.four') { return emitEvent(tx, null, type, {}); }`,
    );
    assert.deepEqual(
      sites.map((s) => s.types),
      [['x.made'], ['x.one', 'x.two'], null, null, ['x.fast'], null, ['x.three', 'x.four']],
    );
  });

  test('the scan finds the writers it should (sanity)', () => {
    const sites = sourceWriteSites();
    const files = new Set(sites.map((s) => s.where.split(':')[0]));
    for (const f of ['platform/keys.ts', 'reviews/employees.ts', 'reviews/funnel.ts', 'work/task-insert.ts', 'work/runs.ts']) assert.ok(files.has(f), f);
    const { types } = typesOf(sites);
    for (const type of ['employee.created', 'review.rated', 'task.created', 'agent.completed', 'agent.failed']) assert.ok(types.has(type), type);
  });

  test('every written type is in the catalogue, and every catalogued type is written somewhere', () => {
    const { types, unfollowed } = typesOf(sourceWriteSites());
    assert.deepEqual(unfollowed, [], 'event types the scan cannot enumerate: write literals, or list the site in COMPUTED');
    assert.deepEqual([...types].filter((type) => !catalogue[type]).sort(), [], 'written but not catalogued: add them to the catalogue of the writer');
    assert.deepEqual(Object.keys(catalogue).filter((type) => !types.has(type)).sort(), [], 'catalogued but never written');
  });

  test('nothing but src/platform/events.ts writes the outbox (no raw insert, no aliased emitEvent)', () => {
    const offenders = filesUnder(src)
      .filter((f) => !f.endsWith(path.join('platform', 'events.ts')))
      .flatMap((f) => {
        const text = fs.readFileSync(f, 'utf8');
        const bad = [
          /insert\s+into\s+(?:\$\{\s*events\s*\}|"?events"?)[\s(]/i.test(text) && 'insert into events',
          /\.insert\(\s*events\s*\)/.test(text) && '.insert(events)',
          /\bemitEvent\s+as\s+\w/.test(text) && 'emitEvent imported under another name',
        ].filter(Boolean);
        return bad.map((b) => `${path.relative(src, f)}: ${b}`);
      });
    assert.deepEqual(offenders, []);
  });
});

// ---- What is actually written ----

/** Issues of `data` against `schema`, strictly: also the fields the schema does not know. */
function strictIssues(schema: z.ZodType, data: unknown): string[] {
  const parsed = schema.safeParse(data);
  if (!parsed.success) return parsed.error.issues.map((i) => `${i.path.join('.') || '(data)'}: ${i.message}`);
  try {
    assert.deepEqual(parsed.data, data);
    return [];
  } catch {
    return [`fields the schema does not know: parsed ${JSON.stringify(parsed.data)} from ${JSON.stringify(data)}`];
  }
}

describe('the data written matches its schema', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());

  /** A successful JSON answer of /api/v1. */
  async function v1(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, key: string, body?: unknown, status = method === 'POST' ? 201 : 200) {
    const res = await t.call(method, `/api/v1${url}`, { key, body });
    assert.equal(res.statusCode, status, `${method} ${url}: ${res.body}`);
    return res.body ? res.json() : null;
  }

  /** Keys, users and the tenant itself (the platform), then its shops, employees, templates, settings, funnel and feedback (Reviews). */
  async function platformAndReviews(platformKey: string) {
    const provisioned = await v1('POST', '/tenants', platformKey, { name: 'Catalogue Dental', vertical: 'clinic', xhsInput: '@cataloguedental' });
    const tenantId: string = provisioned.id;
    const base = `/tenants/${tenantId}`;

    const { apiKey } = await v1('POST', `${base}/api-keys`, platformKey, { name: 'sync', permissions: ['shops:read'] });
    const rolled = await v1('POST', `${base}/api-keys/${apiKey.id}/roll`, platformKey, { overlapSeconds: 60 });
    await v1('DELETE', `${base}/api-keys/${rolled.apiKey.id}`, platformKey, undefined, 204);

    const { user } = await v1('POST', `${base}/users`, platformKey, { email: 'mei.lin@example.com', role: 'member' });
    await v1('PATCH', `${base}/users/${user.id}`, platformKey, { role: 'admin' });
    await v1('DELETE', `${base}/users/${user.id}`, platformKey, undefined, 204);

    await v1('PATCH', base, platformKey, { name: 'Catalogue Dental Group', plan: 'standard' });
    await v1('PATCH', `${base}/settings`, platformKey, { ratingThreshold: 5, timezone: 'Europe/London' });

    const { shop } = await v1('POST', `${base}/shops`, platformKey, { name: 'Riverside', address: '12 River Road' });
    await v1('PATCH', `${base}/shops/${shop.id}`, platformKey, { isDefault: true });
    const { shop: spare } = await v1('POST', `${base}/shops`, platformKey, { name: 'Spare' });
    await v1('DELETE', `${base}/shops/${spare.id}`, platformKey, undefined, 204);

    const { employee } = await v1('POST', `${base}/employees`, platformKey, { shopId: shop.id, name: 'Mei Lin' });
    const { employee: other } = await v1('POST', `${base}/employees`, platformKey, { shopId: shop.id, name: 'Sam Ho' });
    await v1('PATCH', `${base}/employees/${other.id}`, platformKey, { active: false });

    const { template } = await v1('POST', `${base}/templates`, platformKey, { body: 'Kind and quick.', language: 'en' });
    await v1('PATCH', `${base}/templates/${template.id}`, platformKey, { active: false });
    await v1('DELETE', `${base}/templates/${template.id}`, platformKey, undefined, 204);

    // The review page's funnel (the page calls this service with no principal).
    const visit = { tenantId, employeeId: employee.id };
    const { sessionId } = await recordFunnelEvent(t.rt, { ...visit, type: 'scan' });
    await recordFunnelEvent(t.rt, { ...visit, sessionId, type: 'rating', rating: 5 });
    await recordFunnelEvent(t.rt, { ...visit, sessionId, type: 'rating', rating: 2 });
    await recordFunnelEvent(t.rt, { ...visit, sessionId, type: 'review_click', channel: 'google' });
    await recordFunnelEvent(t.rt, { ...visit, sessionId, type: 'feedback', message: 'Long wait', contact: 'me@example.com' });
    await v1('PATCH', `${base}/feedback`, platformKey, { sessionId, resolved: true });

    // A webhook endpoint's test event (the receiver is never reached here; only the event counts).
    const { webhook } = await v1('POST', `${base}/webhooks`, platformKey, { url: 'https://93.184.216.34/hooks', eventTypes: ['webhook.test'] });
    await v1('POST', `${base}/webhooks/${webhook.id}/test`, platformKey);

    const gone = await t.createTenant();
    await v1('DELETE', `/tenants/${gone.id}?confirm=${gone.slug}`, platformKey, undefined, 204);
  }

  /** The whole hierarchy, its lifecycle and cascade, agents, runs, decisions and artifacts (Work). */
  async function work() {
    const { tenant, key } = await t.tenantWithKey();
    const w = workClient(t, key);
    const owner = await t.createUser({ tenantId: tenant.id, role: 'owner' });
    const person = workClient(t, await t.userKey(owner.id));

    const custom = await w.ok('POST', '/api/client/agents', { name: 'seo-agent', domain: 'marketing' }, 201);
    await w.ok('PATCH', `/api/client/agents/${custom.id}`, { description: 'Search rankings' });
    await w.ok('DELETE', `/api/client/agents/${custom.id}`);
    const engineer = await w.ok('GET', '/api/client/agents/engineering-agent');

    const initiative = await w.create('initiatives', { title: 'Spring campaign', status: 'active' });
    await w.ok('PATCH', `/api/client/initiatives/${initiative.id}`, { summary: 'March launch' });
    const a = await w.create('workstreams', { initiative_id: initiative.id, name: 'Landing page' });
    const b = await w.create('workstreams', { initiative_id: initiative.id, name: 'Emails', depends_on: [a.id] });
    await w.ok('PATCH', `/api/client/workstreams/${b.id}`, { summary: 'Three mails' });
    const m = await w.create('milestones', { workstream_id: a.id, title: 'Copy ready' });
    await w.ok('PATCH', `/api/client/milestones/${m.id}`, { due_date: '2026-12-01' });
    await w.ok('POST', `/api/client/milestones/${m.id}/actions/mark_at_risk`, { reason: 'Late brief' });

    // Tasks: the one-statement path (agents by id) and the transaction (an agent by name).
    const t1 = await w.create('tasks', { workstream_id: a.id, title: 'Draft copy', assigned_agent_ids: [engineer.id], milestone_id: m.id });
    const t2 = await w.create('tasks', { workstream_id: a.id, title: 'Review copy', depends_on: [t1.id], assigned_agent_ids: [engineer.id] });
    const t3 = await w.create('tasks', { workstream_id: a.id, title: 'Publish', assigned_agent_ids: ['design-agent'] });
    await w.ok('PATCH', `/api/client/tasks/${t3.id}`, { title: 'Publish the page', priority: 'high' });
    await w.act('tasks', t1.id, 'start');
    await w.act('tasks', t1.id, 'block');
    await w.act('tasks', t1.id, 'unblock');

    // Runs: dispatch (starts the task), activity, block and unblock, complete (completes the
    // task, auto-continue starts t2 and queues a run for its agent), and one that fails.
    const run = await w.ok('POST', '/api/client/runs', { agent_id: 'product-agent', task_id: t1.id }, 201);
    await w.ok('POST', `/api/client/runs/${run.id}/activity`, { phase: 'execution', message: 'Drafting', progress_pct: 40 }, 201);
    await w.ok('POST', `/api/client/runs/${run.id}/actions/block`, { reason: 'Waiting for the brief' });
    await w.ok('POST', `/api/client/runs/${run.id}/actions/unblock`);
    await w.ok('POST', `/api/client/runs/${run.id}/actions/complete`, { summary: 'Done', quality_score: 4 });
    const queued = (await w.ok('GET', `/api/client/runs?task_id=${t2.id}`)).find((r: any) => r.status === 'queued');
    assert.ok(queued, 'auto-continue queued a run for t2');
    await w.ok('POST', `/api/client/runs/${queued.id}/actions/start`);
    await w.ok('POST', `/api/client/runs/${queued.id}/actions/fail`, { summary: 'No access', reason: 'Missing credentials' });
    const other = await w.ok('POST', '/api/client/runs', { agent_id: 'marketing-agent', task_id: t3.id }, 201);
    await w.ok('POST', `/api/client/runs/${other.id}/actions/cancel`, { reason: 'Not needed' });
    await w.act('tasks', t2.id, 'complete');

    const d = await person.create('decisions', {
      title: 'Which headline?',
      urgency: 'high',
      initiative_id: initiative.id,
      options: [
        { id: 'a', label: 'Smile brighter' },
        { id: 'b', label: 'Your local dentist' },
      ],
    });
    await person.ok('PATCH', `/api/client/decisions/${d.id}`, { urgency: 'critical' });
    await person.ok('POST', `/api/client/decisions/${d.id}/actions/approve`, { option_id: 'a', note: 'Brighter' });

    const res = await w.call('POST', '/api/client/artifacts', {
      entity_type: 'task',
      entity_id: t1.id,
      name: 'Landing copy',
      artifact_type: 'document',
      external_url: 'https://docs.example.com/copy',
      status: 'approved',
    });
    assert.equal(res.statusCode, 201, res.body);

    await w.ok('POST', `/api/client/initiatives/${initiative.id}/actions/pause`, { reason: 'Budget review' });
    await w.ok('POST', `/api/client/initiatives/${initiative.id}/actions/resume`);
    await w.ok('POST', `/api/client/workstreams/${a.id}/actions/block`, { reason: 'Copy first' });
    await w.ok('POST', `/api/client/workstreams/${a.id}/actions/unblock`);
    const m2 = await w.create('milestones', { workstream_id: a.id, title: 'Spare' });
    await w.ok('PATCH', `/api/client/tasks/${t3.id}`, { milestone_id: m2.id });
    await w.ok('DELETE', `/api/client/milestones/${m2.id}`);
    await w.ok('DELETE', `/api/client/tasks/${t3.id}`);
    await w.ok('DELETE', `/api/client/workstreams/${b.id}`);
    await w.ok('DELETE', `/api/client/initiatives/${initiative.id}`);
  }

  test('every event a realistic run of the platform and both modules writes parses with its catalogue schema', async () => {
    const platformKey = await t.platformKey();
    await platformAndReviews(platformKey);
    await work();

    const rows = await t.rt.db.select().from(events).orderBy(asc(events.seq));
    const problems = rows.flatMap((row) => {
      const entry = catalogue[row.type];
      if (!entry) return [`#${row.seq} ${row.type}: not in the catalogue`];
      return strictIssues(entry.data, row.data).map((issue) => `#${row.seq} ${row.type}: ${issue}`);
    });
    assert.deepEqual(problems, []);

    // What this run covers: every catalogued type.
    const seen = new Set(rows.map((r) => r.type));
    assert.deepEqual(Object.keys(catalogue).filter((type) => !seen.has(type)).sort(), []);
  });
});
