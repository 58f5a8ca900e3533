// Rows of the hierarchy as the Work API shows them (snake_case, schemas.ts), and the selects
// that read them with their dependency and assignee lists.
import { and, eq, sql, type SQL } from 'drizzle-orm';
import { preparedQuery, type Db } from '../db/index.ts';
import { initiatives, milestones, taskAgents, taskDependencies, tasks, workstreamDependencies, workstreams } from './tables.ts';
import type { InitiativeStatus, MilestoneStatus, TaskStatus, WorkstreamStatus } from './transitions.ts';

/** Done ÷ all, 0–100, rounded down; 0 when there is nothing (docs/work-api-contract.md). */
export const progressOf = (done: number, total: number) => (total === 0 ? 0 : Math.floor((done * 100) / total));

const iso = (d: Date | null) => (d ? d.toISOString() : null);

// ---- Initiative ----

export type InitiativeRow = Pick<
  typeof initiatives.$inferSelect,
  'tenantId' | 'id' | 'title' | 'summary' | 'status' | 'priority' | 'targetDate' | 'taskCount' | 'doneCount' | 'completedAt' | 'createdAt' | 'updatedAt'
>;

/** Every column but the generated search columns (never sent anywhere). */
export const initiativeColumns = {
  tenantId: initiatives.tenantId,
  id: initiatives.id,
  title: initiatives.title,
  summary: initiatives.summary,
  status: initiatives.status,
  priority: initiatives.priority,
  targetDate: initiatives.targetDate,
  taskCount: initiatives.taskCount,
  doneCount: initiatives.doneCount,
  completedAt: initiatives.completedAt,
  createdAt: initiatives.createdAt,
  updatedAt: initiatives.updatedAt,
};

export function initiativeView(r: InitiativeRow) {
  return {
    id: r.id,
    title: r.title,
    summary: r.summary,
    status: r.status as InitiativeStatus,
    priority: r.priority as 'low' | 'medium' | 'high',
    progress: progressOf(r.doneCount, r.taskCount),
    target_date: r.targetDate,
    tasks_total: r.taskCount,
    tasks_done: r.doneCount,
    completed_at: iso(r.completedAt),
    created_at: r.createdAt.toISOString(),
    updated_at: r.updatedAt.toISOString(),
  };
}
export type InitiativeView = ReturnType<typeof initiativeView>;

/** progressOf in SQL, over the task_count and done_count of `row`. */
export const progressSql = (row: SQL) => sql`(case when ${row}.task_count = 0 then 0 else ${row}.done_count * 100 / ${row}.task_count end)`;

