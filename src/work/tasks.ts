// Tasks: the units of work, in a workstream (and optionally a milestone) of one initiative, with
// dependencies (a DAG of tasks of the same initiative) and assigned agents. Their lifecycle
// (start, complete, block, unblock) and the cascade it drives are in task-lifecycle.ts.
import { and, asc, count, eq, sql } from 'drizzle-orm';
import { pgArray, preparedQuery, type Db } from '../db/index.ts';
import { badRequest, conflict, notFound } from '../platform/errors.ts';
import { emitEvent } from '../platform/events.ts';
import { uuidv7 } from '../platform/ids.ts';
import { pageAndTotal, pageWithTotal, type Page } from '../platform/pagination.ts';
import { keptTotal, tenantRowCount } from '../platform/row-counts.ts';
import { authorizeTenant, isUuid, type ServiceContext } from '../platform/principal.ts';
import { bumpCounts, emitInitiativeUpdated, lockInitiativeOf, recount, settle } from './cascade.ts';
import { changeWork, workChanged } from './live.ts';
import { checkTaskDependencies, idIn, idsIn, notFoundIn, resolveAgents } from './references.ts';
import { beforeRemoval } from './removal.ts';
import { anyText } from './sql.ts';
import { initiatives, milestones, taskAgents, taskDependencies, tasks, workstreams } from './tables.ts';
import { applyTaskAction, lockTask, workstreamFacts } from './task-lifecycle.ts';
import { actionTo, TASK_ACTIONS, type TaskStatus } from './transitions.ts';
import { initiativeColumns, selectTasks, taskById, taskColumns, taskView, taskViewById, type TaskView } from './views.ts';
import { requireOpenInitiative } from './workstreams.ts';

export interface TaskFilter extends Page {
  initiative_id?: string;
  workstream_id?: string;
  milestone_id?: string;
  status?: TaskStatus[];
}

/** Oldest first; within one workstream, in sequence order (the order auto-continue follows). */
export async function listTasks(ctx: ServiceContext, workspaceId: string, q: TaskFilter) {
  const t = authorizeTenant(ctx, workspaceId, 'initiatives:read');
  const ids = [q.initiative_id, q.workstream_id, q.milestone_id];
  if (ids.some((v) => v !== undefined && !isUuid(v))) return { items: [], total: 0 };
  const where = and(
    eq(tasks.tenantId, t),
    q.initiative_id ? eq(tasks.initiativeId, q.initiative_id.toLowerCase()) : undefined,
    q.workstream_id ? eq(tasks.workstreamId, q.workstream_id.toLowerCase()) : undefined,
    q.milestone_id ? eq(tasks.milestoneId, q.milestone_id.toLowerCase()) : undefined,
    q.status?.length ? anyText(tasks.status, q.status) : undefined,
  );
  const order = q.workstream_id ? [asc(tasks.sequence), asc(tasks.id)] : [asc(tasks.createdAt), asc(tasks.id)];
  const db = ctx.rt.db;
  const unfiltered = !q.status?.length && !ids.some((v) => v !== undefined);
  // The workspace's list as most callers read it (no filter) is one statement prepared once:
  // the page with the total the database keeps. A filter combination builds its own page and count.
  const [rows, n] = unfiltered
    ? await pageWithTotal(q, () => taskPage(db).execute({ t, limit: q.limit, offset: q.offset }), () => taskCount(db).execute({ t }))
    : await pageAndTotal(
        q,
        () =>
          selectTasks(db)
            .where(where)
            .orderBy(...order)
            .limit(q.limit)
            .offset(q.offset),
        () => db.select({ n: count() }).from(tasks).where(where),
      );
  return { items: rows.map(taskView), total: n };
}

export const taskPage = preparedQuery((db) =>
  selectTasks(db, { total: keptTotal('tasks') })
    .where(eq(tasks.tenantId, sql.placeholder('t')))
    .orderBy(asc(tasks.createdAt), asc(tasks.id))
    .limit(sql.placeholder('limit'))
    .offset(sql.placeholder('offset'))
    .prepare('task_page'),
);
export const taskCount = tenantRowCount('tasks');

export async function getTask(ctx: ServiceContext, workspaceId: string, id: string): Promise<TaskView> {
  const t = authorizeTenant(ctx, workspaceId, 'initiatives:read');
  if (!isUuid(id)) throw notFound();
  const [row] = await taskById(ctx.rt.db).execute({ t, id: id.toLowerCase() });
  if (!row) throw notFound();
  return taskView(row);
}

