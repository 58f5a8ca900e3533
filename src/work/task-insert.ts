// Creating a task in ONE statement: the hot path of the Work API (agents break work down into
// many tasks at once). The transaction in tasks.ts does the same work in about a dozen round trips
// while holding the initiative's row lock; this statement holds it for one.
//
// It never fails half-way: when anything is not in order (an unknown id, a closed initiative or
// workstream, a milestone or dependency that does not fit, an unknown agent) it changes nothing
// and returns null, and the caller runs the transaction, which says precisely what is wrong — or,
// if the obstacle has gone in between, succeeds.
import { sql } from 'drizzle-orm';
import { fixedStatement, pgArray, type Db } from '../db/index.ts';
import { events } from '../platform/schema.ts';
import { eventId, uuidv7 } from '../platform/ids.ts';
import { agents, initiatives, milestones, taskAgents, taskDependencies, tasks, workstreams } from './schema.ts';
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

const p = (name: string) => sql.placeholder(name);

/** Tries of the statement while changes on the same initiative keep committing under it. */
const STALE_ATTEMPTS = 3;

/**
 * Safe without the transaction's separate reads because the initiative row is locked first
 * (FOR NO KEY UPDATE, as every change to the hierarchy does), and everything the checks read after
 * that — the milestone and the dependencies (locked FOR KEY SHARE), the workstream (updated) — is
 * read at its latest version. Only the next sequence number comes from the statement's snapshot,
 * which is stale if another change committed while the lock was awaited; every change that adds
 * or removes tasks updates the initiative's counts, so a new row version there means "try again"
 * (up to STALE_ATTEMPTS times, then the transaction). A concurrent move of a task between
 * workstreams is not caught; the worst it does is give two tasks one sequence number, which an
 * explicit `sequence` may do anyway.
 */
const insertTask = fixedStatement<{ initiative_id: string | null; sequence: number | null; stale: boolean }>(
  () =>
    sql`with target as (
          select initiative_id from ${workstreams} where tenant_id = ${p('tenant')} and id = ${p('ws')}
        ), seen as (
          select xmin::text as version from ${initiatives} where tenant_id = ${p('tenant')} and id = (select initiative_id from target)
        ), ini as (
          select id, status, task_count, done_count, xmin::text as version from ${initiatives}
          where tenant_id = ${p('tenant')} and id = (select initiative_id from target)
          for no key update
        ), ms as (
          select m.initiative_id, m.workstream_id, m.status from ${milestones} m
          where m.tenant_id = ${p('tenant')} and m.id = ${p('ms')}::uuid and exists (select 1 from ini)
          for key share
        ), deps as (
          select d.initiative_id from unnest(${p('deps')}::uuid[]) as wanted(id)
          join ${tasks} d on d.tenant_id = ${p('tenant')} and d.id = wanted.id
          where exists (select 1 from ini)
          for key share of d
        ), go as (
          update ${workstreams} w set task_count = w.task_count + 1, updated_at = ${p('at')}::timestamptz
          from ini
          where w.tenant_id = ${p('tenant')} and w.id = ${p('ws')} and w.status <> 'completed'
            and ini.version = (select version from seen)
            and ini.status = any(${pgArray(OPEN_INITIATIVE)}::text[])
            and (${p('initiative')}::uuid is null or ini.id = ${p('initiative')}::uuid)
            and (${p('ms')}::uuid is null or exists (
              select 1 from ms where ms.initiative_id = ini.id and (ms.workstream_id is null or ms.workstream_id = w.id)
                and ms.status not in ('completed', 'cancelled')))
            and (select count(*) from deps where deps.initiative_id = ini.id) = cardinality(${p('deps')}::uuid[])
            and (select count(*) from ${agents} a where a.tenant_id = ${p('tenant')} and a.id = any(${p('assignees')}::uuid[])) = cardinality(${p('assignees')}::uuid[])
          returning w.initiative_id
        ), task as (
          insert into ${tasks} (tenant_id, id, initiative_id, workstream_id, milestone_id, title, description, priority, sequence, due_date, created_at, updated_at)
          select ${p('tenant')}::uuid, ${p('id')}::uuid, go.initiative_id, ${p('ws')}::uuid, ${p('ms')}::uuid, ${p('title')}, ${p('description')}, ${p('priority')},
            coalesce(${p('sequence')}::int, coalesce((select sequence from ${tasks} where tenant_id = ${p('tenant')} and workstream_id = ${p('ws')} order by sequence desc limit 1), 0) + 1),
            ${p('due')}::date, ${p('at')}::timestamptz, ${p('at')}::timestamptz
          from go
          returning initiative_id, sequence
        ), dependencies as (
          insert into ${taskDependencies} (tenant_id, task_id, depends_on_id)
          select ${p('tenant')}::uuid, ${p('id')}::uuid, d from task, unnest(${p('deps')}::uuid[]) d
        ), assignees as (
          insert into ${taskAgents} (tenant_id, task_id, agent_id, position)
          select ${p('tenant')}::uuid, ${p('id')}::uuid, a.id, a.n - 1 from task, unnest(${p('assignees')}::uuid[]) with ordinality a(id, n)
        ), milestone as (
          update ${milestones} set task_count = task_count + 1, updated_at = ${p('at')}::timestamptz
          where tenant_id = ${p('tenant')} and id = ${p('ms')}::uuid and exists (select 1 from go)
        ), after as (
          update ${initiatives} i set task_count = i.task_count + 1, updated_at = ${p('at')}::timestamptz
          from go where i.tenant_id = ${p('tenant')} and i.id = go.initiative_id
          returning i.*
        ), written as (
          -- One INSERT, so the events' order (seq) is task.created, then initiative.updated.
          insert into ${events} (id, type, tenant_id, data)
          select ${p('created')}, 'task.created', ${p('tenant')}::uuid, jsonb_build_object('task',
            ${p('view')}::jsonb || jsonb_build_object('initiative_id', task.initiative_id, 'sequence', task.sequence))
          from task
          union all
          select ${p('progressed')}, 'initiative.updated', ${p('tenant')}::uuid,
            jsonb_build_object('initiative', ${initiativeViewJson(sql`after`)}, 'changed', '["progress"]'::jsonb)
          from after, ini
          where ${progressSql(sql`after`)} <> ${progressSql(sql`ini`)}
        )
        select (select initiative_id from task) as initiative_id, (select sequence from task) as sequence,
          coalesce((select version from ini) <> (select version from seen), false) as stale`,
);

