// Decisions: approval points an agent (or person) raises and a person resolves
// (docs/work-api-contract.md). Urgency sets the SLA (`due_at`); approving (optionally choosing an
// option) and rejecting (with a reason) need a human principal, so an agent cannot approve its own
// request. A resolved decision stays resolved: acting on it again is a 409.
import { and, count, desc, eq, sql } from 'drizzle-orm';
import { pgArray, preparedQuery, type Db } from '../db/index.ts';
import { badRequest, conflict, notFound } from '../platform/errors.ts';
import { emitEvent } from '../platform/events.ts';
import { uuidv7 } from '../platform/ids.ts';
import { pageAndTotal, pageWithTotal, type Page } from '../platform/pagination.ts';
import { keptTotal, tenantRowCount } from '../platform/row-counts.ts';
import { authorizeTenant, isUuid, type ServiceContext } from '../platform/principal.ts';
import {
  actorOfPrincipal,
  decisionColumns,
  decisionView,
  decisionViewById,
  selectDecisions,
  type Actor,
  type DecisionRow,
  type DecisionStatus,
  type DecisionView,
  type Urgency,
} from './decision-view.ts';
import { changeWork } from './live.ts';
import { idIn, notFoundIn } from './references.ts';
import { anyText } from './sql.ts';
import { agents, decisionOptions, decisions, initiatives, pendingDue, pendingFirst, runs, tasks } from './tables.ts';
import { nextStatus } from './transitions.ts';
import { requireHuman } from './workspace.ts';

/** Hours to resolve a decision of each urgency (the contract's SLAs). */
export const SLA_HOURS: Record<Urgency, number> = { low: 72, medium: 24, high: 4, critical: 1 };
const dueAt = (createdAt: Date, urgency: Urgency) => new Date(createdAt.getTime() + SLA_HOURS[urgency] * 3_600_000);

export const DECISION_ACTIONS = {
  approve: { from: ['pending'], to: 'approved' },
  reject: { from: ['pending'], to: 'rejected' },
  cancel: { from: ['pending'], to: 'cancelled' },
  supersede: { from: ['pending'], to: 'superseded' },
} as const satisfies Record<string, { from: readonly DecisionStatus[]; to: DecisionStatus }>;
export type DecisionAction = keyof typeof DECISION_ACTIONS;
/** Only a person may resolve a decision for or against; its requester may withdraw it. */
const HUMAN_ONLY: ReadonlySet<DecisionAction> = new Set(['approve', 'reject']);

export interface DecisionFilter extends Page {
  status?: DecisionStatus[];
  urgency?: Urgency[];
  initiative_id?: string;
  task_id?: string;
  run_id?: string;
}

/** Pending first, soonest due first (urgency and age together); then the rest, newest first. */
export async function listDecisions(ctx: ServiceContext, workspaceId: string, q: DecisionFilter) {
  const t = authorizeTenant(ctx, workspaceId, 'decisions:read');
  const ids = [q.initiative_id, q.task_id, q.run_id];
  if (ids.some((v) => v !== undefined && !isUuid(v))) return { items: [], total: 0 };
  const where = and(
    eq(decisions.tenantId, t),
    q.status?.length ? anyText(decisions.status, q.status) : undefined,
    q.urgency?.length ? anyText(decisions.urgency, q.urgency) : undefined,
    q.initiative_id ? eq(decisions.initiativeId, q.initiative_id.toLowerCase()) : undefined,
    q.task_id ? eq(decisions.taskId, q.task_id.toLowerCase()) : undefined,
    q.run_id ? eq(decisions.runId, q.run_id.toLowerCase()) : undefined,
  );
  const db = ctx.rt.db;
  const unfiltered = !q.status?.length && !q.urgency?.length && !ids.some((v) => v !== undefined);
  // The inbox as most callers read it (no filter) is one statement prepared once: the page with
  // the total the database keeps. A filter combination builds its own page and count.
  const [rows, n] = unfiltered
    ? await pageWithTotal(q, () => decisionPage(db).execute({ t, limit: q.limit, offset: q.offset }), () => decisionCount(db).execute({ t }))
    : await pageAndTotal(
        q,
        () => selectDecisions(db).where(where).orderBy(...inboxOrder).limit(q.limit).offset(q.offset),
        () => db.select({ n: count() }).from(decisions).where(where),
      );
  return { items: rows.map(decisionView), total: n };
}

const inboxOrder = [pendingFirst(decisions.status), pendingDue(decisions.status, decisions.dueAt), desc(decisions.createdAt), desc(decisions.id)];
export const decisionPage = preparedQuery((db) =>
  selectDecisions(db, { total: keptTotal('decisions') })
    .where(eq(decisions.tenantId, sql.placeholder('t')))
    .orderBy(...inboxOrder)
    .limit(sql.placeholder('limit'))
    .offset(sql.placeholder('offset'))
    .prepare('decision_page'),
);
export const decisionCount = tenantRowCount('decisions');

