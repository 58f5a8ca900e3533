// Work module tables (the resources of docs/work-api-contract.md). Like the Reviews tables,
// every row is keyed (tenant_id, id) and references other rows through (tenant_id, …), so a
// reference across workspaces cannot exist in the database. The hierarchy initiative →
// workstream → milestone → task is enforced by composite keys that include initiative_id: a
// milestone or task can only point at a workstream (or milestone) of its own initiative.
//
// Memory search (orgx_search) reads four tables — initiatives, tasks, decisions, artifacts —
// through two generated columns each: `search_tsv` (English full text, title weighted A, body B)
// with a GIN index, and `search_text` (the raw text) with a pg_trgm GIN index for Chinese and
// partial words (`ILIKE '%…%'`, `similarity`). The migration creates the pg_trgm extension.
import { sql } from 'drizzle-orm';
import {
  boolean,
  customType,
  date,
  foreignKey,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  smallint,
  text,
  unique,
  uniqueIndex,
  uuid,
  type AnyPgColumn,
} from 'drizzle-orm/pg-core';
import { tenantRef, ts } from '../platform/tables.ts';

/**
 * The search indexes' pending list, in kB (PostgreSQL's default is 4 MB). A GIN index takes new
 * rows into an unsorted pending list that every search scans in full until a vacuum merges it; a
 * burst of task writes left ~16,000 entries there and tripled the database time of each search
 * until autovacuum came by (the drift measured in bench/history.md). A small list is merged by
 * the inserting statement itself once it fills, so searches stay fast and inserts stay batched.
 */
const GIN_PENDING_KB = 128;

const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });

/** How much of a body is searchable: enough for any summary, bounded for huge previews. */
const SEARCHABLE_BODY = 20000;
const bodyOf = (column: string) => `left(coalesce("${column}", ''), ${SEARCHABLE_BODY})`;
/** The searchable text of a row: title, then its body (both columns named in SQL). */
const searchText = (title: string, body: string) =>
  text('search_text').generatedAlwaysAs(sql.raw(`coalesce("${title}", '') || ' ' || ${bodyOf(body)}`));
/**
 * English full text, title weighted above body, plus every Chinese (CJK) character and pair of
 * adjacent characters as a word of its own: Chinese has no spaces, so the English parser sees a
 * whole run of characters as one "word"; the characters and pairs (search_cjk_grams, a SQL
 * function created by migration 0005) let a one- or two-character query use the index too.
 */
const searchTsv = (title: string, body: string) =>
  tsvector('search_tsv').generatedAlwaysAs(
    sql.raw(
      `setweight(to_tsvector('english'::regconfig, coalesce("${title}", '')), 'A') || setweight(to_tsvector('english'::regconfig, ${bodyOf(body)}), 'B')` +
        ` || to_tsvector('simple'::regconfig, search_cjk_grams(coalesce("${title}", '') || ' ' || ${bodyOf(body)}))`,
    ),
  );

/**
 * Tasks beneath an initiative, workstream or milestone and how many are done, kept by the
 * cascade: progress = floor(done × 100 / tasks).
 */
const progressCounts = () => ({
  taskCount: integer('task_count').notNull().default(0),
  doneCount: integer('done_count').notNull().default(0),
});

// ---------------------------------------------------------------------------------------------
// Agents: the seven canonical ones exist in every workspace (seedCanonicalAgents, and the
// migration for workspaces that existed before it); more can be added.

export const agents = pgTable(
  'agents',
  {
    tenantId: tenantRef(),
    id: uuid('id').notNull(),
    /** e.g. `engineering-agent`; unique in the workspace (case-insensitive). */
    name: text('name').notNull(),
    domain: text('domain').notNull(), // engineering|product|design|marketing|sales|operations|orchestration
    description: text('description'),
    /** Whether it may be dispatched (active) or not (disabled); live status comes from its runs. */
    status: text('status').notNull().default('active'),
    canonical: boolean('canonical').notNull().default(false),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] }), uniqueIndex('agents_name_key').on(t.tenantId, sql`lower(${t.name})`)],
);

// ---------------------------------------------------------------------------------------------
// The hierarchy

