// Workstreams: the parallel lines of work of an initiative. `pending` and `ready` follow their
// dependencies (another workstream of the same initiative, never a cycle); started, paused,
// blocked and completed by actions, completed by the cascade when all their tasks are done.
import { and, asc, count, eq, ne, sql } from 'drizzle-orm';
import { pgArray, type Db } from '../db/index.ts';
import { conflict, notFound } from '../platform/errors.ts';
import { emitEvent } from '../platform/events.ts';
import { uuidv7 } from '../platform/ids.ts';
import { pageAndTotal, type Page } from '../platform/pagination.ts';
import { authorizeTenant, isUuid, type ServiceContext } from '../platform/principal.ts';
import { lockInitiative, lockInitiativeOf, recount, settle } from './cascade.ts';
import { changeWork } from './live.ts';
import { checkWorkstreamDependencies, idIn, notFoundIn } from './references.ts';
import { beforeRemoval } from './removal.ts';
import { workstreamDependencies, workstreams } from './tables.ts';
import { actionTo, isOpenInitiative, nextStatus, WORKSTREAM_ACTIONS, type WorkstreamAction, type WorkstreamStatus } from './transitions.ts';
import { selectWorkstreams, workstreamView, workstreamViewById, workstreamViews, type InitiativeRow, type WorkstreamView } from './views.ts';
import { anyText, anyUuid } from './sql.ts';

export interface WorkstreamFilter extends Page {
  initiative_id?: string;
  status?: WorkstreamStatus[];
}

/** Oldest first, as `workstreams_list_idx` holds them (test/work/list-plans.test.ts). */
export const workstreamOrder = [asc(workstreams.createdAt), asc(workstreams.id)];

export async function listWorkstreams(ctx: ServiceContext, workspaceId: string, q: WorkstreamFilter) {
  const t = authorizeTenant(ctx, workspaceId, 'initiatives:read');
  if (q.initiative_id !== undefined && !isUuid(q.initiative_id)) return { items: [], total: 0 };
  const where = and(
    eq(workstreams.tenantId, t),
    q.initiative_id ? eq(workstreams.initiativeId, q.initiative_id.toLowerCase()) : undefined,
    q.status?.length ? anyText(workstreams.status, q.status) : undefined,
  );
  const db = ctx.rt.db;
  const [rows, n] = await pageAndTotal(
    q,
    () => selectWorkstreams(db).where(where).orderBy(...workstreamOrder).limit(q.limit).offset(q.offset),
    () => db.select({ n: count() }).from(workstreams).where(where),
  );
  return { items: rows.map(workstreamView), total: n };
}

export async function getWorkstream(ctx: ServiceContext, workspaceId: string, id: string): Promise<WorkstreamView> {
  const t = authorizeTenant(ctx, workspaceId, 'initiatives:read');
  if (!isUuid(id)) throw notFound();
  const view = await workstreamViewById(ctx.rt.db, t, id.toLowerCase());
  if (!view) throw notFound();
  return view;
}

/** New work cannot be added to a completed, archived or cancelled initiative. */
export function requireOpenInitiative(i: InitiativeRow): void {
  if (!isOpenInitiative(i.status)) throw conflict(`The initiative is ${i.status}; no work can be added to it`);
}

async function replaceDependencies(tx: Db, tenantId: string, workstreamId: string, ids: string[]): Promise<void> {
  await tx.delete(workstreamDependencies).where(and(eq(workstreamDependencies.tenantId, tenantId), eq(workstreamDependencies.workstreamId, workstreamId)));
  if (ids.length === 0) return;
  await tx.execute(sql`insert into ${workstreamDependencies} (tenant_id, workstream_id, depends_on_id)
    select ${tenantId}, ${workstreamId}, unnest(${pgArray(ids)}::uuid[])`);
}

export interface CreateWorkstream {
  initiative_id: string;
  name: string;
  summary?: string | null;
  depends_on?: string[];
}