type MilestoneFacts = { id: string; initiativeId: string; workstreamId: string | null; status: string };

async function milestoneFacts(tx: Db, tenantId: string, id: string): Promise<MilestoneFacts> {
  const [m] = await tx
    .select({ id: milestones.id, initiativeId: milestones.initiativeId, workstreamId: milestones.workstreamId, status: milestones.status })
    .from(milestones)
    .where(and(eq(milestones.tenantId, tenantId), eq(milestones.id, id)));
  if (!m) throw notFoundIn('milestone_id', 'milestone');
  return m;
}

/** A task's milestone: of its initiative, of its workstream when the milestone has one, still open. */
function checkMilestone(m: MilestoneFacts, initiativeId: string, workstreamId: string): void {
  if (m.initiativeId !== initiativeId) throw badRequest({ milestone_id: ['Must be a milestone of the same initiative'] });
  if (m.workstreamId && m.workstreamId !== workstreamId) throw badRequest({ milestone_id: ['Must be a milestone of the same workstream'] });
  if (m.status === 'completed' || m.status === 'cancelled') throw conflict(`The milestone is ${m.status}; no work can be added to it`);
}

async function replaceDependencies(tx: Db, tenantId: string, taskId: string, ids: string[], fresh = false) {
  if (!fresh) await tx.delete(taskDependencies).where(and(eq(taskDependencies.tenantId, tenantId), eq(taskDependencies.taskId, taskId)));
  if (ids.length === 0) return;
  await tx.execute(sql`insert into ${taskDependencies} (tenant_id, task_id, depends_on_id)
    select ${tenantId}, ${taskId}, unnest(${pgArray(ids)}::uuid[])`);
}

async function replaceAgents(tx: Db, tenantId: string, taskId: string, ids: string[], fresh = false) {
  if (!fresh) await tx.delete(taskAgents).where(and(eq(taskAgents.tenantId, tenantId), eq(taskAgents.taskId, taskId)));
  if (ids.length === 0) return;
  await tx.execute(sql`insert into ${taskAgents} (tenant_id, task_id, agent_id, position)
    select ${tenantId}, ${taskId}, a.id, a.n - 1 from unnest(${pgArray(ids)}::uuid[]) with ordinality as a(id, n)`);
}

export interface CreateTask {
  workstream_id?: string;
  initiative_id?: string;
  milestone_id?: string | null;
  title: string;
  description?: string | null;
  priority?: 'low' | 'medium' | 'high';
  sequence?: number;
  depends_on?: string[];
  assigned_agent_ids?: string[];
  due_date?: string | null;
}

