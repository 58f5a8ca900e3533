// A task's lifecycle (TASK_ACTIONS): start, complete, block, unblock — each a product verb here
// (startTask …), all served by one REST route (`actions/:action`). Starting and completing a task
// drive the cascade of cascade.ts; dispatching a run (runs.ts) and a PATCH of `status` (tasks.ts)
// move a task through the same applyTaskAction.
import { and, count, eq, ne } from 'drizzle-orm';
import type { Db } from '../db/index.ts';
import { conflict, notFound } from '../platform/errors.ts';
import { emitEvent } from '../platform/events.ts';
import { authorizeTenant, isUuid, type ServiceContext } from '../platform/principal.ts';
import { activateWorkstream, bumpCounts, continueWorkstream, lockInitiativeOf, settle } from './cascade.ts';
import { changeWork } from './live.ts';
import { notFoundIn } from './references.ts';
import { taskDependencies, tasks, workstreams } from './tables.ts';
import { nextStatus, TASK_ACTIONS, type TaskAction } from './transitions.ts';
import { taskColumns, taskViewById, type InitiativeRow, type TaskRow, type TaskView } from './views.ts';

/** A workstream named by a task (or its request body `field`): 404 naming the field when missing. */
export async function workstreamFacts(tx: Db, tenantId: string, id: string, field = 'workstream_id') {
  const [w] = await tx
    .select({ id: workstreams.id, initiativeId: workstreams.initiativeId, status: workstreams.status })
    .from(workstreams)
    .where(and(eq(workstreams.tenantId, tenantId), eq(workstreams.id, id)));
  if (!w) throw notFoundIn(field, 'workstream');
  return w;
}

/** Locks the task's initiative, then reads the task (404 when it is not in this workspace). */
export async function lockTask(tx: Db, tenantId: string, id: string): Promise<{ initiative: InitiativeRow; row: TaskRow }> {
  if (!isUuid(id)) throw notFound();
  const taskId = id.toLowerCase();
  const initiative = await lockInitiativeOf(tx, tenantId, tasks, taskId);
  if (!initiative) throw notFound();
  const [row] = await tx
    .select(taskColumns)
    .from(tasks)
    .where(and(eq(tasks.tenantId, tenantId), eq(tasks.id, taskId)));
  if (!row) throw notFound();
  return { initiative, row };
}

/** A task may start (or be completed without having started) only when its work may begin. */
async function checkCanStart(tx: Db, tenantId: string, initiative: InitiativeRow, row: TaskRow): Promise<void> {
  if (!['draft', 'active', 'blocked', 'at_risk'].includes(initiative.status)) {
    throw conflict(`The initiative is ${initiative.status}; its tasks cannot start`);
  }
  const ws = await workstreamFacts(tx, tenantId, row.workstreamId);
  if (ws.status === 'pending') throw conflict('The workstream is pending: it waits for the workstreams it depends on to be completed');
  if (ws.status === 'paused') throw conflict('The workstream is paused; resume it first');
  const [{ waiting }] = await tx
    .select({ waiting: count() })
    .from(taskDependencies)
    .innerJoin(tasks, and(eq(tasks.tenantId, taskDependencies.tenantId), eq(tasks.id, taskDependencies.dependsOnId)))
    .where(and(eq(taskDependencies.tenantId, tenantId), eq(taskDependencies.taskId, row.id), ne(tasks.status, 'done')));
  if (waiting > 0) throw conflict(`The task waits for ${waiting} task(s) it depends on to be done`);
}

/**
 * Moves the task by `action` and runs the cascade: starting activates its workstream; done
 * counts, auto-continues the workstream and settles milestones, workstreams and the initiative.
 * Writes the task's own event (task.completed, or task.updated) before those of the cascade.
 */
export async function applyTaskAction(tx: Db, tenantId: string, initiative: InitiativeRow, row: TaskRow, action: TaskAction, now: Date, extra: Record<string, unknown>) {
  const status = nextStatus('task', TASK_ACTIONS, action, row.status);
  const starts = (status === 'in_progress' || status === 'done') && row.status !== 'in_progress';
  if (starts) await checkCanStart(tx, tenantId, initiative, row);
  await tx
    .update(tasks)
    .set({
      status,
      ...(starts ? { startedAt: row.startedAt ?? now } : {}),
      ...(status === 'done' ? { completedAt: now } : {}),
      updatedAt: now,
    })
    .where(and(eq(tasks.tenantId, tenantId), eq(tasks.id, row.id)));
  const task = await taskViewById(tx, tenantId, row.id);
  if (status === 'done') await emitEvent(tx, tenantId, 'task.completed', { task, action, ...extra });
  else await emitEvent(tx, tenantId, 'task.updated', { task, changed: ['status'], action, ...extra });

  if (starts) await activateWorkstream(tx, tenantId, row.workstreamId, now);
  if (status === 'done') {
    await bumpCounts(tx, tenantId, { initiativeId: row.initiativeId, workstreamId: row.workstreamId, milestoneId: row.milestoneId }, 0, 1, now);
    await continueWorkstream(tx, tenantId, row.workstreamId, now);
  }
  if (starts || status === 'done') await settle(tx, tenantId, initiative, now);
}

export async function actOnTask(ctx: ServiceContext, workspaceId: string, id: string, action: TaskAction, reason?: string): Promise<TaskView> {
  const t = authorizeTenant(ctx, workspaceId, 'initiatives:write');
  const now = new Date();
  return changeWork(ctx, t, async (tx) => {
    const { initiative, row } = await lockTask(tx, t, id);
    await applyTaskAction(tx, t, initiative, row, action, now, reason ? { reason } : {});
    return (await taskViewById(tx, t, row.id))!;
  });
}

// The lifecycle by the product's verbs.
const act =
  (action: TaskAction) =>
  (ctx: ServiceContext, workspaceId: string, id: string, reason?: string): Promise<TaskView> =>
    actOnTask(ctx, workspaceId, id, action, reason);
/** todo or blocked → in progress, when its work may begin (its workstream then becomes active) */
export const startTask = act('start');
/** → done, with the cascade (counts, auto-continue, milestones, workstream, initiative) */
export const completeTask = act('complete');
/** todo or in progress → blocked */
export const blockTask = act('block');
/** blocked → todo */
export const unblockTask = act('unblock');