export async function createWorkstream(ctx: ServiceContext, workspaceId: string, body: CreateWorkstream): Promise<WorkstreamView> {
  const t = authorizeTenant(ctx, workspaceId, 'initiatives:write');
  const initiativeId = idIn('initiative_id', 'initiative', body.initiative_id);
  const now = new Date();
  return changeWork(ctx, t, async (tx) => {
    const initiative = await lockInitiative(tx, t, initiativeId);
    if (!initiative) throw notFoundIn('initiative_id', 'initiative');
    requireOpenInitiative(initiative);
    const dependsOn = await checkWorkstreamDependencies(tx, t, initiativeId, null, body.depends_on ?? []);
    const id = uuidv7(now.getTime());
    const [{ waiting }] = await tx
      .select({ waiting: count() })
      .from(workstreams)
      .where(and(eq(workstreams.tenantId, t), anyUuid(workstreams.id, dependsOn), ne(workstreams.status, 'completed')));
    // Nothing else can change: an open initiative with all workstreams completed is completed already.
    await tx.insert(workstreams).values({
      tenantId: t,
      id,
      initiativeId,
      name: body.name,
      summary: body.summary ?? null,
      status: waiting > 0 ? 'pending' : 'ready',
      createdAt: now,
      updatedAt: now,
    });
    await replaceDependencies(tx, t, id, dependsOn);
    const view = (await workstreamViewById(tx, t, id))!;
    await emitEvent(tx, t, 'workstream.created', { workstream: view });
    return view;
  });
}

export interface UpdateWorkstream {
  name?: string;
  summary?: string | null;
  depends_on?: string[];
  status?: WorkstreamStatus;
}

/** Lock the initiative, then read the workstream (404 when it is not in this workspace). */
async function lockWorkstream(tx: Db, tenantId: string, id: string) {
  if (!isUuid(id)) throw notFound();
  const wsId = id.toLowerCase();
  const initiative = await lockInitiativeOf(tx, tenantId, workstreams, wsId);
  if (!initiative) throw notFound();
  const [row] = await tx.select().from(workstreams).where(and(eq(workstreams.tenantId, tenantId), eq(workstreams.id, wsId)));
  if (!row) throw notFound();
  return { initiative, row };
}

/** The column changes of moving a workstream to `status` by `action` (with its guards). */
function statusChanges(row: typeof workstreams.$inferSelect, action: WorkstreamAction, status: WorkstreamStatus, now: Date) {
  if (action === 'complete' && row.doneCount !== row.taskCount) {
    throw conflict(`Cannot complete a workstream with ${row.taskCount - row.doneCount} task(s) not done`);
  }
  const changes: Partial<typeof workstreams.$inferInsert> = { status };
  if (status === 'active' && !row.startedAt) changes.startedAt = now;
  if (status === 'completed') changes.completedAt = now;
  return changes;
}

function pendingHint(row: typeof workstreams.$inferSelect, action: string) {
  if (row.status === 'pending' && (action === 'start' || action === 'block' || action === 'complete')) {
    throw conflict(`Cannot ${action} a pending workstream: it waits for the workstreams it depends on to be completed`);
  }
}

