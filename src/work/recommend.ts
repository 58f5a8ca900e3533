// orgx_recommend (the memory tools of docs/work-api-contract.md): what needs attention in the
// workspace now, each with why and the call that acts on it (the MCP tool and its REST twin). Five
// kinds, read in one pass each: pending decisions (past their SLA first, then by urgency, then
// oldest first), blocked tasks, stale runs (no update for STALE_RUN_MINUTES), initiatives at risk
// (marked so, blocked, or near their target date with work left) and ready tasks (todo, every
// dependency done, in a running initiative and an open workstream). The list is ordered by urgency,
// then in that order of kinds.
//
// Every suggested call is one the caller can make: each kind lists its calls, best first (act on
// it, else look at it), with the permission the route needs (and whether only a person may make
// it); the first the caller's credential allows is suggested, and a kind the caller can make no
// call about is not recommended to it (test/work/recommend.test.ts checks them against the
// published route table).
import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../db/index.ts';
import { agents, decisions, initiatives, runs, taskDependencies, tasks, workstreams } from './tables.ts';
import { progressOf } from './views.ts';

export const RECOMMENDATION_KINDS = ['decision_pending', 'task_blocked', 'run_stale', 'initiative_at_risk', 'task_ready'] as const;
export type RecommendationKind = (typeof RECOMMENDATION_KINDS)[number];
export type Urgency = 'low' | 'medium' | 'high' | 'critical';

/** A run that is queued, running or blocked with no update for this long is stale. */
export const STALE_RUN_MINUTES = 30;
/** An active initiative whose target date is this close (or past) with work left is at risk. */
export const AT_RISK_DAYS = 7;

export interface SuggestedCall {
  /** The MCP tool and its arguments. */
  tool: string;
  args: Record<string, unknown>;
  /** The REST twin. */
  method: 'GET' | 'POST';
  path: string;
}

export interface Recommendation {
  kind: RecommendationKind;
  entity_type: 'decision' | 'task' | 'run' | 'initiative';
  entity_id: string;
  title: string;
  reason: string;
  urgency: Urgency;
  suggested_call: SuggestedCall;
}

/** Who asks: which calls it may make, and where (platform credentials name the workspace). */
export interface Caller {
  permissions: ReadonlySet<string>;
  /** A person (approving a decision needs one). */
  human: boolean;
  /** Set for platform credentials: suggested paths carry `workspace_id`. */
  workspaceId?: string;
}

/** A call a recommendation may suggest: the route (under /api/client) and what it needs. */
export interface CallTemplate {
  tool: string;
  args: (id: string) => Record<string, unknown>;
  method: 'GET' | 'POST';
  /** The route as published, e.g. `/decisions/{decisionId}/actions/approve`. */
  route: string;
  path: (id: string) => string;
  permission: string;
  humanOnly?: boolean;
}

const call = (tool: string, method: 'GET' | 'POST', route: string, permission: string, args: (id: string) => Record<string, unknown>, humanOnly = false): CallTemplate => ({
  tool,
  args,
  method,
  route,
  path: (id) => route.replace(/\{\w+\}/, id),
  permission,
  humanOnly,
});
const inspect = (type: string, route: string, permission: string) => call('orgx_inspect', 'GET', route, permission, (id) => ({ type, id }));
const act = (action: string) => call('orgx_act', 'POST', `/tasks/{taskId}/actions/${action}`, 'initiatives:write', (id) => ({ type: 'task', id, action }));

/** Per kind, the calls it may suggest, best first. */
export const SUGGESTED_CALLS: Record<RecommendationKind, CallTemplate[]> = {
  decision_pending: [
    call('orgx_decide', 'POST', '/decisions/{decisionId}/actions/approve', 'decisions:write', (id) => ({ action: 'approve', decision_id: id }), true),
    inspect('decision', '/decisions/{decisionId}', 'decisions:read'),
  ],
  task_blocked: [act('unblock'), inspect('task', '/tasks/{taskId}', 'initiatives:read')],
  run_stale: [inspect('run', '/runs/{runId}', 'agents:read'), call('orgx_act', 'POST', '/runs/{runId}/actions/cancel', 'agents:write', (id) => ({ type: 'run', id, action: 'cancel' }))],
  // The live view: the initiative with its progress, as the board shows it.
  initiative_at_risk: [{ ...inspect('initiative', '/live/initiatives', 'initiatives:read'), path: (id) => `/live/initiatives?id=${id}` }],
  task_ready: [act('start'), inspect('task', '/tasks/{taskId}', 'initiatives:read')],
};

