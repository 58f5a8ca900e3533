// Agents (docs/work-api-contract.md): the seven canonical ones every workspace starts with, plus
// custom ones. orgstack is the control plane: an agent here is a name clients dispatch work to,
// with a domain and a `status` saying whether it may be dispatched (`active`) or not (`disabled`);
// what it is doing right now comes from its runs (live/agents). Canonical agents keep their name
// and domain — clients of the contract address them by name — and cannot be deleted; any agent that
// has runs cannot be deleted either (its runs are the record of its work): disable it instead.
import { and, asc, count, eq, sql } from 'drizzle-orm';
import { queryRows, uniqueViolation, type Db } from '../db/index.ts';
import { conflict, notFound } from '../platform/errors.ts';
import { emitEvent } from '../platform/events.ts';
import { uuidv7 } from '../platform/ids.ts';
import { pageAndTotal, type Page } from '../platform/pagination.ts';
import { authorizeTenant, isUuid, type ServiceContext } from '../platform/principal.ts';
import type { AgentDomain } from './canonical-agents.ts';
import { changeWork } from './live.ts';
import { notFoundIn } from './references.ts';
import { anyText } from './sql.ts';
import { agents, runs } from './tables.ts';

export const AGENT_STATUSES = ['active', 'disabled'] as const;
export type AgentStatus = (typeof AGENT_STATUSES)[number];
type AgentRow = typeof agents.$inferSelect;

export function agentView(a: AgentRow) {
  return {
    id: a.id,
    name: a.name,
    domain: a.domain as AgentDomain,
    description: a.description,
    status: a.status as AgentStatus,
    canonical: a.canonical,
    created_at: a.createdAt.toISOString(),
    updated_at: a.updatedAt.toISOString(),
  };
}
export type AgentView = ReturnType<typeof agentView>;

/** An agent by id or name (case-insensitive), or null. */
export async function findAgent(db: Db, tenantId: string, ref: string): Promise<AgentRow | null> {
  const key = ref.trim().toLowerCase();
  const [row] = await db
    .select()
    .from(agents)
    .where(and(eq(agents.tenantId, tenantId), isUuid(key) ? eq(agents.id, key) : sql`lower(${agents.name}) = ${key}`));
  return row ?? null;
}

/** An agent named in a request body (`field`): 404 naming the field when it is not in this workspace. */
export async function agentIn(db: Db, tenantId: string, field: string, ref: string): Promise<AgentRow> {
  const row = await findAgent(db, tenantId, ref);
  if (!row) throw notFoundIn(field, 'agent');
  return row;
}

export interface AgentFilter extends Page {
  domain?: AgentDomain[];
  status?: AgentStatus[];
}

/** By name: the canonical ones and custom ones together, alphabetically. */
export async function listAgents(ctx: ServiceContext, workspaceId: string, q: AgentFilter) {
  const t = authorizeTenant(ctx, workspaceId, 'agents:read');
  const where = and(
    eq(agents.tenantId, t),
    q.domain?.length ? anyText(agents.domain, q.domain) : undefined,
    q.status?.length ? anyText(agents.status, q.status) : undefined,
  );
  const [rows, n] = await pageAndTotal(
    q,
    () => ctx.rt.db.select().from(agents).where(where).orderBy(asc(sql`lower(${agents.name})`), asc(agents.id)).limit(q.limit).offset(q.offset),
    () => ctx.rt.db.select({ n: count() }).from(agents).where(where),
  );
  return { items: rows.map(agentView), total: n };
}

/** By id or by name (`engineering-agent`). */
export async function getAgent(ctx: ServiceContext, workspaceId: string, ref: string): Promise<AgentView> {
  const t = authorizeTenant(ctx, workspaceId, 'agents:read');
  const row = await findAgent(ctx.rt.db, t, ref);
  if (!row) throw notFound();
  return agentView(row);
}

