// Creating tasks in ONE statement: the hot path of the Work API (agents break work down into
// many tasks at once). The transaction in tasks.ts does the same work in about a dozen round trips
// while holding the initiative's row lock; this statement holds it for one.
//
// Requests that arrive together share one statement (see coalescer.ts): for 50 concurrent
// creates, a few statements and commits instead of 50.
//
// It never fails half-way: a task that is not in order (an unknown id, a closed initiative or
// workstream, a milestone or dependency that does not fit, an unknown agent) is left out, changing
// nothing, and its caller runs the transaction, which says precisely what is wrong — or, if the
// obstacle has gone in between, succeeds.
import { sql } from 'drizzle-orm';
import { fixedStatement, type Db } from '../db/index.ts';
import { coalescer } from '../platform/coalescer.ts';
import type { Runtime } from '../platform/runtime.ts';
import { insertEventsSql } from '../platform/events.ts';
import { eventId, uuidv7 } from '../platform/ids.ts';
import { agents, initiatives, milestones, taskAgents, taskDependencies, tasks, workstreams } from './tables.ts';
import { OPEN_INITIATIVE } from './transitions.ts';
import { initiativeViewJson, progressSql, taskView, type TaskRow, type TaskView } from './views.ts';

export interface TaskInsert {
  workstreamId: string;
  initiativeId: string | null; // as the client named it (checked), or null
  milestoneId: string | null;
  title: string;
  description: string | null;
  priority: 'low' | 'medium' | 'high';
  sequence: number | null; // null: after the last task of the workstream
  dependsOn: string[]; // ids, deduped
  agentIds: string[]; // ids, deduped, in assignment order
  dueDate: string | null;
}

// The one parameter is the batch as JSON; the statement reads the workspace and the time from it
// through these subqueries, which PostgreSQL evaluates once, when the statement runs.
const tenant = sql`(select tenant from batch)`;
const at = sql`(select at from batch)`;

/**
 * Correct without the transaction's separate reads because every initiative concerned is locked
 * first (FOR NO KEY UPDATE, as every change to the hierarchy does; in id order, so statements
 * running side by side never deadlock), and everything checked after that is read at its latest
 * version: the milestones and dependencies through FOR KEY SHARE, the workstream — its status and
 * last sequence — through the UPDATE that adds to its count.
 *
 * Within one statement, tasks given a sequence come first and the others follow them in request
 * order, each after the last; the counts grow by the tasks added, and each initiative whose
 * progress moved gets one initiative.updated after the task.created events.
 *
 * Planned once. PostgreSQL plans a prepared statement for its values until a plan for any
 * values is expected to do as well; planning this one costs more than running it (≈ 2.5 ms on
 * PostgreSQL, 8–15 ms on PGlite). So its plan must not depend on the values: the workspace and
 * time are read from the batch inside the statement (the planner cannot see them), and every
 * lookup is by primary key, one per task (a scalar subquery or `lateral … limit 1`), never a join
 * the planner could turn into a scan of the workspace.
 */