/** The first call of `kind` the caller may make, or null when it may make none. */
function callFor(caller: Caller, kind: RecommendationKind): CallTemplate | null {
  return SUGGESTED_CALLS[kind].find((c) => caller.permissions.has(c.permission) && (!c.humanOnly || caller.human)) ?? null;
}

function suggest(template: CallTemplate, id: string, caller: Caller): SuggestedCall {
  let path = `/api/client${template.path(id)}`;
  if (caller.workspaceId) path += `${path.includes('?') ? '&' : '?'}workspace_id=${caller.workspaceId}`;
  return { tool: template.tool, args: template.args(id), method: template.method, path };
}

const URGENCY_RANK: Record<Urgency, number> = { critical: 0, high: 1, medium: 2, low: 3 };
const byPriority: Record<string, Urgency> = { high: 'high', medium: 'medium', low: 'low' };

/** "3 h", "2 d", "15 min": how long, for a reason a person reads. */
export function span(ms: number): string {
  const min = Math.max(0, Math.round(ms / 60_000));
  if (min < 90) return `${min} min`;
  const h = Math.round(min / 60);
  if (h < 48) return `${h} h`;
  return `${Math.round(h / 24)} d`;
}

const priorityOrder = (column: string) => sql.raw(`case ${column} when 'high' then 0 when 'medium' then 1 else 2 end`);

