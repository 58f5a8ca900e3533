// The cascade and progress rules of docs/work-api-contract.md, applied inside the transaction of
// the change that triggers them. Every write to an initiative's hierarchy first locks the
// initiative row (lockInitiative), so the rules run one change at a time per initiative and never
// see half of a concurrent change. Counts (tasks, done tasks) are kept on the initiative, its
// workstreams and milestones; progress is derived from them.
import { and, eq, sql } from 'drizzle-orm';
import { queryRows, type Db } from '../db/index.ts';
import { emitEvent } from '../platform/events.ts';
import { uuidv7 } from '../platform/ids.ts';
import { agents, initiatives, milestones, runs, taskAgents, tasks, workstreams } from './tables.ts';
import { runView } from './run-view.ts';
import { anyText, anyUuid } from './sql.ts';
import {
  initiativeColumns,
  initiativeView,
  milestoneView,
  progressOf,
  taskViewById,
  workstreamViews,
  type InitiativeRow,
  type InitiativeView,
} from './views.ts';

/** Locks the initiative for the rest of the transaction and returns it (null: not in this workspace). */
export async function lockInitiative(tx: Db, tenantId: string, initiativeId: string): Promise<InitiativeRow | null> {
  const [row] = await tx
    .select(initiativeColumns)
    .from(initiatives)
    .where(and(eq(initiatives.tenantId, tenantId), eq(initiatives.id, initiativeId)))
    .for('no key update');
  return row ?? null;
}

/**
 * Locks the initiative of a workstream, milestone or task (null: no such row in this workspace).
 * Read the row itself again afterwards: only then is it certain not to change under the caller.
 */
export async function lockInitiativeOf(
  tx: Db,
  tenantId: string,
  table: typeof workstreams | typeof milestones | typeof tasks,
  id: string,
): Promise<InitiativeRow | null> {
  const child = table as typeof tasks; // the three share the columns used here
  const [row] = await tx
    .select(initiativeColumns)
    .from(initiatives)
    .innerJoin(child, and(eq(child.tenantId, initiatives.tenantId), eq(child.initiativeId, initiatives.id)))
    .where(and(eq(child.tenantId, tenantId), eq(child.id, id)))
    .for('no key update', { of: initiatives });
  return row ?? null;
}

export interface Counted {
  initiativeId: string;
  workstreamId: string;
  milestoneId: string | null;
}

/** Adds to the task counts of a task's workstream, milestone and initiative; returns the initiative. */
export async function bumpCounts(tx: Db, tenantId: string, where: Counted, tasksDelta: number, doneDelta: number, now: Date): Promise<InitiativeRow> {
  const set = (table: typeof workstreams | typeof milestones | typeof initiatives) => ({
    taskCount: sql`${table.taskCount} + ${tasksDelta}`,
    doneCount: sql`${table.doneCount} + ${doneDelta}`,
    updatedAt: now,
  });
  await tx
    .update(workstreams)
    .set(set(workstreams))
    .where(and(eq(workstreams.tenantId, tenantId), eq(workstreams.id, where.workstreamId)));
  if (where.milestoneId) {
    await tx
      .update(milestones)
      .set(set(milestones))
      .where(and(eq(milestones.tenantId, tenantId), eq(milestones.id, where.milestoneId)));
  }
  const [after] = await tx
    .update(initiatives)
    .set(set(initiatives))
    .where(and(eq(initiatives.tenantId, tenantId), eq(initiatives.id, where.initiativeId)))
    .returning(initiativeColumns);
  return after;
}

/** Counts every workstream, milestone and the initiative afresh (after deletes and moves). */
export async function recount(tx: Db, tenantId: string, initiativeId: string, now: Date): Promise<void> {
  await tx.execute(sql`
    update ${workstreams} w set task_count = c.n, done_count = c.d, updated_at = ${now.toISOString()}::timestamptz
    from (
      select w2.id, count(t.id)::int as n, (count(t.id) filter (where t.status = 'done'))::int as d
      from ${workstreams} w2 left join ${tasks} t on t.tenant_id = w2.tenant_id and t.workstream_id = w2.id
      where w2.tenant_id = ${tenantId} and w2.initiative_id = ${initiativeId}
      group by w2.id
    ) c
    where w.tenant_id = ${tenantId} and w.id = c.id and (w.task_count <> c.n or w.done_count <> c.d)`);
  await tx.execute(sql`
    update ${milestones} m set task_count = c.n, done_count = c.d, updated_at = ${now.toISOString()}::timestamptz
    from (
      select m2.id, count(t.id)::int as n, (count(t.id) filter (where t.status = 'done'))::int as d
      from ${milestones} m2 left join ${tasks} t on t.tenant_id = m2.tenant_id and t.milestone_id = m2.id
      where m2.tenant_id = ${tenantId} and m2.initiative_id = ${initiativeId}
      group by m2.id
    ) c
    where m.tenant_id = ${tenantId} and m.id = c.id and (m.task_count <> c.n or m.done_count <> c.d)`);
  await tx.execute(sql`
    update ${initiatives} i set task_count = c.n, done_count = c.d, updated_at = ${now.toISOString()}::timestamptz
    from (
      select coalesce(sum(task_count), 0)::int as n, coalesce(sum(done_count), 0)::int as d
      from ${workstreams} where tenant_id = ${tenantId} and initiative_id = ${initiativeId}
    ) c
    where i.tenant_id = ${tenantId} and i.id = ${initiativeId} and (i.task_count <> c.n or i.done_count <> c.d)`);
}

