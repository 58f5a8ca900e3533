// A decision as the Work API shows it (decisionSchema in decision-schemas.ts): its columns, its
// options gathered in the same statement, and who asked and who resolved it.
import { and, eq, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/index.ts';
import type { Principal } from '../platform/principal.ts';
import { apiKeys, users } from '../platform/tables.ts';
import { decisionOptions, decisions } from './tables.ts';

export type Urgency = 'low' | 'medium' | 'high' | 'critical';
export type DecisionStatus = 'pending' | 'approved' | 'rejected' | 'superseded' | 'cancelled';

export const decisionColumns = {
  tenantId: decisions.tenantId,
  id: decisions.id,
  title: decisions.title,
  summary: decisions.summary,
  type: decisions.type,
  urgency: decisions.urgency,
  status: decisions.status,
  chosenOptionId: decisions.chosenOptionId,
  resolutionNote: decisions.resolutionNote,
  initiativeId: decisions.initiativeId,
  taskId: decisions.taskId,
  runId: decisions.runId,
  requestedByType: decisions.requestedByType,
  requestedById: decisions.requestedById,
  requestedByName: decisions.requestedByName,
  resolvedByType: decisions.resolvedByType,
  resolvedById: decisions.resolvedById,
  resolvedByName: decisions.resolvedByName,
  dueAt: decisions.dueAt,
  resolvedAt: decisions.resolvedAt,
  createdAt: decisions.createdAt,
  updatedAt: decisions.updatedAt,
};
export type DecisionRow = { [K in keyof typeof decisionColumns]: (typeof decisions.$inferSelect)[K] };
interface Option {
  id: string;
  label: string;
  description: string | null;
}

// The outer row is named explicitly: Drizzle writes a single-table select's columns unqualified.
const optionsOf = sql<Option[]>`coalesce((
  select json_agg(json_build_object('id', o.id, 'label', o.label, 'description', o.description) order by o.position)
  from ${decisionOptions} o where o.tenant_id = "decisions"."tenant_id" and o.decision_id = "decisions"."id"), '[]'::json)`;

// A key actor's name is its display prefix (recorded when it acted); people read the key's own
// name, looked up now (a renamed key shows its new name). Keys of the decision's workspace only:
// a platform key's name belongs to the operator. Compared as text: the id column holds any actor.
const keyNameOf = (role: 'requested' | 'resolved') =>
  sql<string | null>`(select k.name from ${apiKeys} k where "decisions"."${sql.raw(role)}_by_type" = 'key'
    and k.tenant_id = "decisions"."tenant_id" and k.id::text = "decisions"."${sql.raw(role)}_by_id")`;

/** Decisions with their options and key names, and any `more` columns. */
export const selectDecisions = <More extends Record<string, SQL>>(db: Db, more = {} as More) =>
  db.select({ d: decisionColumns, options: optionsOf, requestedKey: keyNameOf('requested'), resolvedKey: keyNameOf('resolved'), ...more }).from(decisions);

export type Actor = { type: 'agent' | 'user' | 'key'; id: string | null; name: string | null; key_name?: string | null };

/** An actor as the API shows it; a key also has `key_name` (null when unnamed or not this workspace's). */
const actor = (type: string, id: string | null, name: string | null, keyName: string | null): Actor =>
  type === 'key' ? { type, id, name, key_name: keyName } : ({ type, id, name } as Actor);

export function decisionView({ d, options, requestedKey = null, resolvedKey = null }: { d: DecisionRow; options: Option[]; requestedKey?: string | null; resolvedKey?: string | null }) {
  return {
    id: d.id,
    title: d.title,
    summary: d.summary,
    type: d.type as 'approval' | 'escalation' | 'clarification' | 'conflict',
    urgency: d.urgency as Urgency,
    status: d.status as DecisionStatus,
    options,
    chosen_option_id: d.chosenOptionId,
    resolution_note: d.resolutionNote,
    initiative_id: d.initiativeId,
    task_id: d.taskId,
    run_id: d.runId,
    requested_by: actor(d.requestedByType, d.requestedById, d.requestedByName, requestedKey),
    resolved_by: d.resolvedByType ? actor(d.resolvedByType, d.resolvedById, d.resolvedByName, resolvedKey) : null,
    due_at: d.dueAt.toISOString(),
    resolved_at: d.resolvedAt?.toISOString() ?? null,
    created_at: d.createdAt.toISOString(),
    updated_at: d.updatedAt.toISOString(),
  };
}
export type DecisionView = ReturnType<typeof decisionView>;

export async function decisionViewById(db: Db, tenantId: string, id: string): Promise<DecisionView | null> {
  const [row] = await selectDecisions(db).where(and(eq(decisions.tenantId, tenantId), eq(decisions.id, id)));
  return row ? decisionView(row) : null;
}

/** The caller as decisions record it: a person by username, a key by its display prefix. */
export async function actorOfPrincipal(db: Db, p: Principal): Promise<Actor> {
  if (p.userId) {
    const [u] = await db.select({ username: users.username }).from(users).where(eq(users.id, p.userId));
    return { type: 'user', id: p.userId, name: u?.username ?? null };
  }
  return { type: 'key', id: p.credentialId, name: p.keyPrefix };
}