export async function createTask(ctx: ServiceContext, workspaceId: string, body: CreateTask): Promise<TaskView> {
  const t = authorizeTenant(ctx, workspaceId, 'initiatives:write');
  const milestoneId = body.milestone_id ? idIn('milestone_id', 'milestone', body.milestone_id) : null;
  let workstreamId = body.workstream_id !== undefined ? idIn('workstream_id', 'workstream', body.workstream_id) : null;
  const namedInitiative = body.initiative_id !== undefined ? idIn('initiative_id', 'initiative', body.initiative_id) : null;
  if (!workstreamId && !milestoneId) throw badRequest({ workstream_id: ['Required unless milestone_id names a milestone of a workstream'] });
  const assignees = body.assigned_agent_ids ?? [];
  if (workstreamId && assignees.every(isUuid)) {
    const created = await ctx.rt.taskInserts(t, {
      workstreamId,
      initiativeId: namedInitiative,
      milestoneId,
      title: body.title,
      description: body.description ?? null,
      priority: body.priority ?? 'medium',
      sequence: body.sequence ?? null,
      dependsOn: idsIn('depends_on', 'task', body.depends_on ?? []),
      agentIds: [...new Set(assignees.map((v) => v.toLowerCase()))],
      dueDate: body.due_date ?? null,
    });
    if (created) {
      // Its statement has committed (task-insert.ts): as after any other change of the work.
      workChanged(ctx.rt, t);
      return created;
    }
  }
  // Everything else — agents named by name, a task placed by its milestone alone, and every
  // request the one statement refused — step by step, with the precise error when it fails.
  const now = new Date();
  return changeWork(ctx, t, async (tx) => {
    if (!workstreamId) {
      const m = await milestoneFacts(tx, t, milestoneId!);
      if (!m.workstreamId) throw badRequest({ workstream_id: ['Required: the milestone belongs to no workstream'] });
      workstreamId = m.workstreamId;
    }
    const before = await lockInitiativeOf(tx, t, workstreams, workstreamId);
    if (!before) throw notFoundIn('workstream_id', 'workstream');
    const ws = await workstreamFacts(tx, t, workstreamId);
    if (namedInitiative && namedInitiative !== ws.initiativeId) throw badRequest({ initiative_id: ['Must be the initiative of the workstream'] });
    requireOpenInitiative(before);
    if (ws.status === 'completed') throw conflict('The workstream is completed; no work can be added to it');
    if (milestoneId) checkMilestone(await milestoneFacts(tx, t, milestoneId), ws.initiativeId, ws.id);
    const dependsOn = await checkTaskDependencies(tx, t, ws.initiativeId, null, body.depends_on ?? []);
    const agentIds = await resolveAgents(tx, t, body.assigned_agent_ids ?? []);

    const id = uuidv7(now.getTime());
    const sequence = await placeInWorkstream(tx, t, ws.id, body.sequence ?? null);
    const [row] = await tx
      .insert(tasks)
      .values({
        tenantId: t,
        id,
        initiativeId: ws.initiativeId,
        workstreamId: ws.id,
        milestoneId,
        title: body.title,
        description: body.description ?? null,
        priority: body.priority ?? 'medium',
        sequence,
        dueDate: body.due_date ?? null,
        createdAt: now,
        updatedAt: now,
      })
      .returning(taskColumns);
    await replaceDependencies(tx, t, id, dependsOn, true);
    await replaceAgents(tx, t, id, agentIds, true);
    // A new task (todo) changes no status: its workstream, milestone and initiative are open.
    const after = await bumpCounts(tx, t, { initiativeId: ws.initiativeId, workstreamId: ws.id, milestoneId }, 1, 0, now);
    const view = taskView({ t: row, dependsOn: [...dependsOn].sort(), agentIds });
    await emitEvent(tx, t, 'task.created', { task: view });
    await emitInitiativeUpdated(tx, t, before, after);
    return view;
  });
}

/**
 * A task's sequence in its workstream: the one given, or the next after the highest the
 * workstream's tasks have had, which the workstream keeps (`last_sequence`).
 */
async function placeInWorkstream(tx: Db, tenantId: string, workstreamId: string, sequence: number | null): Promise<number> {
  const [ws] = await tx
    .update(workstreams)
    .set({ lastSequence: sequence === null ? sql`${workstreams.lastSequence} + 1` : sql`greatest(${workstreams.lastSequence}, ${sequence}::int)` })
    .where(and(eq(workstreams.tenantId, tenantId), eq(workstreams.id, workstreamId)))
    .returning({ last: workstreams.lastSequence });
  return sequence ?? ws.last;
}

export interface UpdateTask {
  title?: string;
  description?: string | null;
  priority?: 'low' | 'medium' | 'high';
  sequence?: number;
  workstream_id?: string;
  milestone_id?: string | null;
  depends_on?: string[];
  assigned_agent_ids?: string[];
  due_date?: string | null;
  status?: TaskStatus;
}

const FIELDS = { title: 'title', description: 'description', priority: 'priority', sequence: 'sequence', due_date: 'dueDate' } as const;

/**
 * Field edits, moves (another workstream or milestone of the same initiative), new dependency
 * or assignee lists, and `status` as the lifecycle action leading there (409 when none does).
 */