const insertTasks = fixedStatement<{ initiative_id: string | null; sequence: number | null }>(
  () =>
    sql`with batch as (
          select (b ->> 'tenant')::uuid as tenant, (b ->> 'at')::timestamptz as at, jsonb_array_length(b -> 'tasks') as count, b -> 'tasks' as tasks
          from (select ${sql.placeholder('batch')}::jsonb as b) given
        ), input as (
          select x.* from batch cross join jsonb_to_recordset(batch.tasks) as x(ord int, id uuid, ws uuid, named uuid, ms uuid, title text,
            description text, priority text, sequence int, due date, depends_on uuid[], agents uuid[], view jsonb, created text, progressed text)
        ), target as (
          select x.ord, (select w.initiative_id from ${workstreams} w where w.tenant_id = ${tenant} and w.id = x.ws) as initiative_id
          from input x
        ), ini as (
          select i.* from (select distinct initiative_id from target where initiative_id is not null order by 1) t
          cross join lateral (select id, status, task_count, done_count from ${initiatives}
                              where tenant_id = ${tenant} and id = t.initiative_id limit 1 for no key update) i
        ), ms as (
          select x.ord, m.initiative_id, m.workstream_id, m.status from input x
          cross join lateral (select * from ${milestones} m where m.tenant_id = ${tenant} and m.id = x.ms limit 1 for key share) m
          where (select count(*) from ini) > 0
        ), deps as (
          select x.ord, d.initiative_id from input x cross join unnest(x.depends_on) as wanted(id)
          cross join lateral (select d.initiative_id from ${tasks} d where d.tenant_id = ${tenant} and d.id = wanted.id limit 1 for key share) d
          where (select count(*) from ini) > 0
        ), ok as (
          select x.*, ini.id as initiative_id from input x join target using (ord) join ini on ini.id = target.initiative_id
          where ini.status in (${sql.raw(OPEN_INITIATIVE.map((s) => `'${s}'`).join(', '))})
            and (x.named is null or x.named = ini.id)
            and (x.ms is null or exists (
              select 1 from ms where ms.ord = x.ord and ms.initiative_id = ini.id and (ms.workstream_id is null or ms.workstream_id = x.ws)
                and ms.status not in ('completed', 'cancelled')))
            and (select count(*) from deps where deps.ord = x.ord and deps.initiative_id = ini.id) = cardinality(x.depends_on)
            and not exists (select 1 from unnest(x.agents) as wanted(id)
              where not exists (select 1 from ${agents} a where a.tenant_id = ${tenant} and a.id = wanted.id))
        ), go as (
          update ${workstreams} w
          set task_count = w.task_count + n.added, last_sequence = greatest(w.last_sequence, n.placed) + n.appended, updated_at = ${at}
          from (select ws, count(*) as added, coalesce(max(sequence), 0) as placed, count(*) filter (where sequence is null) as appended
                from ok group by ws) n
          where w.tenant_id = ${tenant} and w.id = n.ws and w.status <> 'completed'
          returning w.id, w.last_sequence - n.appended as after
        ), task as (
          insert into ${tasks} (tenant_id, id, initiative_id, workstream_id, milestone_id, title, description, priority, sequence, due_date, created_at, updated_at)
          select ${tenant}, ok.id, ok.initiative_id, ok.ws, ok.ms, ok.title, ok.description, ok.priority,
            coalesce(ok.sequence, go.after + row_number() over (partition by ok.ws, ok.sequence is null order by ok.ord)),
            ok.due, ${at}, ${at}
          from ok join go on go.id = ok.ws
          returning id, initiative_id, milestone_id, sequence
        ), dependencies as (
          insert into ${taskDependencies} (tenant_id, task_id, depends_on_id)
          select ${tenant}, x.id, d from input x cross join unnest(x.depends_on) as d where x.id in (select id from task)
        ), assignees as (
          insert into ${taskAgents} (tenant_id, task_id, agent_id, position)
          select ${tenant}, x.id, a.id, a.n - 1 from input x cross join unnest(x.agents) with ordinality as a(id, n)
          where x.id in (select id from task)
        ), milestone as (
          update ${milestones} m set task_count = m.task_count + n.added, updated_at = ${at}
          from (select milestone_id, count(*) as added from task where milestone_id is not null group by milestone_id) n
          where m.tenant_id = ${tenant} and m.id = n.milestone_id
        ), after as (
          update ${initiatives} i set task_count = i.task_count + n.added, updated_at = ${at}
          from (select initiative_id, count(*) as added from task group by initiative_id) n
          where i.tenant_id = ${tenant} and i.id = n.initiative_id
          returning i.*
        ), written as (
          -- One INSERT in this order, so the events' seq puts every task.created before the
          -- initiative.updated that follows from it.
          ${insertEventsSql(tenant, [
            {
              type: 'task.created',
              id: sql`x.created`,
              ord: sql`x.ord`,
              data: sql`jsonb_build_object('task', x.view || jsonb_build_object('initiative_id', task.initiative_id, 'sequence', task.sequence))`,
              from: sql`task join input x on x.id = task.id`,
            },
            {
              type: 'initiative.updated',
              id: sql`first.progressed`,
              ord: sql`first.ord`,
              data: sql`jsonb_build_object('initiative', ${initiativeViewJson(sql`after`)}, 'changed', '["progress"]'::jsonb)`,
              from: sql`after join ini on ini.id = after.id
                cross join lateral (select x.ord, x.progressed from task join input x on x.id = task.id
                                    where task.initiative_id = after.id order by x.ord limit 1) first
                where ${progressSql(sql`after`)} <> ${progressSql(sql`ini`)}`,
            },
          ])}
        )
        select task.initiative_id, task.sequence from input x left join task on task.id = x.id order by x.ord`,
);

