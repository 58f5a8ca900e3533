// The event types the Work module writes (its part of the catalogue, see
// src/platform/event-catalogue.ts). Each carries the resource as the Work API shows it (snake_case)
// under its name — `{ task }`, `{ initiative, changed }` — plus what explains the change: the
// fields that `changed`, the lifecycle `action` and its `reason`, or the `cause` of a change the
// cascade made on its own. `decision.created`, `decision.resolved`, `artifact.shipped`,
// `agent.started`, `agent.completed` and `initiative.updated` are the types the OrgX contract
// names (docs/work-api-contract.md).
import { z } from 'zod';
import { eventType, exampleOf, type EventCatalogue } from '../platform/events.ts';
import { activitySchema, agentSchema, runSchema } from './agent-schemas.ts';
import { artifactSchema } from './artifact-schemas.ts';
import { decisionSchema } from './decision-schemas.ts';
import { DECISION_ACTIONS } from './decisions.ts';
import { initiativeSchema } from './initiative-schemas.ts';
import { milestoneSchema } from './milestone-schemas.ts';
import { RUN_ACTIONS } from './runs.ts';
import { taskSchema } from './task-schemas.ts';
import { INITIATIVE_ACTIONS, MILESTONE_ACTIONS, TASK_ACTIONS, WORKSTREAM_ACTIONS } from './transitions.ts';
import { workstreamSchema } from './workstream-schemas.ts';

const actionOf = <T extends Record<string, unknown>>(table: T) => z.enum(Object.keys(table) as [keyof T & string, ...(keyof T & string)[]]);

const initiative = exampleOf(initiativeSchema);
const workstream = exampleOf(workstreamSchema);
const milestone = exampleOf(milestoneSchema);
const task = exampleOf(taskSchema);
const decision = exampleOf(decisionSchema);
const artifact = exampleOf(artifactSchema);
const agent = exampleOf(agentSchema);
const run = exampleOf(runSchema);
const activity = exampleOf(activitySchema);
const AT = '2026-11-02T11:40:00.000Z';

/** The fields of the resource that changed, by their wire names. */
const changed = z.array(z.string()).min(1);
/** Why, when the caller said (a lifecycle action's `reason`). */
const reason = z.string().optional();

/** Changes the cascade makes to a task on its own, and the run that caused one. */
const taskCause = {
  cause: z
    .enum(['dispatch', 'auto_continue', 'run_completed'])
    .optional()
    .describe('dispatch: an agent was dispatched on it; auto_continue: the task before it was done; run_completed: its last open run completed'),
  run_id: z.uuid().optional().describe('With cause run_completed'),
};

const agentRun = z.strictObject({ agent: agentSchema, run: runSchema, action: actionOf(RUN_ACTIONS).optional(), reason });