export async function updateTask(ctx: ServiceContext, workspaceId: string, id: string, body: UpdateTask): Promise<TaskView> {
  const t = authorizeTenant(ctx, workspaceId, 'initiatives:write');
  const now = new Date();
  return changeWork(ctx, t, async (tx) => {
    const { initiative, row } = await lockTask(tx, t, id);
    const changes: Partial<typeof tasks.$inferInsert> = {};
    const changed: string[] = [];
    for (const [wire, column] of Object.entries(FIELDS) as [keyof typeof FIELDS, (typeof FIELDS)[keyof typeof FIELDS]][]) {
      const value = body[wire];
      if (value !== undefined && value !== row[column]) {
        (changes as Record<string, unknown>)[column] = value;
        changed.push(wire);
      }
    }

    // Where it lives: the workstream, then the milestone checked against it.
    let workstreamId = row.workstreamId;
    if (body.workstream_id !== undefined) {
      const ws = await workstreamFacts(tx, t, idIn('workstream_id', 'workstream', body.workstream_id));
      if (ws.id !== row.workstreamId) {
        if (ws.initiativeId !== row.initiativeId) throw badRequest({ workstream_id: ['Must be a workstream of the same initiative'] });
        if (ws.status === 'completed') throw conflict('The workstream is completed; no work can be added to it');
        workstreamId = ws.id;
        changes.workstreamId = ws.id;
        changed.push('workstream_id');
      }
    }
    let milestoneId = row.milestoneId;
    if (body.milestone_id !== undefined) {
      milestoneId = body.milestone_id === null ? null : idIn('milestone_id', 'milestone', body.milestone_id);
      if (milestoneId !== row.milestoneId) {
        changes.milestoneId = milestoneId;
        changed.push('milestone_id');
      }
    }
    if (milestoneId && (milestoneId !== row.milestoneId || workstreamId !== row.workstreamId)) {
      checkMilestone(await milestoneFacts(tx, t, milestoneId), row.initiativeId, workstreamId);
    }

    if (body.depends_on !== undefined) {
      const ids = await checkTaskDependencies(tx, t, row.initiativeId, row.id, body.depends_on);
      await replaceDependencies(tx, t, row.id, ids);
      changed.push('depends_on');
    }
    if (body.assigned_agent_ids !== undefined) {
      await replaceAgents(tx, t, row.id, await resolveAgents(tx, t, body.assigned_agent_ids));
      changed.push('assigned_agent_ids');
    }
    const action = body.status !== undefined && body.status !== row.status ? actionTo('task', TASK_ACTIONS, row.status, body.status) : null;

    if (changes.sequence !== undefined || changes.workstreamId !== undefined) {
      await placeInWorkstream(tx, t, workstreamId, changes.sequence ?? row.sequence);
    }
    if (Object.keys(changes).length > 0) {
      await tx
        .update(tasks)
        .set({ ...changes, updatedAt: now })
        .where(and(eq(tasks.tenantId, t), eq(tasks.id, row.id)));
    }
    if (changes.workstreamId !== undefined || changes.milestoneId !== undefined) {
      // A move changes what each workstream and milestone counts, and may complete the one left.
      await recount(tx, t, row.initiativeId, now);
      await settle(tx, t, initiative, now);
    }
    if (changed.length > 0) await emitEvent(tx, t, 'task.updated', { task: await taskViewById(tx, t, row.id), changed });
    if (action) {
      const [moved] = await tx.select(taskColumns).from(tasks).where(and(eq(tasks.tenantId, t), eq(tasks.id, row.id)));
      const [current] = await tx.select(initiativeColumns).from(initiatives).where(and(eq(initiatives.tenantId, t), eq(initiatives.id, row.initiativeId)));
      await applyTaskAction(tx, t, current, moved, action, now, {});
    }
    return (await taskViewById(tx, t, row.id))!;
  });
}

/** Deletes the task with its runs and artifacts; decisions about it stay, unlinked. */
export async function deleteTask(ctx: ServiceContext, workspaceId: string, id: string): Promise<{ id: string; deleted: true }> {
  const t = authorizeTenant(ctx, workspaceId, 'initiatives:write');
  const now = new Date();
  return changeWork(ctx, t, async (tx) => {
    const { initiative, row } = await lockTask(tx, t, id);
    const view = (await taskViewById(tx, t, row.id))!;
    await beforeRemoval(tx, t, { taskId: row.id }, now);
    await tx.delete(tasks).where(and(eq(tasks.tenantId, t), eq(tasks.id, row.id)));
    const where = { initiativeId: row.initiativeId, workstreamId: row.workstreamId, milestoneId: row.milestoneId };
    await bumpCounts(tx, t, where, -1, row.status === 'done' ? -1 : 0, now);
    await emitEvent(tx, t, 'task.deleted', { task: view });
    // The tasks left in its workstream may now all be done.
    await settle(tx, t, initiative, now);
    return { id: row.id, deleted: true as const };
  });
}