/** A workstream becomes active when one of its tasks starts (the cascade rules above). */
export async function activateWorkstream(tx: Db, tenantId: string, workstreamId: string, now: Date): Promise<void> {
  const changed = await tx
    .update(workstreams)
    .set({ status: 'active', startedAt: sql`coalesce(${workstreams.startedAt}, ${now.toISOString()}::timestamptz)`, updatedAt: now })
    .where(and(eq(workstreams.tenantId, tenantId), eq(workstreams.id, workstreamId), anyText(workstreams.status, ['ready', 'blocked'])))
    .returning({ id: workstreams.id });
  await emitWorkstreamsUpdated(tx, tenantId, changed.map((r) => r.id));
}

async function emitWorkstreamsUpdated(tx: Db, tenantId: string, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  const views = await workstreamViews(tx, and(eq(workstreams.tenantId, tenantId), anyUuid(workstreams.id, ids)));
  for (const workstream of views) await emitEvent(tx, tenantId, 'workstream.updated', { workstream, changed: ['status'] });
}

/**
 * Auto-continue: after a task of `workstreamId` became done, the queued task with the lowest
 * sequence (todo, every dependency done) starts — if the workstream is active — and each of its
 * active assigned agents gets a run in status `queued`.
 */
export async function continueWorkstream(tx: Db, tenantId: string, workstreamId: string, now: Date): Promise<void> {
  const [next] = await queryRows<{ id: string; initiative_id: string }>(
    tx,
    sql`select t.id, t.initiative_id from ${tasks} t
        join ${workstreams} w on w.tenant_id = t.tenant_id and w.id = t.workstream_id and w.status = 'active'
        where t.tenant_id = ${tenantId} and t.workstream_id = ${workstreamId} and t.status = 'todo'
          and not exists (
            select 1 from task_dependencies d join ${tasks} p on p.tenant_id = d.tenant_id and p.id = d.depends_on_id
            where d.tenant_id = t.tenant_id and d.task_id = t.id and p.status <> 'done')
        order by t.sequence, t.id
        limit 1
        for update of t`,
  );
  if (!next) return;
  await tx
    .update(tasks)
    .set({ status: 'in_progress', startedAt: sql`coalesce(${tasks.startedAt}, ${now.toISOString()}::timestamptz)`, updatedAt: now })
    .where(and(eq(tasks.tenantId, tenantId), eq(tasks.id, next.id)));
  await emitEvent(tx, tenantId, 'task.updated', { task: await taskViewById(tx, tenantId, next.id), changed: ['status'], cause: 'auto_continue' });

  const assigned = await tx
    .select({ id: agents.id, name: agents.name })
    .from(taskAgents)
    .innerJoin(agents, and(eq(agents.tenantId, taskAgents.tenantId), eq(agents.id, taskAgents.agentId)))
    .where(and(eq(taskAgents.tenantId, tenantId), eq(taskAgents.taskId, next.id), eq(agents.status, 'active')))
    .orderBy(taskAgents.position, taskAgents.agentId);
  for (const agent of assigned) {
    const [run] = await tx
      .insert(runs)
      .values({
        tenantId,
        id: uuidv7(),
        agentId: agent.id,
        taskId: next.id,
        initiativeId: next.initiative_id,
        status: 'queued',
        origin: 'auto_continue',
        dispatchedByType: 'system',
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    await emitEvent(tx, tenantId, 'run.created', { run: runView(run, agent.name) });
  }
}

const OPEN_MILESTONE = sql.raw(`('planned', 'in_progress', 'at_risk')`);
const OPEN_INITIATIVE = sql.raw(`('draft', 'active', 'paused', 'blocked', 'at_risk')`);

/**
 * Applies the status rules to the whole initiative after a change, writes an event for every
 * status that moved, and `initiative.updated` when the initiative's progress or status moved (or
 * `changed` names fields the caller changed). Returns the initiative as it now is.
 */
export async function settle(
  tx: Db,
  tenantId: string,
  before: InitiativeRow,
  now: Date,
  changed: string[] = [],
  extra: Record<string, unknown> = {},
): Promise<InitiativeView> {
  const at = now.toISOString();
  const initiativeId = before.id;

  // Milestones: completed when all their tasks are done; in progress once one of them started.
  const movedMilestones = await queryRows<{ id: string }>(
    tx,
    sql`update ${milestones} m
        set status = case when m.task_count > 0 and m.done_count = m.task_count then 'completed' else 'in_progress' end,
            completed_at = case when m.task_count > 0 and m.done_count = m.task_count then ${at}::timestamptz else m.completed_at end,
            updated_at = ${at}::timestamptz
        where m.tenant_id = ${tenantId} and m.initiative_id = ${initiativeId} and (
          (m.status in ${OPEN_MILESTONE} and m.task_count > 0 and m.done_count = m.task_count)
          or (m.status = 'planned' and (m.done_count > 0 or exists (
            select 1 from ${tasks} t where t.tenant_id = m.tenant_id and t.milestone_id = m.id and t.status = 'in_progress'))))
        returning m.id`,
  );
  if (movedMilestones.length > 0) {
    const rows = await tx
      .select()
      .from(milestones)
      .where(and(eq(milestones.tenantId, tenantId), anyUuid(milestones.id, movedMilestones.map((m) => m.id))))
      .orderBy(milestones.createdAt, milestones.id);
    for (const m of rows) await emitEvent(tx, tenantId, 'milestone.updated', { milestone: milestoneView(m), changed: ['status'] });
  }

  // Workstreams: completed when all their tasks are done; then pending while a dependency is
  // not completed, else ready (which re-evaluates the dependants of one that just completed).
  const completed = await queryRows<{ id: string }>(
    tx,
    sql`update ${workstreams} set status = 'completed', completed_at = ${at}::timestamptz, updated_at = ${at}::timestamptz
        where tenant_id = ${tenantId} and initiative_id = ${initiativeId} and status <> 'completed'
          and task_count > 0 and done_count = task_count
        returning id`,
  );
  const readiness = await queryRows<{ id: string }>(
    tx,
    sql`with target as (
          select w.id, case when exists (
              select 1 from workstream_dependencies d join ${workstreams} p on p.tenant_id = d.tenant_id and p.id = d.depends_on_id
              where d.tenant_id = w.tenant_id and d.workstream_id = w.id and p.status <> 'completed')
            then 'pending' else 'ready' end as status
          from ${workstreams} w
          where w.tenant_id = ${tenantId} and w.initiative_id = ${initiativeId} and w.status in ('pending', 'ready')
        )
        update ${workstreams} w set status = target.status, updated_at = ${at}::timestamptz
        from target where w.tenant_id = ${tenantId} and w.id = target.id and w.status <> target.status
        returning w.id`,
  );
  await emitWorkstreamsUpdated(tx, tenantId, [...new Set([...completed, ...readiness].map((r) => r.id))]);

  // The initiative: a draft becomes active once work starts on it — one of its tasks is in
  // progress or done (a task started, or an agent was dispatched on one) — as a board shows it.
  const started = await queryRows<{ id: string }>(
    tx,
    sql`update ${initiatives} i set status = 'active', updated_at = ${at}::timestamptz
        where i.tenant_id = ${tenantId} and i.id = ${initiativeId} and i.status = 'draft'
          and exists (select 1 from ${tasks} t where t.tenant_id = i.tenant_id and t.initiative_id = i.id and t.status in ('in_progress', 'done'))
        returning i.id`,
  );
  // Then completed when all its workstreams are.
  await tx.execute(sql`
    update ${initiatives} i set status = 'completed', completed_at = ${at}::timestamptz, updated_at = ${at}::timestamptz
    where i.tenant_id = ${tenantId} and i.id = ${initiativeId} and i.status in ${OPEN_INITIATIVE}
      and exists (select 1 from ${workstreams} w where w.tenant_id = i.tenant_id and w.initiative_id = i.id)
      and not exists (select 1 from ${workstreams} w where w.tenant_id = i.tenant_id and w.initiative_id = i.id and w.status <> 'completed')`);

  const [after] = await tx
    .select(initiativeColumns)
    .from(initiatives)
    .where(and(eq(initiatives.tenantId, tenantId), eq(initiatives.id, initiativeId)));
  const view = initiativeView(after);
  await emitInitiativeUpdated(tx, tenantId, before, after, changed, started.length > 0 ? { ...extra, cause: 'work_started' } : extra);
  return view;
}

/** `initiative.updated` for every progress or status change (and edits the caller names). */
export async function emitInitiativeUpdated(
  tx: Db,
  tenantId: string,
  before: InitiativeRow,
  after: InitiativeRow,
  changed: string[] = [],
  extra: Record<string, unknown> = {},
) {
  const all = new Set(changed);
  if (before.status !== after.status) all.add('status');
  if (progressOf(before.doneCount, before.taskCount) !== progressOf(after.doneCount, after.taskCount)) all.add('progress');
  if (all.size === 0) return;
  await emitEvent(tx, tenantId, 'initiative.updated', { initiative: initiativeView(after), changed: [...all].sort(), ...extra });
}