export async function getDecision(ctx: ServiceContext, workspaceId: string, id: string): Promise<DecisionView> {
  const t = authorizeTenant(ctx, workspaceId, 'decisions:read');
  if (!isUuid(id)) throw notFound();
  const view = await decisionViewById(ctx.rt.db, t, id.toLowerCase());
  if (!view) throw notFound();
  return view;
}

export interface CreateDecision {
  title: string;
  summary?: string | null;
  type?: 'approval' | 'escalation' | 'clarification' | 'conflict';
  urgency?: Urgency;
  options?: { id?: string; label: string; description?: string | null }[];
  initiative_id?: string;
  task_id?: string;
  run_id?: string;
  agent_id?: string;
}

/** The decision's links: a run implies its task and initiative, a task its initiative. */
async function resolveLinks(tx: Db, tenantId: string, body: CreateDecision) {
  let runTask: string | null = null;
  let initiative: string | null = null;
  const runId = body.run_id !== undefined ? idIn('run_id', 'run', body.run_id) : null;
  if (runId) {
    const [run] = await tx.select({ taskId: runs.taskId, initiativeId: runs.initiativeId }).from(runs).where(and(eq(runs.tenantId, tenantId), eq(runs.id, runId)));
    if (!run) throw notFoundIn('run_id', 'run');
    runTask = run.taskId;
    initiative = run.initiativeId;
  }
  let taskId = body.task_id !== undefined ? idIn('task_id', 'task', body.task_id) : runTask;
  if (body.task_id !== undefined) {
    const [task] = await tx.select({ initiativeId: tasks.initiativeId }).from(tasks).where(and(eq(tasks.tenantId, tenantId), eq(tasks.id, taskId!)));
    if (!task) throw notFoundIn('task_id', 'task');
    if (runId && runTask !== taskId) throw badRequest({ task_id: ["Must be the run's task"] });
    initiative = task.initiativeId;
  }
  taskId ??= null;
  if (body.initiative_id !== undefined) {
    const id = idIn('initiative_id', 'initiative', body.initiative_id);
    const [row] = await tx.select({ id: initiatives.id }).from(initiatives).where(and(eq(initiatives.tenantId, tenantId), eq(initiatives.id, id)));
    if (!row) throw notFoundIn('initiative_id', 'initiative');
    if (initiative && initiative !== id) throw badRequest({ initiative_id: [`Must be the initiative of the ${body.task_id !== undefined ? 'task' : 'run'}`] });
    initiative = id;
  }
  return { initiativeId: initiative, taskId, runId };
}

function optionRows(options: CreateDecision['options']) {
  const rows = (options ?? []).map((o, i) => ({ id: o.id ?? `opt_${i + 1}`, label: o.label, description: o.description ?? null }));
  const ids = rows.map((o) => o.id);
  if (new Set(ids).size !== ids.length) throw badRequest({ options: ['Option ids must be unique'] });
  return rows;
}

export async function createDecision(ctx: ServiceContext, workspaceId: string, body: CreateDecision): Promise<DecisionView> {
  const t = authorizeTenant(ctx, workspaceId, 'decisions:write');
  const options = optionRows(body.options);
  const urgency = body.urgency ?? 'medium';
  const now = new Date();
  return changeWork(ctx, t, async (tx) => {
    const links = await resolveLinks(tx, t, body);
    let requester: Actor;
    if (body.agent_id !== undefined) {
      const ref = body.agent_id.trim().toLowerCase();
      const [agent] = await tx
        .select({ id: agents.id, name: agents.name })
        .from(agents)
        .where(and(eq(agents.tenantId, t), isUuid(ref) ? eq(agents.id, ref) : sql`lower(${agents.name}) = ${ref}`));
      if (!agent) throw notFoundIn('agent_id', 'agent');
      requester = { type: 'agent', id: agent.id, name: agent.name };
    } else {
      requester = await actorOfPrincipal(tx, ctx.principal);
    }
    const id = uuidv7(now.getTime());
    await tx.insert(decisions).values({
      tenantId: t,
      id,
      title: body.title,
      summary: body.summary ?? null,
      type: body.type ?? 'approval',
      urgency,
      ...links,
      requestedByType: requester.type,
      requestedById: requester.id,
      requestedByName: requester.name,
      dueAt: dueAt(now, urgency),
      createdAt: now,
      updatedAt: now,
    });
    if (options.length > 0) {
      await tx.execute(sql`insert into ${decisionOptions} (tenant_id, decision_id, id, label, description, position)
        select ${t}, ${id}, o.id, o.label, o.description, o.n - 1
        from unnest(${pgArray(options.map((o) => o.id))}::text[], ${pgArray(options.map((o) => o.label))}::text[], ${pgArray(options.map((o) => o.description))}::text[])
          with ordinality as o(id, label, description, n)`);
    }
    const view = (await decisionViewById(tx, t, id))!;
    await emitEvent(tx, t, 'decision.created', { decision: view });
    return view;
  });
}

