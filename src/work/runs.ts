// Runs (docs/work-api-contract.md): one dispatch of an agent on a task. orgstack records them; the
// agents run in the clients, which report back through activity and the lifecycle actions.
// Dispatching counts against the workspace's dispatch bucket, starts the task (the cascade of
// cascade.ts: its workstream becomes active, …) and writes `run.created` and `agent.started`.
// Completing a run completes its task when it was the task's last open run (unless `complete_task:
// false`), which drives auto-continue. Every write locks the task's initiative first, like every
// other change to the hierarchy, then the run.
import { and, count, desc, eq, sql } from 'drizzle-orm';
import { queryRows, type Db } from '../db/index.ts';
import { badRequest, conflict, notFound } from '../platform/errors.ts';
import { emitEvent } from '../platform/events.ts';
import { uuidv7 } from '../platform/ids.ts';
import { pageAndTotal, type Page } from '../platform/pagination.ts';
import { authorizeTenant, isUuid, type ServiceContext } from '../platform/principal.ts';
import { agentIn, agentView, findAgent } from './agents.ts';
import { lockInitiativeOf } from './cascade.ts';
import { admitDispatch } from './dispatch-bucket.ts';
import { changeWork } from './live.ts';
import { modelTierFor } from './model-tier.ts';
import { idIn, notFoundIn } from './references.ts';
import { runView, type RunView } from './run-view.ts';
import { anyText } from './sql.ts';
import { agents, runs, taskAgents, tasks } from './tables.ts';
import { applyTaskAction } from './task-lifecycle.ts';
import { nextStatus } from './transitions.ts';
import { taskColumns, taskViewById } from './views.ts';
import { actorOf } from './workspace.ts';