export async function updateWorkstream(ctx: ServiceContext, workspaceId: string, id: string, body: UpdateWorkstream): Promise<WorkstreamView> {
  const t = authorizeTenant(ctx, workspaceId, 'initiatives:write');
  const now = new Date();
  return changeWork(ctx, t, async (tx) => {
    const { initiative, row } = await lockWorkstream(tx, t, id);
    const changes: Partial<typeof workstreams.$inferInsert> = {};
    const changed: string[] = [];
    if (body.name !== undefined && body.name !== row.name) {
      changes.name = body.name;
      changed.push('name');
    }
    if (body.summary !== undefined && body.summary !== row.summary) {
      changes.summary = body.summary;
      changed.push('summary');
    }
    let action: WorkstreamAction | null = null;
    if (body.status !== undefined && body.status !== row.status) {
      action = actionTo('workstream', WORKSTREAM_ACTIONS, row.status, body.status);
      pendingHint(row, action);
      Object.assign(changes, statusChanges(row, action, body.status, now));
      changed.push('status');
    }
    if (body.depends_on !== undefined) {
      const ids = await checkWorkstreamDependencies(tx, t, row.initiativeId, row.id, body.depends_on);
      const current = await tx
        .select({ id: workstreamDependencies.dependsOnId })
        .from(workstreamDependencies)
        .where(and(eq(workstreamDependencies.tenantId, t), eq(workstreamDependencies.workstreamId, row.id)));
      if (ids.length !== current.length || current.some((c) => !ids.includes(c.id))) {
        await replaceDependencies(tx, t, row.id, ids);
        changed.push('depends_on');
      }
    }
    if (changed.length === 0) return (await workstreamViewById(tx, t, row.id))!;
    await tx
      .update(workstreams)
      .set({ ...changes, updatedAt: now })
      .where(and(eq(workstreams.tenantId, t), eq(workstreams.id, row.id)));
    await settle(tx, t, initiative, now);
    const view = (await workstreamViewById(tx, t, row.id))!;
    await emitEvent(tx, t, 'workstream.updated', { workstream: view, changed, ...(action ? { action } : {}) });
    return view;
  });
}

export async function actOnWorkstream(
  ctx: ServiceContext,
  workspaceId: string,
  id: string,
  action: WorkstreamAction,
  reason?: string,
): Promise<WorkstreamView> {
  const t = authorizeTenant(ctx, workspaceId, 'initiatives:write');
  const now = new Date();
  return changeWork(ctx, t, async (tx) => {
    const { initiative, row } = await lockWorkstream(tx, t, id);
    pendingHint(row, action);
    const status = nextStatus('workstream', WORKSTREAM_ACTIONS, action, row.status);
    await tx
      .update(workstreams)
      .set({ ...statusChanges(row, action, status, now), updatedAt: now })
      .where(and(eq(workstreams.tenantId, t), eq(workstreams.id, row.id)));
    await settle(tx, t, initiative, now);
    const view = (await workstreamViewById(tx, t, row.id))!;
    await emitEvent(tx, t, 'workstream.updated', { workstream: view, changed: ['status'], action, ...(reason ? { reason } : {}) });
    return view;
  });
}

/** Deletes the workstream with its milestones, tasks and their runs; dependants are re-evaluated. */
export async function deleteWorkstream(ctx: ServiceContext, workspaceId: string, id: string): Promise<{ id: string; deleted: true }> {
  const t = authorizeTenant(ctx, workspaceId, 'initiatives:write');
  const now = new Date();
  return changeWork(ctx, t, async (tx) => {
    const { initiative, row } = await lockWorkstream(tx, t, id);
    const [view] = await workstreamViews(tx, and(eq(workstreams.tenantId, t), eq(workstreams.id, row.id)));
    await beforeRemoval(tx, t, { workstreamId: row.id }, now);
    await tx.delete(workstreams).where(and(eq(workstreams.tenantId, t), eq(workstreams.id, row.id)));
    await recount(tx, t, row.initiativeId, now);
    await emitEvent(tx, t, 'workstream.deleted', { workstream: view });
    await settle(tx, t, initiative, now);
    return { id: row.id, deleted: true as const };
  });
}

// The lifecycle by the product's verbs: one REST route (`actions/:action`) serves them all.
const act =
  (action: WorkstreamAction) =>
  (ctx: ServiceContext, workspaceId: string, id: string, reason?: string): Promise<WorkstreamView> =>
    actOnWorkstream(ctx, workspaceId, id, action, reason);
/** ready → active (it also becomes active when one of its tasks starts) */
export const startWorkstream = act('start');
/** active or blocked → paused */
export const pauseWorkstream = act('pause');
/** paused → active */
export const resumeWorkstream = act('resume');
/** ready or active → blocked */
export const blockWorkstream = act('block');
/** blocked → active */
export const unblockWorkstream = act('unblock');
/** → completed, once every task is done (it also completes by itself with its last task) */
export const completeWorkstream = act('complete');