const nameTaken = (name: string) => conflict(`An agent named "${name}" already exists in this workspace`);

export interface CreateAgent {
  name: string;
  domain: AgentDomain;
  description?: string | null;
  status?: AgentStatus;
}

export async function createAgent(ctx: ServiceContext, workspaceId: string, body: CreateAgent): Promise<AgentView> {
  const t = authorizeTenant(ctx, workspaceId, 'agents:write');
  const now = new Date();
  try {
    return await changeWork(ctx, t, async (tx) => {
      const [row] = await tx
        .insert(agents)
        .values({
          tenantId: t,
          id: uuidv7(now.getTime()),
          name: body.name,
          domain: body.domain,
          description: body.description ?? null,
          status: body.status ?? 'active',
          canonical: false,
          createdAt: now,
          updatedAt: now,
        })
        .returning();
      const agent = agentView(row);
      await emitEvent(tx, t, 'agent.created', { agent });
      return agent;
    });
  } catch (err) {
    if (uniqueViolation(err) !== null) throw nameTaken(body.name);
    throw err;
  }
}

export interface UpdateAgent {
  name?: string;
  domain?: AgentDomain;
  description?: string | null;
  status?: AgentStatus;
}

/** Description and status of any agent; name and domain of custom ones only (409 for canonical). */
export async function updateAgent(ctx: ServiceContext, workspaceId: string, ref: string, body: UpdateAgent): Promise<AgentView> {
  const t = authorizeTenant(ctx, workspaceId, 'agents:write');
  const now = new Date();
  try {
    return await changeWork(ctx, t, async (tx) => {
      const row = await findAgent(tx, t, ref);
      if (!row) throw notFound();
      const changes: Partial<typeof agents.$inferInsert> = {};
      const changed: string[] = [];
      for (const field of ['name', 'domain', 'description', 'status'] as const) {
        const value = body[field];
        if (value === undefined || value === row[field]) continue;
        if (row.canonical && (field === 'name' || field === 'domain')) {
          throw conflict(`The ${field} of a canonical agent cannot change: clients of the contract address it as ${row.name}`);
        }
        (changes as Record<string, unknown>)[field] = value;
        changed.push(field);
      }
      if (changed.length === 0) return agentView(row);
      const [after] = await tx
        .update(agents)
        .set({ ...changes, updatedAt: now })
        .where(and(eq(agents.tenantId, t), eq(agents.id, row.id)))
        .returning();
      const agent = agentView(after);
      await emitEvent(tx, t, 'agent.updated', { agent, changed });
      return agent;
    });
  } catch (err) {
    if (uniqueViolation(err) !== null && body.name) throw nameTaken(body.name);
    throw err;
  }
}

/** A custom agent without runs; canonical agents and agents with runs are a 409 (disable them). */
export async function deleteAgent(ctx: ServiceContext, workspaceId: string, ref: string): Promise<{ id: string; deleted: true }> {
  const t = authorizeTenant(ctx, workspaceId, 'agents:write');
  return changeWork(ctx, t, async (tx) => {
    const row = await findAgent(tx, t, ref);
    if (!row) throw notFound();
    // Lock it, so a dispatch cannot add a run between the check and the delete.
    await queryRows(tx, sql`select 1 from ${agents} where tenant_id = ${t} and id = ${row.id} for update`);
    if (row.canonical) throw conflict('A canonical agent cannot be deleted; set its status to disabled instead');
    const [{ n }] = await tx
      .select({ n: count() })
      .from(runs)
      .where(and(eq(runs.tenantId, t), eq(runs.agentId, row.id)));
    if (n > 0) throw conflict(`The agent has ${n} run(s), the record of its work; set its status to disabled instead`);
    await tx.delete(agents).where(and(eq(agents.tenantId, t), eq(agents.id, row.id)));
    await emitEvent(tx, t, 'agent.deleted', { agent: agentView(row) });
    return { id: row.id, deleted: true as const };
  });
}