export const initiatives = pgTable(
  'initiatives',
  {
    tenantId: tenantRef(),
    id: uuid('id').notNull(),
    title: text('title').notNull(),
    summary: text('summary'),
    status: text('status').notNull().default('draft'), // draft|active|paused|blocked|at_risk|completed|archived|cancelled
    priority: text('priority').notNull().default('medium'), // low|medium|high
    targetDate: date('target_date', { mode: 'string' }),
    ...progressCounts(),
    completedAt: ts('completed_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
    searchText: searchText('title', 'summary'),
    searchTsv: searchTsv('title', 'summary'),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index('initiatives_created_idx').on(t.tenantId, t.createdAt, t.id),
    index('initiatives_status_idx').on(t.tenantId, t.status),
    index('initiatives_search_tsv_idx').using('gin', t.searchTsv).with({ gin_pending_list_limit: GIN_PENDING_KB }),
    index('initiatives_search_trgm_idx').using('gin', t.searchText.op('gin_trgm_ops')).with({ gin_pending_list_limit: GIN_PENDING_KB }),
  ],
);

export const workstreams = pgTable(
  'workstreams',
  {
    tenantId: tenantRef(),
    id: uuid('id').notNull(),
    initiativeId: uuid('initiative_id').notNull(),
    name: text('name').notNull(),
    summary: text('summary'),
    status: text('status').notNull().default('ready'), // pending|ready|active|paused|blocked|completed
    ...progressCounts(),
    /**
     * The highest sequence a task of this workstream has had: a new task without one goes after
     * it. Kept on the row, not found with max(), so that the statement that adds tasks reads it
     * at its latest version through the same row lock that adds to task_count.
     */
    lastSequence: integer('last_sequence').notNull().default(0),
    startedAt: ts('started_at'),
    completedAt: ts('completed_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    // The target of (tenant, initiative, workstream) references: same initiative or nothing. A
    // constraint, not an index, so the migration creates it before the foreign keys need it.
    unique('workstreams_initiative_key').on(t.tenantId, t.initiativeId, t.id),
    foreignKey({ columns: [t.tenantId, t.initiativeId], foreignColumns: [initiatives.tenantId, initiatives.id] }).onDelete('cascade'),
    // The list's order (oldest first), so a page is read off the index, not sorted from all of them.
    index('workstreams_list_idx').on(t.tenantId, t.createdAt, t.id),
  ],
);

/** `workstream` waits for `depends_on` to be completed (pending → ready). A DAG: no cycles. */
export const workstreamDependencies = pgTable(
  'workstream_dependencies',
  {
    tenantId: tenantRef(),
    workstreamId: uuid('workstream_id').notNull(),
    dependsOnId: uuid('depends_on_id').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.workstreamId, t.dependsOnId] }),
    foreignKey({ columns: [t.tenantId, t.workstreamId], foreignColumns: [workstreams.tenantId, workstreams.id] }).onDelete('cascade'),
    foreignKey({ columns: [t.tenantId, t.dependsOnId], foreignColumns: [workstreams.tenantId, workstreams.id] }).onDelete('cascade'),
    index('workstream_dependencies_dependant_idx').on(t.tenantId, t.dependsOnId),
  ],
);

