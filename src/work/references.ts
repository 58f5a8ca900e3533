// Ids that a request body names (dependencies, assignees). One that is not in this workspace is a
// 404 like any other workspace's id; one that exists but breaks a rule (another initiative, the
// item itself, a cycle) is a 400 naming the field.
import { sql } from 'drizzle-orm';
import { pgArray, queryRows, type Db } from '../db/index.ts';
import { AppError, badRequest } from '../platform/errors.ts';
import { isUuid } from '../platform/principal.ts';
import { agents, taskDependencies, tasks, workstreamDependencies, workstreams } from './tables.ts';

/** A 404 that says which field named the missing id. */
export const notFoundIn = (field: string, what: string) =>
  new AppError(404, 'not_found', `No such ${what} in this workspace`, { [field]: [`No such ${what} in this workspace`] });

/** A body id: malformed ids cannot exist, so they are missing like any other. */
export function idIn(field: string, what: string, value: string): string {
  if (!isUuid(value)) throw notFoundIn(field, what);
  return value.toLowerCase();
}

/** Body ids of one field, each once, in the order given (a malformed one is a 404, as in idIn). */
export const idsIn = (field: string, what: string, values: string[]): string[] => [...new Set(values.map((v) => idIn(field, what, v)))];

interface DependencyGraph {
  what: string;
  table: typeof tasks | typeof workstreams;
  edges: typeof taskDependencies | typeof workstreamDependencies;
  from: typeof taskDependencies.taskId | typeof workstreamDependencies.workstreamId;
}

const TASKS: DependencyGraph = { what: 'task', table: tasks, edges: taskDependencies, from: taskDependencies.taskId };
const WORKSTREAMS: DependencyGraph = { what: 'workstream', table: workstreams, edges: workstreamDependencies, from: workstreamDependencies.workstreamId };

/**
 * Checks a new `depends_on` list of `self` (null while creating): every id in this workspace and
 * this initiative, not itself, and no cycle through the existing edges. Returns the ids, deduped.
 */
async function checkDependencies(tx: Db, g: DependencyGraph, tenantId: string, initiativeId: string, self: string | null, raw: string[]): Promise<string[]> {
  const field = 'depends_on';
  const ids = idsIn(field, g.what, raw);
  if (ids.length === 0) return ids;
  if (self !== null && ids.includes(self)) throw badRequest({ [field]: [`A ${g.what} cannot depend on itself`] });
  const found = await queryRows<{ id: string; initiative_id: string }>(
    tx,
    sql`select id, initiative_id from ${g.table} where tenant_id = ${tenantId} and id = any(${pgArray(ids)}::uuid[])`,
  );
  if (found.length !== ids.length) throw notFoundIn(field, g.what);
  if (found.some((r) => r.initiative_id !== initiativeId)) throw badRequest({ [field]: [`Must be ${g.what}s of the same initiative`] });
  if (self !== null) {
    // Everything the new dependencies already (transitively) depend on: reaching `self` is a cycle.
    const [{ cycle }] = await queryRows<{ cycle: boolean }>(
      tx,
      sql`with recursive reach(id) as (
            select unnest(${pgArray(ids)}::uuid[])
            union
            select d.depends_on_id from ${g.edges} d join reach r on d.${sql.raw(g.from.name)} = r.id where d.tenant_id = ${tenantId}
          )
          select exists (select 1 from reach where id = ${self}) as cycle`,
    );
    if (cycle) throw badRequest({ [field]: [`These dependencies would create a cycle (a ${g.what} would wait for itself)`] });
  }
  return ids;
}

export const checkTaskDependencies = (tx: Db, tenantId: string, initiativeId: string, self: string | null, raw: string[]) =>
  checkDependencies(tx, TASKS, tenantId, initiativeId, self, raw);
export const checkWorkstreamDependencies = (tx: Db, tenantId: string, initiativeId: string, self: string | null, raw: string[]) =>
  checkDependencies(tx, WORKSTREAMS, tenantId, initiativeId, self, raw);

/** Agent ids or names (case-insensitive) → agent ids in the order given, each once. */
export async function resolveAgents(tx: Db, tenantId: string, refs: string[]): Promise<string[]> {
  const field = 'assigned_agent_ids';
  if (refs.length === 0) return [];
  const ids = refs.filter(isUuid).map((v) => v.toLowerCase());
  const names = refs.filter((v) => !isUuid(v)).map((v) => v.trim().toLowerCase());
  const found = await queryRows<{ id: string; name: string }>(
    tx,
    sql`select id, lower(name) as name from ${agents}
        where tenant_id = ${tenantId} and (id = any(${pgArray(ids)}::uuid[]) or lower(name) = any(${pgArray(names)}::text[]))`,
  );
  const out: string[] = [];
  for (const ref of refs) {
    const key = ref.trim().toLowerCase();
    const agent = found.find((a) => a.id === key || a.name === key);
    if (!agent) throw notFoundIn(field, 'agent');
    if (!out.includes(agent.id)) out.push(agent.id);
  }
  return out;
}