/** Statements under way at once per workspace; the next one takes every task that waited. */
const LANES = 2;
/** Tasks in one statement at most. */
const MAX_TASKS = 64;

/**
 * Per node: the tasks waiting for their statement, per workspace (nothing outlives a statement,
 * so several nodes simply run their own statements side by side; they lock in id order).
 * `rt.taskInserts(tenant, task)` inserts the task, its dependencies and assignees, adds to the
 * counts of its workstream, milestone and initiative, and writes `task.created` (and
 * `initiative.updated` when the progress moves) — the rows the transaction in tasks.ts would
 * write. It answers the task, or null when it is not in order (see above) or its statement
 * failed: the caller then runs the transaction.
 */
export const newTaskInserter = (rt: Pick<Runtime, 'db' | 'log'>) =>
  coalescer((tenant: string, batch: TaskInsert[]) => insertTogether(rt, tenant, batch), { lanes: LANES, max: MAX_TASKS });
export type TaskInserter = ReturnType<typeof newTaskInserter>;

async function insertTogether({ db, log }: Pick<Runtime, 'db' | 'log'>, tenantId: string, batch: TaskInsert[]): Promise<(TaskView | null)[]> {
  const now = new Date();
  // Each new task as taskView shows it, but for the initiative and the sequence, which the
  // statement finds (and adds to the task.created data, as to the answer below).
  const views = batch.map((task) => {
    const row: TaskRow = {
      tenantId,
      id: uuidv7(now.getTime()),
      initiativeId: '',
      workstreamId: task.workstreamId,
      milestoneId: task.milestoneId,
      title: task.title,
      description: task.description,
      status: 'todo',
      priority: task.priority,
      sequence: 0,
      dueDate: task.dueDate,
      startedAt: null,
      completedAt: null,
      createdAt: now,
      updatedAt: now,
    };
    return taskView({ t: row, dependsOn: [...task.dependsOn].sort(), agentIds: task.agentIds });
  });
  const input = batch.map((task, ord) => {
    const { initiative_id: _i, sequence: _s, ...view } = views[ord];
    return {
      ord,
      id: view.id,
      ws: task.workstreamId,
      named: task.initiativeId,
      ms: task.milestoneId,
      title: task.title,
      description: task.description,
      priority: task.priority,
      sequence: task.sequence,
      due: task.dueDate,
      depends_on: task.dependsOn,
      agents: task.agentIds,
      view,
      created: eventId(),
      progressed: eventId(),
    };
  });
  let found;
  try {
    found = await insertTasks(db, { batch: JSON.stringify({ tenant: tenantId, at: now.toISOString(), tasks: input }) });
  } catch (err) {
    // E.g. an agent deleted in between (a foreign key), or a deadlock with another writer: every
    // task of the statement goes the careful way, one transaction each.
    log.warn({ err, tasks: batch.length }, 'creating tasks in one statement failed; each goes through its own transaction');
    return batch.map(() => null);
  }
  // One row per task, in request order.
  return views.map((view, ord) => {
    const { initiative_id, sequence } = found[ord];
    return initiative_id ? { ...view, initiative_id, sequence: Number(sequence) } : null;
  });
}