export const milestones = pgTable(
  'milestones',
  {
    tenantId: tenantRef(),
    id: uuid('id').notNull(),
    initiativeId: uuid('initiative_id').notNull(),
    /** Optional: a milestone of the whole initiative has none. */
    workstreamId: uuid('workstream_id'),
    title: text('title').notNull(),
    description: text('description'),
    status: text('status').notNull().default('planned'), // planned|in_progress|completed|at_risk|cancelled
    dueDate: date('due_date', { mode: 'string' }),
    ...progressCounts(),
    completedAt: ts('completed_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    unique('milestones_initiative_key').on(t.tenantId, t.initiativeId, t.id),
    foreignKey({ columns: [t.tenantId, t.initiativeId], foreignColumns: [initiatives.tenantId, initiatives.id] }).onDelete('cascade'),
    foreignKey({
      columns: [t.tenantId, t.initiativeId, t.workstreamId],
      foreignColumns: [workstreams.tenantId, workstreams.initiativeId, workstreams.id],
    }).onDelete('cascade'),
    index('milestones_workstream_idx').on(t.tenantId, t.workstreamId),
  ],
);

export const tasks = pgTable(
  'tasks',
  {
    tenantId: tenantRef(),
    id: uuid('id').notNull(),
    initiativeId: uuid('initiative_id').notNull(),
    workstreamId: uuid('workstream_id').notNull(),
    /** Set to null when its milestone is deleted (the task stays). */
    milestoneId: uuid('milestone_id'),
    title: text('title').notNull(),
    description: text('description'),
    status: text('status').notNull().default('todo'), // todo|in_progress|done|blocked
    priority: text('priority').notNull().default('medium'), // low|medium|high
    /** Order within the workstream: auto-continue starts the queued task with the lowest. */
    sequence: integer('sequence').notNull(),
    dueDate: date('due_date', { mode: 'string' }),
    startedAt: ts('started_at'),
    completedAt: ts('completed_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
    searchText: searchText('title', 'description'),
    searchTsv: searchTsv('title', 'description'),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    foreignKey({
      columns: [t.tenantId, t.initiativeId, t.workstreamId],
      foreignColumns: [workstreams.tenantId, workstreams.initiativeId, workstreams.id],
    }).onDelete('cascade'),
    // ON DELETE SET NULL ("milestone_id") in the migration: only that column (PostgreSQL 15+).
    foreignKey({
      columns: [t.tenantId, t.initiativeId, t.milestoneId],
      foreignColumns: [milestones.tenantId, milestones.initiativeId, milestones.id],
    }).onDelete('set null'),
    index('tasks_workstream_queue_idx').on(t.tenantId, t.workstreamId, t.status, t.sequence),
    index('tasks_initiative_idx').on(t.tenantId, t.initiativeId, t.status),
    index('tasks_milestone_idx').on(t.tenantId, t.milestoneId),
    index('tasks_created_idx').on(t.tenantId, t.createdAt, t.id),
    index('tasks_search_tsv_idx').using('gin', t.searchTsv).with({ gin_pending_list_limit: GIN_PENDING_KB }),
    index('tasks_search_trgm_idx').using('gin', t.searchText.op('gin_trgm_ops')).with({ gin_pending_list_limit: GIN_PENDING_KB }),
  ],
);

/** `task` is queued only when every `depends_on` task is done. A DAG: no cycles. */
export const taskDependencies = pgTable(
  'task_dependencies',
  {
    tenantId: tenantRef(),
    taskId: uuid('task_id').notNull(),
    dependsOnId: uuid('depends_on_id').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.taskId, t.dependsOnId] }),
    foreignKey({ columns: [t.tenantId, t.taskId], foreignColumns: [tasks.tenantId, tasks.id] }).onDelete('cascade'),
    foreignKey({ columns: [t.tenantId, t.dependsOnId], foreignColumns: [tasks.tenantId, tasks.id] }).onDelete('cascade'),
    index('task_dependencies_dependant_idx').on(t.tenantId, t.dependsOnId),
  ],
);

/** The agents assigned to a task, in the order given; auto-continue queues a run for each. */
export const taskAgents = pgTable(
  'task_agents',
  {
    tenantId: tenantRef(),
    taskId: uuid('task_id').notNull(),
    agentId: uuid('agent_id').notNull(),
    position: smallint('position').notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.taskId, t.agentId] }),
    foreignKey({ columns: [t.tenantId, t.taskId], foreignColumns: [tasks.tenantId, tasks.id] }).onDelete('cascade'),
    foreignKey({ columns: [t.tenantId, t.agentId], foreignColumns: [agents.tenantId, agents.id] }).onDelete('cascade'),
    index('task_agents_agent_idx').on(t.tenantId, t.agentId),
  ],
);

// ---------------------------------------------------------------------------------------------
// Runs and their activity