const isoSql = (column: SQL) => sql`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/**
 * initiativeView in SQL, over an initiatives row named `row`: for an event written by the same
 * statement as the change (task-insert.ts). A test compares the two.
 */
export const initiativeViewJson = (row: SQL) => sql`jsonb_build_object(
  'id', ${row}.id, 'title', ${row}.title, 'summary', ${row}.summary, 'status', ${row}.status, 'priority', ${row}.priority,
  'progress', ${progressSql(row)}, 'target_date', ${row}.target_date, 'tasks_total', ${row}.task_count, 'tasks_done', ${row}.done_count,
  'completed_at', ${isoSql(sql`${row}.completed_at`)}, 'created_at', ${isoSql(sql`${row}.created_at`)}, 'updated_at', ${isoSql(sql`${row}.updated_at`)})`;

// ---- Workstream ----

export type WorkstreamRow = typeof workstreams.$inferSelect;

// Correlated subqueries name the outer row explicitly ("workstreams"."id"): Drizzle writes the
// columns of a single-table select unqualified, which inside a subquery would bind to the inner table.
const workstreamDependsOn = sql<string[]>`array(select d.depends_on_id::text from ${workstreamDependencies} d
  where d.tenant_id = "workstreams"."tenant_id" and d.workstream_id = "workstreams"."id"
  order by 1)`;

export const selectWorkstreams = (db: Db) => db.select({ w: workstreams, dependsOn: workstreamDependsOn }).from(workstreams);

export function workstreamView({ w, dependsOn }: { w: WorkstreamRow; dependsOn: string[] }) {
  return {
    id: w.id,
    initiative_id: w.initiativeId,
    name: w.name,
    summary: w.summary,
    status: w.status as WorkstreamStatus,
    progress: progressOf(w.doneCount, w.taskCount),
    depends_on: dependsOn,
    tasks_total: w.taskCount,
    tasks_done: w.doneCount,
    started_at: iso(w.startedAt),
    completed_at: iso(w.completedAt),
    created_at: w.createdAt.toISOString(),
    updated_at: w.updatedAt.toISOString(),
  };
}
export type WorkstreamView = ReturnType<typeof workstreamView>;

export async function workstreamViews(db: Db, where: SQL | undefined): Promise<WorkstreamView[]> {
  const rows = await selectWorkstreams(db).where(where).orderBy(workstreams.createdAt, workstreams.id);
  return rows.map(workstreamView);
}

export async function workstreamViewById(db: Db, tenantId: string, id: string): Promise<WorkstreamView | null> {
  const [row] = await workstreamViews(db, and(eq(workstreams.tenantId, tenantId), eq(workstreams.id, id)));
  return row ?? null;
}

// ---- Milestone ----

export type MilestoneRow = typeof milestones.$inferSelect;

export function milestoneView(m: MilestoneRow) {
  return {
    id: m.id,
    initiative_id: m.initiativeId,
    workstream_id: m.workstreamId,
    title: m.title,
    description: m.description,
    status: m.status as MilestoneStatus,
    progress: progressOf(m.doneCount, m.taskCount),
    due_date: m.dueDate,
    tasks_total: m.taskCount,
    tasks_done: m.doneCount,
    completed_at: iso(m.completedAt),
    created_at: m.createdAt.toISOString(),
    updated_at: m.updatedAt.toISOString(),
  };
}
export type MilestoneView = ReturnType<typeof milestoneView>;

// ---- Task ----

export const taskColumns = {
  tenantId: tasks.tenantId,
  id: tasks.id,
  initiativeId: tasks.initiativeId,
  workstreamId: tasks.workstreamId,
  milestoneId: tasks.milestoneId,
  title: tasks.title,
  description: tasks.description,
  status: tasks.status,
  priority: tasks.priority,
  sequence: tasks.sequence,
  dueDate: tasks.dueDate,
  startedAt: tasks.startedAt,
  completedAt: tasks.completedAt,
  createdAt: tasks.createdAt,
  updatedAt: tasks.updatedAt,
};
export type TaskRow = { [K in keyof typeof taskColumns]: (typeof tasks.$inferSelect)[K] };

const taskDependsOn = sql<string[]>`array(select d.depends_on_id::text from ${taskDependencies} d
  where d.tenant_id = "tasks"."tenant_id" and d.task_id = "tasks"."id"
  order by 1)`;
const taskAgentIds = sql<string[]>`array(select a.agent_id::text from ${taskAgents} a
  where a.tenant_id = "tasks"."tenant_id" and a.task_id = "tasks"."id"
  order by a.position, a.agent_id)`;

/** Tasks with their dependencies and agents, and any `more` columns. */
export const selectTasks = <More extends Record<string, SQL>>(db: Db, more = {} as More) =>
  db.select({ t: taskColumns, dependsOn: taskDependsOn, agentIds: taskAgentIds, ...more }).from(tasks);

export function taskView({ t, dependsOn, agentIds }: { t: TaskRow; dependsOn: string[]; agentIds: string[] }) {
  return {
    id: t.id,
    initiative_id: t.initiativeId,
    workstream_id: t.workstreamId,
    milestone_id: t.milestoneId,
    title: t.title,
    description: t.description,
    status: t.status as TaskStatus,
    priority: t.priority as 'low' | 'medium' | 'high',
    sequence: t.sequence,
    progress: t.status === 'done' ? 100 : 0,
    depends_on: dependsOn,
    assigned_agent_ids: agentIds,
    due_date: t.dueDate,
    started_at: iso(t.startedAt),
    completed_at: iso(t.completedAt),
    created_at: t.createdAt.toISOString(),
    updated_at: t.updatedAt.toISOString(),
  };
}
export type TaskView = ReturnType<typeof taskView>;

/** One task by id, prepared once: getTask's statement (inside a transaction, taskViewById builds its own). */
export const taskById = preparedQuery((db) =>
  selectTasks(db)
    .where(and(eq(tasks.tenantId, sql.placeholder('t')), eq(tasks.id, sql.placeholder('id'))))
    .prepare('task_by_id'),
);

export async function taskViewById(db: Db, tenantId: string, id: string): Promise<TaskView | null> {
  const [row] = await selectTasks(db).where(and(eq(tasks.tenantId, tenantId), eq(tasks.id, id)));
  return row ? taskView(row) : null;
}