export async function recommend(db: Db, tenantId: string, caller: Caller, opts: { limit: number; now?: Date }): Promise<Recommendation[]> {
  const now = opts.now ?? new Date();
  const n = opts.limit;
  const t = tenantId;
  const calls = Object.fromEntries(RECOMMENDATION_KINDS.map((k) => [k, callFor(caller, k)])) as Record<RecommendationKind, CallTemplate | null>;
  // A kind the caller can do nothing about is not read at all.
  const ifCallable = <T>(kind: RecommendationKind, rows: () => Promise<T[]>): Promise<T[]> => (calls[kind] ? rows() : Promise.resolve([]));
  const [pending, blocked, stale, atRisk, ready] = await Promise.all([
    ifCallable('decision_pending', () =>
      queryRows<{ id: string; title: string; type: string; urgency: Urgency; created_at: string; due_at: string }>(
        db,
        sql`select id, title, type, urgency, to_json(created_at) #>> '{}' as created_at, to_json(due_at) #>> '{}' as due_at
            from ${decisions} where tenant_id = ${t} and status = 'pending'
            order by due_at < ${now.toISOString()}::timestamptz desc, case urgency when 'critical' then 0 when 'high' then 1 when 'medium' then 2 else 3 end, created_at, id
            limit ${n}`,
      ),
    ),
    ifCallable('task_blocked', () =>
      queryRows<{ id: string; title: string; priority: string; updated_at: string }>(
        db,
        sql`select id, title, priority, to_json(updated_at) #>> '{}' as updated_at
            from ${tasks} where tenant_id = ${t} and status = 'blocked'
            order by ${priorityOrder('priority')}, updated_at, id
            limit ${n}`,
      ),
    ),
    ifCallable('run_stale', () =>
      queryRows<{ id: string; status: string; agent_name: string; task_title: string | null; updated_at: string }>(
        db,
        sql`select r.id, r.status, a.name as agent_name, tk.title as task_title, to_json(r.updated_at) #>> '{}' as updated_at
            from ${runs} r
            join ${agents} a on a.tenant_id = r.tenant_id and a.id = r.agent_id
            left join ${tasks} tk on tk.tenant_id = r.tenant_id and tk.id = r.task_id
            where r.tenant_id = ${t} and r.status in ('queued', 'running', 'blocked')
              and r.updated_at < ${now.toISOString()}::timestamptz - make_interval(mins => ${STALE_RUN_MINUTES})
            order by r.updated_at, r.id
            limit ${n}`,
      ),
    ),
    ifCallable('initiative_at_risk', () =>
      queryRows<{ id: string; title: string; status: string; target_date: string | null; task_count: number; done_count: number }>(
        db,
        sql`select id, title, status, target_date::text as target_date, task_count, done_count
            from ${initiatives}
            where tenant_id = ${t} and (status in ('at_risk', 'blocked')
              or (status = 'active' and target_date is not null and done_count < task_count
                  and target_date <= (${now.toISOString()}::timestamptz at time zone 'UTC')::date + ${AT_RISK_DAYS}::int))
            order by case status when 'blocked' then 0 when 'at_risk' then 1 else 2 end, target_date nulls last, id
            limit ${n}`,
      ),
    ),
    ifCallable('task_ready', () =>
      queryRows<{ id: string; title: string; priority: string; initiative_title: string }>(
        db,
        sql`select tk.id, tk.title, tk.priority, i.title as initiative_title
            from ${tasks} tk
            join ${initiatives} i on i.tenant_id = tk.tenant_id and i.id = tk.initiative_id
            join ${workstreams} w on w.tenant_id = tk.tenant_id and w.id = tk.workstream_id
            where tk.tenant_id = ${t} and tk.status = 'todo'
              and i.status in ('active', 'at_risk') and w.status in ('ready', 'active')
              and not exists (
                select 1 from ${taskDependencies} d join ${tasks} dt on dt.tenant_id = d.tenant_id and dt.id = d.depends_on_id
                where d.tenant_id = tk.tenant_id and d.task_id = tk.id and dt.status <> 'done')
            order by ${priorityOrder('tk.priority')}, tk.sequence, tk.created_at, tk.id
            limit ${n}`,
      ),
    ),
  ]);

  const out: Recommendation[] = [];
  for (const d of pending) {
    const due = Date.parse(d.due_at) - now.getTime();
    out.push({
      kind: 'decision_pending',
      entity_type: 'decision',
      entity_id: d.id,
      title: d.title,
      reason: `${d.urgency[0].toUpperCase()}${d.urgency.slice(1)}-urgency ${d.type} waiting ${span(now.getTime() - Date.parse(d.created_at))}; ${
        due < 0 ? `SLA missed by ${span(-due)}` : `SLA due in ${span(due)}`
      }. A person approves or rejects it.`,
      // An overdue decision is as urgent as it gets.
      urgency: due < 0 ? 'critical' : d.urgency,
      suggested_call: suggest(calls.decision_pending!, d.id, caller),
    });
  }
  for (const k of blocked) {
    out.push({
      kind: 'task_blocked',
      entity_type: 'task',
      entity_id: k.id,
      title: k.title,
      reason: `Blocked for ${span(now.getTime() - Date.parse(k.updated_at))} (${k.priority} priority): resolve the blocker, then unblock it.`,
      urgency: byPriority[k.priority] ?? 'medium',
      suggested_call: suggest(calls.task_blocked!, k.id, caller),
    });
  }
  for (const r of stale) {
    out.push({
      kind: 'run_stale',
      entity_type: 'run',
      entity_id: r.id,
      title: r.task_title ? `${r.agent_name}: ${r.task_title}` : r.agent_name,
      reason: `Run ${r.status} with no update for ${span(now.getTime() - Date.parse(r.updated_at))}: check on the agent, or cancel the run.`,
      urgency: r.status === 'blocked' ? 'high' : 'medium',
      suggested_call: suggest(calls.run_stale!, r.id, caller),
    });
  }
  const today = now.toISOString().slice(0, 10);
  for (const i of atRisk) {
    const progress = progressOf(i.done_count, i.task_count);
    const days = i.target_date ? Math.round((Date.parse(i.target_date) - Date.parse(today)) / 86_400_000) : null;
    const dateNote =
      i.target_date === null ? '' : days! < 0 ? `; target date ${i.target_date} passed ${-days!} d ago` : `; target date ${i.target_date} in ${days} d`;
    const lead = i.status === 'active' ? `Target date ${days! < 0 ? 'passed' : 'near'}` : i.status === 'blocked' ? 'Blocked' : 'Marked at risk';
    out.push({
      kind: 'initiative_at_risk',
      entity_type: 'initiative',
      entity_id: i.id,
      title: i.title,
      reason: `${lead} at ${progress}% (${i.done_count} of ${i.task_count} tasks done)${dateNote}.`,
      urgency: i.status === 'blocked' || (days !== null && days < 0) ? 'critical' : 'high',
      suggested_call: suggest(calls.initiative_at_risk!, i.id, caller),
    });
  }
  for (const k of ready) {
    out.push({
      kind: 'task_ready',
      entity_type: 'task',
      entity_id: k.id,
      title: k.title,
      reason: `Ready to start (${k.priority} priority, in ${k.initiative_title}): every task it depends on is done.`,
      urgency: byPriority[k.priority] ?? 'medium',
      suggested_call: suggest(calls.task_ready!, k.id, caller),
    });
  }
  const kindRank = (k: RecommendationKind) => RECOMMENDATION_KINDS.indexOf(k);
  // Stable: within one urgency and kind, the order each query gave.
  return out.sort((a, b) => URGENCY_RANK[a.urgency] - URGENCY_RANK[b.urgency] || kindRank(a.kind) - kindRank(b.kind)).slice(0, n);
}