/** One dispatch of an agent (usually on a task). Deleting the task deletes its runs. */
export const runs = pgTable(
  'runs',
  {
    tenantId: tenantRef(),
    id: uuid('id').notNull(),
    agentId: uuid('agent_id').notNull(),
    taskId: uuid('task_id'),
    initiativeId: uuid('initiative_id'),
    status: text('status').notNull().default('queued'), // queued|running|blocked|completed|failed|cancelled
    progress: smallint('progress').notNull().default(0),
    blockers: jsonb('blockers').$type<string[]>().notNull().default([]),
    summary: text('summary'),
    /** 1–5, given when the run completes (the spawn quality gate reads the last 20). */
    qualityScore: smallint('quality_score'),
    /** `dispatch` (a client asked; counts against the dispatch bucket) or `auto_continue`. */
    origin: text('origin').notNull().default('dispatch'),
    modelTier: text('model_tier'),
    dispatchedByType: text('dispatched_by_type'), // user|key|agent|system
    dispatchedById: text('dispatched_by_id'),
    startedAt: ts('started_at'),
    completedAt: ts('completed_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    // Cascades only so that deleting a tenant always works (a NO ACTION key is checked before the
    // other cascades of the same DELETE have run); the agents service must refuse (409) to
    // delete an agent that has runs.
    foreignKey({ columns: [t.tenantId, t.agentId], foreignColumns: [agents.tenantId, agents.id] }).onDelete('cascade'),
    foreignKey({ columns: [t.tenantId, t.taskId], foreignColumns: [tasks.tenantId, tasks.id] }).onDelete('cascade'),
    foreignKey({ columns: [t.tenantId, t.initiativeId], foreignColumns: [initiatives.tenantId, initiatives.id] }).onDelete('cascade'),
    index('runs_agent_idx').on(t.tenantId, t.agentId, t.createdAt),
    index('runs_status_idx').on(t.tenantId, t.status, t.createdAt),
    index('runs_task_idx').on(t.tenantId, t.taskId),
    index('runs_initiative_idx').on(t.tenantId, t.initiativeId),
    // The dispatch bucket counts this hour's dispatches of a workspace.
    index('runs_created_idx').on(t.tenantId, t.createdAt),
  ],
);

export const runActivity = pgTable(
  'run_activity',
  {
    tenantId: tenantRef(),
    id: uuid('id').notNull(),
    runId: uuid('run_id').notNull(),
    initiativeId: uuid('initiative_id'),
    phase: text('phase').notNull(), // intent|execution|blocked|review|handoff|completed
    level: text('level').notNull().default('info'), // info|warn|error
    message: text('message').notNull(),
    progressPct: smallint('progress_pct'),
    nextStep: text('next_step'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    foreignKey({ columns: [t.tenantId, t.runId], foreignColumns: [runs.tenantId, runs.id] }).onDelete('cascade'),
    index('run_activity_created_idx').on(t.tenantId, t.createdAt),
    index('run_activity_run_idx').on(t.tenantId, t.runId, t.createdAt),
  ],
);

// ---------------------------------------------------------------------------------------------
// Decisions

/**
 * The inbox's order, pending first: 0 for a pending decision, 1 for the rest; then a pending one's
 * due time (null for the rest). The list's ORDER BY and `decisions_inbox_idx` are built from these
 * same expressions, so a page of the inbox is read straight off the index instead of sorting every
 * decision of the workspace (test/work/list-plans.test.ts checks the plan).
 */
export const pendingFirst = (status: AnyPgColumn) => sql`(case when ${status} = 'pending' then 0 else 1 end)`;
export const pendingDue = (status: AnyPgColumn, dueAt: AnyPgColumn) => sql`(case when ${status} = 'pending' then ${dueAt} end)`;

/**
 * An approval point. Its links (initiative, task, run) are real foreign keys that become null
 * when the row they name is deleted: the decision stays, as the record of what was decided.
 */
export const decisions = pgTable(
  'decisions',
  {
    tenantId: tenantRef(),
    id: uuid('id').notNull(),
    title: text('title').notNull(),
    summary: text('summary'),
    type: text('type').notNull().default('approval'), // approval|escalation|clarification|conflict
    urgency: text('urgency').notNull().default('medium'), // low|medium|high|critical (SLA 72h/24h/4h/1h)
    status: text('status').notNull().default('pending'), // pending|approved|rejected|superseded|cancelled
    chosenOptionId: text('chosen_option_id'),
    resolutionNote: text('resolution_note'),
    initiativeId: uuid('initiative_id'),
    taskId: uuid('task_id'),
    runId: uuid('run_id'),
    requestedByType: text('requested_by_type').notNull(), // agent|user|key
    requestedById: text('requested_by_id'),
    requestedByName: text('requested_by_name'),
    resolvedByType: text('resolved_by_type'),
    resolvedById: text('resolved_by_id'),
    resolvedByName: text('resolved_by_name'),
    dueAt: ts('due_at').notNull(),
    resolvedAt: ts('resolved_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
    searchText: searchText('title', 'summary'),
    searchTsv: searchTsv('title', 'summary'),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    // ON DELETE SET NULL ("initiative_id") etc. in the migration: only the link column is
    // cleared (PostgreSQL 15+); a plain SET NULL would clear tenant_id too.
    foreignKey({ columns: [t.tenantId, t.initiativeId], foreignColumns: [initiatives.tenantId, initiatives.id] }).onDelete('set null'),
    foreignKey({ columns: [t.tenantId, t.taskId], foreignColumns: [tasks.tenantId, tasks.id] }).onDelete('set null'),
    foreignKey({ columns: [t.tenantId, t.runId], foreignColumns: [runs.tenantId, runs.id] }).onDelete('set null'),
    // The pending decisions by SLA (recommendations), and the inbox's whole order.
    index('decisions_status_due_idx').on(t.tenantId, t.status, t.dueAt),
    index('decisions_inbox_idx').on(t.tenantId, pendingFirst(t.status), pendingDue(t.status, t.dueAt), t.createdAt.desc().nullsFirst(), t.id.desc().nullsFirst()),
    index('decisions_created_idx').on(t.tenantId, t.createdAt, t.id),
    index('decisions_initiative_idx').on(t.tenantId, t.initiativeId),
    index('decisions_task_idx').on(t.tenantId, t.taskId),
    index('decisions_run_idx').on(t.tenantId, t.runId),
    index('decisions_search_tsv_idx').using('gin', t.searchTsv).with({ gin_pending_list_limit: GIN_PENDING_KB }),
    index('decisions_search_trgm_idx').using('gin', t.searchText.op('gin_trgm_ops')).with({ gin_pending_list_limit: GIN_PENDING_KB }),
  ],
);

export const decisionOptions = pgTable(
  'decision_options',
  {
    tenantId: tenantRef(),
    decisionId: uuid('decision_id').notNull(),
    /** Given by the requester or generated; unique within its decision. */
    id: text('id').notNull(),
    label: text('label').notNull(),
    description: text('description'),
    position: smallint('position').notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.decisionId, t.id] }),
    foreignKey({ columns: [t.tenantId, t.decisionId], foreignColumns: [decisions.tenantId, decisions.id] }).onDelete('cascade'),
  ],
);