async function lockDecision(tx: Db, tenantId: string, id: string): Promise<DecisionRow> {
  if (!isUuid(id)) throw notFound();
  const [row] = await tx
    .select(decisionColumns)
    .from(decisions)
    .where(and(eq(decisions.tenantId, tenantId), eq(decisions.id, id.toLowerCase())))
    .for('update');
  if (!row) throw notFound();
  return row;
}

export interface UpdateDecision {
  title?: string;
  summary?: string | null;
  urgency?: Urgency;
}

/** Edits a pending decision; a new urgency moves due_at to created_at + its SLA. */
export async function updateDecision(ctx: ServiceContext, workspaceId: string, id: string, body: UpdateDecision): Promise<DecisionView> {
  const t = authorizeTenant(ctx, workspaceId, 'decisions:write');
  const now = new Date();
  return changeWork(ctx, t, async (tx) => {
    const row = await lockDecision(tx, t, id);
    const changes: Partial<typeof decisions.$inferInsert> = {};
    const changed: string[] = [];
    if (body.title !== undefined && body.title !== row.title) {
      changes.title = body.title;
      changed.push('title');
    }
    if (body.summary !== undefined && body.summary !== row.summary) {
      changes.summary = body.summary;
      changed.push('summary');
    }
    if (body.urgency !== undefined && body.urgency !== row.urgency) {
      changes.urgency = body.urgency;
      changes.dueAt = dueAt(row.createdAt, body.urgency);
      changed.push('urgency', 'due_at');
    }
    if (changed.length === 0) return (await decisionViewById(tx, t, row.id))!;
    if (row.status !== 'pending') throw conflict(`The decision is ${row.status}; only a pending decision can be edited`);
    await tx
      .update(decisions)
      .set({ ...changes, updatedAt: now })
      .where(and(eq(decisions.tenantId, t), eq(decisions.id, row.id)));
    const view = (await decisionViewById(tx, t, row.id))!;
    await emitEvent(tx, t, 'decision.updated', { decision: view, changed });
    return view;
  });
}

export interface DecisionActionBody {
  option_id?: string;
  note?: string;
  reason?: string;
}

/**
 * approve (a person; optionally one of its options), reject (a person; a reason is required),
 * cancel or supersede (its requester or anyone with decisions:write). Only a pending decision
 * moves (409 otherwise). Writes `decision.resolved`.
 */
export async function resolveDecision(ctx: ServiceContext, workspaceId: string, id: string, action: DecisionAction, body: DecisionActionBody): Promise<DecisionView> {
  const t = authorizeTenant(ctx, workspaceId, 'decisions:write');
  if (HUMAN_ONLY.has(action)) requireHuman(ctx.principal);
  const reason = body.reason?.trim();
  if (action === 'reject' && !reason) throw badRequest({ reason: ['Required: say why the decision is rejected'] });
  const now = new Date();
  return changeWork(ctx, t, async (tx) => {
    const row = await lockDecision(tx, t, id);
    const status = nextStatus('decision', DECISION_ACTIONS, action, row.status);
    let chosen: string | null = null;
    if (action === 'approve' && body.option_id !== undefined) {
      const [option] = await tx
        .select({ id: decisionOptions.id })
        .from(decisionOptions)
        .where(and(eq(decisionOptions.tenantId, t), eq(decisionOptions.decisionId, row.id), eq(decisionOptions.id, body.option_id)));
      if (!option) throw badRequest({ option_id: ["Must be one of the decision's options"] });
      chosen = option.id;
    }
    const resolver = await actorOfPrincipal(tx, ctx.principal);
    await tx
      .update(decisions)
      .set({
        status,
        chosenOptionId: chosen,
        resolutionNote: (action === 'reject' ? reason : body.note?.trim()) || null,
        resolvedByType: resolver.type,
        resolvedById: resolver.id,
        resolvedByName: resolver.name,
        resolvedAt: now,
        updatedAt: now,
      })
      .where(and(eq(decisions.tenantId, t), eq(decisions.id, row.id)));
    const view = (await decisionViewById(tx, t, row.id))!;
    await emitEvent(tx, t, 'decision.resolved', { decision: view, action });
    return view;
  });
}

/** A person approves a pending decision, optionally choosing one of its options. */
export const approveDecision = (ctx: ServiceContext, workspaceId: string, id: string, body: DecisionActionBody = {}) =>
  resolveDecision(ctx, workspaceId, id, 'approve', body);
/** A person rejects a pending decision, saying why. */
export const rejectDecision = (ctx: ServiceContext, workspaceId: string, id: string, body: DecisionActionBody) =>
  resolveDecision(ctx, workspaceId, id, 'reject', body);
/** Its requester (or anyone with decisions:write) withdraws a pending decision. */
export const cancelDecision = (ctx: ServiceContext, workspaceId: string, id: string, body: DecisionActionBody = {}) =>
  resolveDecision(ctx, workspaceId, id, 'cancel', body);
/** A newer decision replaces a pending one. */
export const supersedeDecision = (ctx: ServiceContext, workspaceId: string, id: string, body: DecisionActionBody = {}) =>
  resolveDecision(ctx, workspaceId, id, 'supersede', body);
