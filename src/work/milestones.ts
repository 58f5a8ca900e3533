// Milestones: checkpoints of an initiative, optionally within one of its workstreams. Completed by
// the cascade when all their tasks are done; in progress once one of them started.
import { and, count, eq } from 'drizzle-orm';
import type { Db } from '../db/index.ts';
import { badRequest, conflict, notFound } from '../platform/errors.ts';
import { emitEvent } from '../platform/events.ts';
import { uuidv7 } from '../platform/ids.ts';
import { pageAndTotal, type Page } from '../platform/pagination.ts';
import { authorizeTenant, isUuid, type ServiceContext } from '../platform/principal.ts';
import { lockInitiative, lockInitiativeOf } from './cascade.ts';
import { changeWork } from './live.ts';
import { idIn, notFoundIn } from './references.ts';
import { beforeRemoval } from './removal.ts';
import { anyText } from './sql.ts';
import { milestones, tasks, workstreams } from './tables.ts';
import { actionTo, MILESTONE_ACTIONS, nextStatus, type MilestoneAction, type MilestoneStatus } from './transitions.ts';
import { milestoneView, type MilestoneView } from './views.ts';
import { requireOpenInitiative } from './workstreams.ts';

export interface MilestoneFilter extends Page {
  initiative_id?: string;
  workstream_id?: string;
  status?: MilestoneStatus[];
}

export async function listMilestones(ctx: ServiceContext, workspaceId: string, q: MilestoneFilter) {
  const t = authorizeTenant(ctx, workspaceId, 'initiatives:read');
  if ((q.initiative_id !== undefined && !isUuid(q.initiative_id)) || (q.workstream_id !== undefined && !isUuid(q.workstream_id))) {
    return { items: [], total: 0 };
  }
  const where = and(
    eq(milestones.tenantId, t),
    q.initiative_id ? eq(milestones.initiativeId, q.initiative_id.toLowerCase()) : undefined,
    q.workstream_id ? eq(milestones.workstreamId, q.workstream_id.toLowerCase()) : undefined,
    q.status?.length ? anyText(milestones.status, q.status) : undefined,
  );
  const db = ctx.rt.db;
  const [rows, n] = await pageAndTotal(
    q,
    () => db.select().from(milestones).where(where).orderBy(milestones.createdAt, milestones.id).limit(q.limit).offset(q.offset),
    () => db.select({ n: count() }).from(milestones).where(where),
  );
  return { items: rows.map(milestoneView), total: n };
}

export async function getMilestone(ctx: ServiceContext, workspaceId: string, id: string): Promise<MilestoneView> {
  const t = authorizeTenant(ctx, workspaceId, 'initiatives:read');
  if (!isUuid(id)) throw notFound();
  const [row] = await ctx.rt.db
    .select()
    .from(milestones)
    .where(and(eq(milestones.tenantId, t), eq(milestones.id, id.toLowerCase())));
  if (!row) throw notFound();
  return milestoneView(row);
}

export interface CreateMilestone {
  initiative_id?: string;
  workstream_id?: string | null;
  title: string;
  description?: string | null;
  due_date?: string | null;
}

/**
 * The initiative comes from `initiative_id` or from the workstream; a workstream of another
 * initiative than the one named is a 400.
 */