/**
 * Inserts the task, its dependencies and assignees, adds to the counts of its workstream,
 * milestone and initiative, and writes `task.created` (and `initiative.updated` when the progress
 * moves) — the rows the transaction in tasks.ts would write. Returns the task, or null (see above).
 */
export async function insertTaskAtOnce(db: Db, tenantId: string, task: TaskInsert): Promise<TaskView | null> {
  const now = new Date();
  const at = now.toISOString();
  const id = uuidv7(now.getTime());
  const { workstreamId: ws, milestoneId: ms } = task;
  // The new row as taskView shows it, but for the initiative and the sequence, which the
  // statement finds (the task.created data gets them from the statement too).
  const row: TaskRow = {
    tenantId,
    id,
    initiativeId: '',
    workstreamId: ws,
    milestoneId: ms,
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
  const dependsOn = [...task.dependsOn].sort();
  const view = taskView({ t: row, dependsOn, agentIds: task.agentIds });
  const { initiative_id: _i, sequence: _s, ...known } = view;
  const values = {
    tenant: tenantId,
    ws,
    ms,
    deps: pgArray(task.dependsOn),
    assignees: pgArray(task.agentIds),
    at,
    initiative: task.initiativeId,
    id,
    title: task.title,
    description: task.description,
    priority: task.priority,
    sequence: task.sequence,
    due: task.dueDate,
    view: JSON.stringify(known),
    created: eventId(),
    progressed: eventId(),
  };
  // A change that committed while the lock was awaited: once more, with a fresh snapshot.
  for (let attempt = 1; ; attempt++) {
    const [found] = await insertTask(db, values);
    if (found.initiative_id) return taskView({ t: { ...row, initiativeId: found.initiative_id, sequence: Number(found.sequence) }, dependsOn, agentIds: task.agentIds });
    if (!found.stale || attempt === STALE_ATTEMPTS) return null;
  }
}