export const workEvents = {
  'initiative.created': eventType({
    description: 'An initiative was created',
    data: z.strictObject({ initiative: initiativeSchema }),
    example: { initiative: { ...initiative, status: 'draft', progress: 0, tasks_total: 0, tasks_done: 0 } },
  }),
  'initiative.updated': eventType({
    description: "An initiative changed: its fields, its status (an action or the cascade) or its progress",
    data: z.strictObject({
      initiative: initiativeSchema,
      changed,
      action: actionOf(INITIATIVE_ACTIONS).optional(),
      reason,
      cause: z.enum(['work_started']).optional().describe('work_started: a draft became active because one of its tasks started (a task action or a dispatched run)'),
    }),
    example: { initiative, changed: ['progress'] },
  }),
  'initiative.deleted': eventType({
    description: 'An initiative was deleted with everything beneath it',
    data: z.strictObject({ initiative: initiativeSchema }),
    example: { initiative },
  }),
  'workstream.created': eventType({
    description: 'A workstream was created',
    data: z.strictObject({ workstream: workstreamSchema }),
    example: { workstream },
  }),
  'workstream.updated': eventType({
    description: 'A workstream changed: its fields, dependencies or status (an action, or the cascade)',
    data: z.strictObject({ workstream: workstreamSchema, changed, action: actionOf(WORKSTREAM_ACTIONS).optional(), reason }),
    example: { workstream: { ...workstream, status: 'ready', depends_on: [] }, changed: ['status'] },
  }),
  'workstream.deleted': eventType({
    description: 'A workstream was deleted with its milestones and tasks',
    data: z.strictObject({ workstream: workstreamSchema }),
    example: { workstream },
  }),
  'milestone.created': eventType({
    description: 'A milestone was created',
    data: z.strictObject({ milestone: milestoneSchema }),
    example: { milestone: { ...milestone, status: 'planned', progress: 0, tasks_total: 0, tasks_done: 0 } },
  }),
  'milestone.updated': eventType({
    description: 'A milestone changed: its fields or status (an action, or the cascade)',
    data: z.strictObject({ milestone: milestoneSchema, changed, action: actionOf(MILESTONE_ACTIONS).optional(), reason }),
    example: { milestone, changed: ['status'], action: 'start' },
  }),
  'milestone.deleted': eventType({
    description: 'A milestone was deleted; its tasks stay, without a milestone',
    data: z.strictObject({ milestone: milestoneSchema, unlinked_task_ids: z.array(z.uuid()) }),
    example: { milestone, unlinked_task_ids: [task.id] },
  }),
  'task.created': eventType({
    description: 'A task was created',
    data: z.strictObject({ task: taskSchema }),
    example: { task },
  }),
  'task.updated': eventType({
    description: 'A task changed: its fields, assignees or status (short of done)',
    data: z.strictObject({ task: taskSchema, changed, action: actionOf(TASK_ACTIONS).exclude(['complete']).optional(), reason, ...taskCause }),
    example: { task: { ...task, status: 'in_progress', started_at: AT }, changed: ['status'], action: 'start' },
  }),
  'task.completed': eventType({
    description: 'A task was done',
    data: z.strictObject({ task: taskSchema, action: z.literal('complete'), reason, ...taskCause }),
    example: { task: { ...task, status: 'done', progress: 100, started_at: AT, completed_at: AT }, action: 'complete' },
  }),
  'task.deleted': eventType({
    description: 'A task was deleted',
    data: z.strictObject({ task: taskSchema }),
    example: { task },
  }),
  'decision.created': eventType({
    description: 'A decision was requested',
    data: z.strictObject({ decision: decisionSchema }),
    example: { decision },
  }),
  'decision.updated': eventType({
    description: 'A pending decision was edited',
    data: z.strictObject({ decision: decisionSchema, changed }),
    example: { decision: { ...decision, urgency: 'critical' }, changed: ['urgency', 'due_at'] },
  }),
  'decision.resolved': eventType({
    description: 'A decision was approved, rejected, cancelled or superseded',
    data: z.strictObject({ decision: decisionSchema, action: actionOf(DECISION_ACTIONS) }),
    example: {
      decision: {
        ...decision,
        status: 'approved',
        chosen_option_id: 'a',
        resolved_by: { type: 'user', id: '0193b5d2-7c1a-7a3e-9f4e-2b1c3d4e5f61', name: 'mei.lin' },
        resolved_at: AT,
        updated_at: AT,
      },
      action: 'approve',
    },
  }),
  'artifact.created': eventType({
    description: 'An artifact was registered',
    data: z.strictObject({ artifact: artifactSchema }),
    example: { artifact },
  }),
  'artifact.shipped': eventType({
    description: 'An artifact was registered as approved (after its artifact.created)',
    data: z.strictObject({ artifact: artifactSchema }),
    example: { artifact: { ...artifact, status: 'approved' } },
  }),
  'agent.created': eventType({
    description: 'An agent was created',
    data: z.strictObject({ agent: agentSchema }),
    example: { agent: { ...agent, name: 'seo-agent', canonical: false, description: 'Search rankings and content audits' } },
  }),
  'agent.updated': eventType({
    description: 'An agent changed (its name, domain, description or status)',
    data: z.strictObject({ agent: agentSchema, changed }),
    example: { agent: { ...agent, status: 'disabled' }, changed: ['status'] },
  }),
  'agent.deleted': eventType({
    description: 'A custom agent was deleted',
    data: z.strictObject({ agent: agentSchema }),
    example: { agent: { ...agent, name: 'seo-agent', canonical: false } },
  }),
  'agent.started': eventType({
    description: 'An agent started a run (dispatched, or a queued run began)',
    data: agentRun,
    example: { agent, run },
  }),
  'agent.completed': eventType({
    description: 'An agent completed a run',
    data: agentRun,
    example: {
      agent,
      run: { ...run, status: 'completed', progress: 100, summary: 'Three variants drafted and reviewed', quality_score: 4, completed_at: AT },
      action: 'complete',
    },
  }),
  'agent.failed': eventType({
    description: 'An agent failed a run',
    data: agentRun,
    example: { agent, run: { ...run, status: 'failed', summary: 'The brand guide was missing', completed_at: AT }, action: 'fail', reason: 'No brand guide' },
  }),
  'run.created': eventType({
    description: 'A run was created: an agent dispatched on a task, or queued by auto-continue',
    data: z.strictObject({ run: runSchema }),
    example: { run },
  }),
  'run.updated': eventType({
    description: 'A run changed other than starting, completing or failing: progress, summary, blockers, blocked, cancelled',
    data: z.strictObject({ run: runSchema, changed, action: actionOf(RUN_ACTIONS).optional(), reason }),
    example: { run: { ...run, progress: 60 }, changed: ['progress'] },
  }),
  'run.activity': eventType({
    description: 'An agent reported activity on a run',
    data: z.strictObject({ activity: activitySchema }),
    example: { activity },
  }),
} satisfies EventCatalogue;