export const RUN_STATUSES = ['queued', 'running', 'blocked', 'completed', 'failed', 'cancelled'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
const OPEN = ['queued', 'running', 'blocked'] as const;
export const isOpenRun = (status: string) => (OPEN as readonly string[]).includes(status);

export const RUN_ACTIONS = {
  start: { from: ['queued'], to: 'running' },
  block: { from: ['queued', 'running'], to: 'blocked' },
  unblock: { from: ['blocked'], to: 'running' },
  complete: { from: OPEN, to: 'completed' },
  fail: { from: OPEN, to: 'failed' },
  cancel: { from: OPEN, to: 'cancelled' },
} as const satisfies Record<string, { from: readonly RunStatus[]; to: RunStatus }>;
export type RunAction = keyof typeof RUN_ACTIONS;

type RunRow = typeof runs.$inferSelect;

const selectRuns = (db: Db) => db.select({ r: runs, agentName: agents.name }).from(runs).innerJoin(agents, and(eq(agents.tenantId, runs.tenantId), eq(agents.id, runs.agentId)));

async function runViewById(db: Db, tenantId: string, id: string): Promise<RunView | null> {
  const [row] = await selectRuns(db).where(and(eq(runs.tenantId, tenantId), eq(runs.id, id)));
  return row ? runView(row.r, row.agentName) : null;
}

export interface RunFilter extends Page {
  agent_id?: string;
  task_id?: string;
  initiative_id?: string;
  status?: RunStatus[];
}

/** Newest first. Filters naming nothing in this workspace give an empty list. */
export async function listRuns(ctx: ServiceContext, workspaceId: string, q: RunFilter) {
  const t = authorizeTenant(ctx, workspaceId, 'agents:read');
  const db = ctx.rt.db;
  if ([q.task_id, q.initiative_id].some((v) => v !== undefined && !isUuid(v))) return { items: [], total: 0 };
  let agentId: string | undefined;
  if (q.agent_id !== undefined) {
    const agent = await findAgent(db, t, q.agent_id);
    if (!agent) return { items: [], total: 0 };
    agentId = agent.id;
  }
  const where = and(
    eq(runs.tenantId, t),
    agentId ? eq(runs.agentId, agentId) : undefined,
    q.task_id ? eq(runs.taskId, q.task_id.toLowerCase()) : undefined,
    q.initiative_id ? eq(runs.initiativeId, q.initiative_id.toLowerCase()) : undefined,
    q.status?.length ? anyText(runs.status, q.status) : undefined,
  );
  const [rows, n] = await pageAndTotal(
    q,
    () => selectRuns(db).where(where).orderBy(desc(runs.createdAt), desc(runs.id)).limit(q.limit).offset(q.offset),
    () => db.select({ n: count() }).from(runs).where(where),
  );
  return { items: rows.map((x) => runView(x.r, x.agentName)), total: n };
}

export async function getRun(ctx: ServiceContext, workspaceId: string, id: string): Promise<RunView> {
  const t = authorizeTenant(ctx, workspaceId, 'agents:read');
  if (!isUuid(id)) throw notFound();
  const view = await runViewById(ctx.rt.db, t, id.toLowerCase());
  if (!view) throw notFound();
  return view;
}

export interface DispatchRun {
  agent_id: string;
  task_id: string;
  summary?: string | null;
}

/**
 * Dispatches `agent_id` (id or name) on `task_id`: a running run, origin `dispatch`. 409 when the
 * agent is disabled, the task is done or cannot start, or the agent already has an open run on
 * it; 429 over the dispatch bucket.
 */
export async function dispatchRun(ctx: ServiceContext, workspaceId: string, body: DispatchRun): Promise<RunView> {
  const t = authorizeTenant(ctx, workspaceId, 'agents:write');
  const taskId = idIn('task_id', 'task', body.task_id);
  const now = new Date();
  return changeWork(ctx, t, async (tx) => {
    const agent = await agentIn(tx, t, 'agent_id', body.agent_id);
    const initiative = await lockInitiativeOf(tx, t, tasks, taskId);
    if (!initiative) throw notFoundIn('task_id', 'task');
    const [task] = await tx.select(taskColumns).from(tasks).where(and(eq(tasks.tenantId, t), eq(tasks.id, taskId)));
    if (!task) throw notFoundIn('task_id', 'task');
    if (agent.status !== 'active') throw conflict(`${agent.name} is disabled; enable it (PATCH status active) before dispatching it`);
    if (task.status === 'done') throw conflict('The task is done; there is nothing to dispatch an agent on');
    const [{ n: open }] = await tx
      .select({ n: count() })
      .from(runs)
      .where(and(eq(runs.tenantId, t), eq(runs.taskId, taskId), eq(runs.agentId, agent.id), anyText(runs.status, OPEN)));
    if (open > 0) throw conflict(`${agent.name} already has an open run on this task`);
    await admitDispatch(tx, t, ctx.rt.config.workDispatchesPerHour, now);
    // The task starts as with its own start action: 409 while its work may not begin yet.
    if (task.status !== 'in_progress') await applyTaskAction(tx, t, initiative, task, 'start', now, { cause: 'dispatch' });
    await assignOnDispatch(tx, t, taskId, agent.id, now);

    const by = actorOf(ctx.principal);
    const [row] = await tx
      .insert(runs)
      .values({
        tenantId: t,
        id: uuidv7(now.getTime()),
        agentId: agent.id,
        taskId,
        initiativeId: task.initiativeId,
        status: 'running',
        summary: body.summary ?? null,
        origin: 'dispatch',
        modelTier: modelTierFor(task.priority, task.description),
        dispatchedByType: by.type,
        dispatchedById: by.id,
        startedAt: now,
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    const run = runView(row, agent.name);
    await emitEvent(tx, t, 'run.created', { run });
    await emitEvent(tx, t, 'agent.started', { agent: agentView(agent), run });
    return run;
  });
}

/**
 * An agent dispatched on a task works on it: it joins the task's assignees (last), unless it is
 * one already, and the change is a task.updated like any other edit of the list.
 */
async function assignOnDispatch(tx: Db, tenantId: string, taskId: string, agentId: string, now: Date): Promise<void> {
  const added = await queryRows<{ agent_id: string }>(
    tx,
    sql`insert into ${taskAgents} (tenant_id, task_id, agent_id, position)
        select ${tenantId}, ${taskId}, ${agentId}, coalesce(max(position) + 1, 0) from ${taskAgents}
        where tenant_id = ${tenantId} and task_id = ${taskId}
        on conflict do nothing
        returning agent_id`,
  );
  if (added.length === 0) return;
  await tx.update(tasks).set({ updatedAt: now }).where(and(eq(tasks.tenantId, tenantId), eq(tasks.id, taskId)));
  await emitEvent(tx, tenantId, 'task.updated', { task: await taskViewById(tx, tenantId, taskId), changed: ['assigned_agent_ids'], cause: 'dispatch' });
}

/** Locks the run's initiative (when it has a task), then the run; 404 when not in this workspace. */
export async function lockRun(tx: Db, tenantId: string, id: string): Promise<RunRow> {
  if (!isUuid(id)) throw notFound();
  const runId = id.toLowerCase();
  const [found] = await tx.select({ taskId: runs.taskId }).from(runs).where(and(eq(runs.tenantId, tenantId), eq(runs.id, runId)));
  if (!found) throw notFound();
  if (found.taskId) await lockInitiativeOf(tx, tenantId, tasks, found.taskId);
  const [row] = await tx
    .select()
    .from(runs)
    .where(and(eq(runs.tenantId, tenantId), eq(runs.id, runId)))
    .for('update');
  if (!row) throw notFound();
  return row;
}

export async function agentOf(tx: Db, tenantId: string, agentId: string) {
  const [a] = await tx.select().from(agents).where(and(eq(agents.tenantId, tenantId), eq(agents.id, agentId)));
  return a;
}

/** The contract's agent.* event for a run's new status, else `run.updated`. */
export async function emitRunChange(tx: Db, tenantId: string, before: RunRow, after: RunRow, changed: string[], extra: Record<string, unknown> = {}) {
  const agent = await agentOf(tx, tenantId, after.agentId);
  const run = runView(after, agent.name);
  const type =
    before.status === after.status
      ? 'run.updated'
      : after.status === 'running' && before.status === 'queued'
        ? 'agent.started'
        : after.status === 'completed'
          ? 'agent.completed'
          : after.status === 'failed'
            ? 'agent.failed'
            : 'run.updated';
  if (type.startsWith('agent.')) await emitEvent(tx, tenantId, type, { agent: agentView(agent), run, ...extra });
  else await emitEvent(tx, tenantId, type, { run, changed, ...extra });
  return run;
}

export interface RunActionBody {
  summary?: string | null;
  quality_score?: number;
  blockers?: string[];
  reason?: string;
  complete_task?: boolean;
}

/**
 * start, block (with `blockers`), unblock, complete / fail (with `summary`, complete with an
 * optional `quality_score` 1–5), cancel. 409 for an action the run's status forbids.
 */
export async function actOnRun(ctx: ServiceContext, workspaceId: string, id: string, action: RunAction, body: RunActionBody = {}): Promise<RunView> {
  const t = authorizeTenant(ctx, workspaceId, 'agents:write');
  if (body.quality_score !== undefined && action !== 'complete') throw badRequest({ quality_score: ['Only a completed run is scored'] });
  const now = new Date();
  return changeWork(ctx, t, async (tx) => {
    const row = await lockRun(tx, t, id);
    const status = nextStatus('run', RUN_ACTIONS, action, row.status);
    const terminal = !isOpenRun(status);
    const changes: Partial<typeof runs.$inferInsert> = { status, updatedAt: now };
    if (status === 'running') changes.startedAt = row.startedAt ?? now;
    if (terminal) changes.completedAt = now;
    if (status === 'completed') changes.progress = 100;
    if (body.summary !== undefined) changes.summary = body.summary;
    if (action === 'complete' && body.quality_score !== undefined) changes.qualityScore = body.quality_score;
    if (action === 'block') changes.blockers = body.blockers?.length ? body.blockers : body.reason ? [body.reason] : [];
    if (action === 'unblock') changes.blockers = [];
    const [after] = await tx
      .update(runs)
      .set(changes)
      .where(and(eq(runs.tenantId, t), eq(runs.id, row.id)))
      .returning();
    await emitRunChange(tx, t, row, after, ['status'], { action, ...(body.reason ? { reason: body.reason } : {}) });

    // The agent finished the task: complete it when no other run is still working on it.
    if (action === 'complete' && body.complete_task !== false && after.taskId) {
      const [task] = await tx.select(taskColumns).from(tasks).where(and(eq(tasks.tenantId, t), eq(tasks.id, after.taskId)));
      const [{ n: others }] = await tx
        .select({ n: count() })
        .from(runs)
        .where(and(eq(runs.tenantId, t), eq(runs.taskId, after.taskId), anyText(runs.status, OPEN)));
      if (task && task.status === 'in_progress' && others === 0) {
        const initiative = await lockInitiativeOf(tx, t, tasks, task.id);
        await applyTaskAction(tx, t, initiative!, task, 'complete', now, { cause: 'run_completed', run_id: after.id });
      }
    }
    return (await runViewById(tx, t, row.id))!;
  });
}

// The lifecycle by the product's verbs: one REST route (`actions/:action`) serves them all.
const act =
  (action: RunAction) =>
  (ctx: ServiceContext, workspaceId: string, id: string, body: RunActionBody = {}): Promise<RunView> =>
    actOnRun(ctx, workspaceId, id, action, body);
/** queued → running */
export const startRun = act('start');
/** queued or running → blocked, with its `blockers` */
export const blockRun = act('block');
/** blocked → running */
export const unblockRun = act('unblock');
/** → completed, with a `summary` and optional `quality_score`; completes its task when it was the last open run on it */
export const completeRun = act('complete');
/** → failed, with a `summary` */
export const failRun = act('fail');
/** → cancelled */
export const cancelRun = act('cancel');