// ---------------------------------------------------------------------------------------------
// Artifacts

/**
 * A durable work product owned by an entity (entity_type, entity_id: no foreign key, the owner
 * may be any of five tables). `initiative_id` is the owner's initiative when it has one, so
 * deleting an initiative takes its artifacts; the services deleting a workstream, milestone or
 * task delete the artifacts those own.
 */
export const artifacts = pgTable(
  'artifacts',
  {
    tenantId: tenantRef(),
    id: uuid('id').notNull(),
    entityType: text('entity_type').notNull(), // initiative|workstream|milestone|task|decision
    entityId: uuid('entity_id').notNull(),
    initiativeId: uuid('initiative_id'),
    name: text('name').notNull(),
    artifactType: text('artifact_type').notNull(),
    artifactUrl: text('artifact_url'),
    externalUrl: text('external_url'),
    previewMarkdown: text('preview_markdown'),
    status: text('status').notNull().default('draft'), // draft|in_review|approved|changes_requested|superseded|archived
    version: integer('version').notNull().default(1),
    metadata: jsonb('metadata').$type<Record<string, unknown>>().notNull().default({}),
    createdByType: text('created_by_type').notNull(), // human|agent
    createdById: text('created_by_id'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
    searchText: searchText('name', 'preview_markdown'),
    searchTsv: searchTsv('name', 'preview_markdown'),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    foreignKey({ columns: [t.tenantId, t.initiativeId], foreignColumns: [initiatives.tenantId, initiatives.id] }).onDelete('cascade'),
    index('artifacts_entity_idx').on(t.tenantId, t.entityType, t.entityId, t.createdAt),
    index('artifacts_initiative_idx').on(t.tenantId, t.initiativeId),
    // The list's order (newest first: the index read backwards).
    index('artifacts_list_idx').on(t.tenantId, t.createdAt, t.id),
    index('artifacts_search_tsv_idx').using('gin', t.searchTsv).with({ gin_pending_list_limit: GIN_PENDING_KB }),
    index('artifacts_search_trgm_idx').using('gin', t.searchText.op('gin_trgm_ops')).with({ gin_pending_list_limit: GIN_PENDING_KB }),
  ],
);