export async function createMilestone(ctx: ServiceContext, workspaceId: string, body: CreateMilestone): Promise<MilestoneView> {
  const t = authorizeTenant(ctx, workspaceId, 'initiatives:write');
  const workstreamId = body.workstream_id ? idIn('workstream_id', 'workstream', body.workstream_id) : null;
  const namedInitiative = body.initiative_id !== undefined ? idIn('initiative_id', 'initiative', body.initiative_id) : null;
  if (!workstreamId && !namedInitiative) throw badRequest({ initiative_id: ['Required unless workstream_id is given'] });
  const now = new Date();
  return changeWork(ctx, t, async (tx) => {
    let initiativeId = namedInitiative;
    if (workstreamId) {
      const [ws] = await tx
        .select({ initiativeId: workstreams.initiativeId })
        .from(workstreams)
        .where(and(eq(workstreams.tenantId, t), eq(workstreams.id, workstreamId)));
      if (!ws) throw notFoundIn('workstream_id', 'workstream');
      if (initiativeId && ws.initiativeId !== initiativeId) throw badRequest({ workstream_id: ['Must be a workstream of the initiative initiative_id names'] });
      initiativeId = ws.initiativeId;
    }
    const initiative = await lockInitiative(tx, t, initiativeId!);
    if (!initiative) throw notFoundIn('initiative_id', 'initiative');
    requireOpenInitiative(initiative);
    if (workstreamId) {
      const [ws] = await tx.select({ status: workstreams.status }).from(workstreams).where(and(eq(workstreams.tenantId, t), eq(workstreams.id, workstreamId)));
      if (!ws) throw notFoundIn('workstream_id', 'workstream');
      if (ws.status === 'completed') throw conflict('The workstream is completed; no work can be added to it');
    }
    const [row] = await tx
      .insert(milestones)
      .values({
        tenantId: t,
        id: uuidv7(now.getTime()),
        initiativeId: initiative.id,
        workstreamId,
        title: body.title,
        description: body.description ?? null,
        dueDate: body.due_date ?? null,
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    const view = milestoneView(row);
    await emitEvent(tx, t, 'milestone.created', { milestone: view });
    return view;
  });
}

async function lockMilestone(tx: Db, tenantId: string, id: string) {
  if (!isUuid(id)) throw notFound();
  const milestoneId = id.toLowerCase();
  const initiative = await lockInitiativeOf(tx, tenantId, milestones, milestoneId);
  if (!initiative) throw notFound();
  const [row] = await tx.select().from(milestones).where(and(eq(milestones.tenantId, tenantId), eq(milestones.id, milestoneId)));
  if (!row) throw notFound();
  return { initiative, row };
}

function statusChanges(row: typeof milestones.$inferSelect, action: MilestoneAction, status: MilestoneStatus, now: Date) {
  if (action === 'complete' && row.doneCount !== row.taskCount) {
    throw conflict(`Cannot complete a milestone with ${row.taskCount - row.doneCount} task(s) not done`);
  }
  return status === 'completed' ? { status, completedAt: now } : { status };
}

export interface UpdateMilestone {
  title?: string;
  description?: string | null;
  due_date?: string | null;
  status?: MilestoneStatus;
}

const FIELDS = { title: 'title', description: 'description', due_date: 'dueDate' } as const;

export async function updateMilestone(ctx: ServiceContext, workspaceId: string, id: string, body: UpdateMilestone): Promise<MilestoneView> {
  const t = authorizeTenant(ctx, workspaceId, 'initiatives:write');
  const now = new Date();
  return changeWork(ctx, t, async (tx) => {
    const { row } = await lockMilestone(tx, t, id);
    const changes: Partial<typeof milestones.$inferInsert> = {};
    const changed: string[] = [];
    for (const [wire, column] of Object.entries(FIELDS) as [keyof typeof FIELDS, (typeof FIELDS)[keyof typeof FIELDS]][]) {
      const value = body[wire];
      if (value !== undefined && value !== row[column]) {
        (changes as Record<string, unknown>)[column] = value;
        changed.push(wire);
      }
    }
    let action: MilestoneAction | null = null;
    if (body.status !== undefined && body.status !== row.status) {
      action = actionTo('milestone', MILESTONE_ACTIONS, row.status, body.status);
      Object.assign(changes, statusChanges(row, action, body.status, now));
      changed.push('status');
    }
    if (changed.length === 0) return milestoneView(row);
    const [updated] = await tx
      .update(milestones)
      .set({ ...changes, updatedAt: now })
      .where(and(eq(milestones.tenantId, t), eq(milestones.id, row.id)))
      .returning();
    const view = milestoneView(updated);
    await emitEvent(tx, t, 'milestone.updated', { milestone: view, changed, ...(action ? { action } : {}) });
    return view;
  });
}

export async function actOnMilestone(
  ctx: ServiceContext,
  workspaceId: string,
  id: string,
  action: MilestoneAction,
  reason?: string,
): Promise<MilestoneView> {
  const t = authorizeTenant(ctx, workspaceId, 'initiatives:write');
  const now = new Date();
  return changeWork(ctx, t, async (tx) => {
    const { row } = await lockMilestone(tx, t, id);
    const status = nextStatus('milestone', MILESTONE_ACTIONS, action, row.status);
    const [updated] = await tx
      .update(milestones)
      .set({ ...statusChanges(row, action, status, now), updatedAt: now })
      .where(and(eq(milestones.tenantId, t), eq(milestones.id, row.id)))
      .returning();
    const view = milestoneView(updated);
    await emitEvent(tx, t, 'milestone.updated', { milestone: view, changed: ['status'], action, ...(reason ? { reason } : {}) });
    return view;
  });
}

/** Deletes the milestone; its tasks stay, without a milestone. */
export async function deleteMilestone(ctx: ServiceContext, workspaceId: string, id: string): Promise<{ id: string; deleted: true }> {
  const t = authorizeTenant(ctx, workspaceId, 'initiatives:write');
  const now = new Date();
  return changeWork(ctx, t, async (tx) => {
    const { row } = await lockMilestone(tx, t, id);
    const unlinked = await tx
      .update(tasks)
      .set({ milestoneId: null, updatedAt: now })
      .where(and(eq(tasks.tenantId, t), eq(tasks.milestoneId, row.id)))
      .returning({ id: tasks.id });
    await beforeRemoval(tx, t, { milestoneId: row.id }, now);
    await tx.delete(milestones).where(and(eq(milestones.tenantId, t), eq(milestones.id, row.id)));
    await emitEvent(tx, t, 'milestone.deleted', { milestone: milestoneView(row), unlinked_task_ids: unlinked.map((r) => r.id) });
    return { id: row.id, deleted: true as const };
  });
}

// The lifecycle by the product's verbs: one REST route (`actions/:action`) serves them all.
const act =
  (action: MilestoneAction) =>
  (ctx: ServiceContext, workspaceId: string, id: string, reason?: string): Promise<MilestoneView> =>
    actOnMilestone(ctx, workspaceId, id, action, reason);
/** planned → in progress (it also goes in progress when one of its tasks starts) */
export const startMilestone = act('start');
/** planned or in progress → at risk */
export const markMilestoneAtRisk = act('mark_at_risk');
/** at risk → in progress */
export const clearMilestoneRisk = act('clear_risk');
/** → completed, once every task is done (it also completes by itself with its last task) */
export const completeMilestone = act('complete');
/** planned, in progress or at risk → cancelled */
export const cancelMilestone = act('cancel');
