// GET /api/client/live/agents (a contract endpoint of docs/work-api-contract.md): every agent of
// the workspace with what it is doing now, derived from its open runs (queued, running, blocked).
// An agent's status is `running` when one of its runs runs, else `blocked`, else `queued`, else
// `idle`; the fields of its current run come from that run (the most recently started of that
// status), and `instanceCount` counts its open runs. With `initiative`, only runs of that
// initiative count. The summary counts every agent (idle ones too), whether or not `include_idle`
// lists them. `total` and `pagination` (additions to the contract's shape) page the listed agents.
import { asc, eq, sql } from 'drizzle-orm';
import { queryRows } from '../db/index.ts';
import { pageInfo, type Page } from '../platform/pagination.ts';
import { authorizeTenant, isUuid, type ServiceContext } from '../platform/principal.ts';
import { agents, runs, tasks } from './tables.ts';

export type LiveStatus = 'running' | 'queued' | 'blocked' | 'idle';

export interface LiveAgent {
  id: string;
  name: string;
  domain: string;
  status: LiveStatus;
  currentTask: string | null;
  progress: number;
  runId: string | null;
  initiativeId: string | null;
  startedAt: string | null;
  blockers: string[];
  instanceCount: number;
}

const RANK: Record<string, number> = { running: 0, blocked: 1, queued: 2 };

interface OpenRun {
  id: string;
  agent_id: string;
  status: 'running' | 'blocked' | 'queued';
  progress: number;
  initiative_id: string | null;
  started_at: string | Date | null;
  created_at: string | Date;
  blockers: string[] | string;
  task_title: string | null;
}

const iso = (v: string | Date | null) => (v === null ? null : new Date(v).toISOString());

export async function liveAgents(ctx: ServiceContext, workspaceId: string, q: { initiative?: string; include_idle: boolean } & Page) {
  const t = authorizeTenant(ctx, workspaceId, 'agents:read');
  const db = ctx.rt.db;
  const all = await db
    .select({ id: agents.id, name: agents.name, domain: agents.domain })
    .from(agents)
    .where(eq(agents.tenantId, t))
    .orderBy(asc(sql`lower(${agents.name})`), asc(agents.id));
  // An initiative filter naming nothing here leaves every agent idle.
  const initiative = q.initiative === undefined ? null : isUuid(q.initiative) ? q.initiative.toLowerCase() : false;
  const open =
    initiative === false
      ? []
      : await queryRows<OpenRun>(
          db,
          sql`select r.id, r.agent_id, r.status, r.progress, r.initiative_id, r.started_at, r.created_at, r.blockers, t.title as task_title
              from ${runs} r left join ${tasks} t on t.tenant_id = r.tenant_id and t.id = r.task_id
              where r.tenant_id = ${t} and r.status in ('queued', 'running', 'blocked')
                ${initiative ? sql`and r.initiative_id = ${initiative}` : sql``}`,
        );
  const byAgent = new Map<string, OpenRun[]>();
  for (const r of open) byAgent.set(r.agent_id, [...(byAgent.get(r.agent_id) ?? []), r]);

  const list: LiveAgent[] = all.map((a) => {
    const mine = (byAgent.get(a.id) ?? []).sort(
      (x, y) =>
        RANK[x.status] - RANK[y.status] ||
        Date.parse(iso(y.started_at) ?? iso(y.created_at)!) - Date.parse(iso(x.started_at) ?? iso(x.created_at)!) ||
        (y.id > x.id ? 1 : -1),
    );
    const current = mine[0];
    return {
      id: a.id,
      name: a.name,
      domain: a.domain,
      status: current ? current.status : 'idle',
      currentTask: current?.task_title ?? null,
      progress: current?.progress ?? 0,
      runId: current?.id ?? null,
      initiativeId: current?.initiative_id ?? null,
      startedAt: current ? iso(current.started_at) : null,
      blockers: current ? (typeof current.blockers === 'string' ? JSON.parse(current.blockers) : current.blockers) : [],
      instanceCount: mine.length,
    };
  });
  const summary = { total: list.length, running: 0, queued: 0, blocked: 0, idle: 0 };
  for (const a of list) summary[a.status] += 1;
  const listed = q.include_idle ? list : list.filter((a) => a.status !== 'idle');
  return { agents: listed.slice(q.offset, q.offset + q.limit), summary, ...pageInfo(q, listed.length) };
}
