// Wire schemas of the Work API's own resources (work-api.md §2–§3): snake_case, the
// `{ ok, data }` envelope, lists with `total` and `pagination`. Request objects are not strict:
// clients of this contract send extra fields, which are ignored. The routes validate with these
// and the OpenAPI document is generated from them.
import { z } from 'zod';
import { paginationSchema } from '../platform/pagination.ts';
import { INITIATIVE_STATUSES, MILESTONE_STATUSES, PRIORITIES, TASK_STATUSES, WORKSTREAM_STATUSES } from './transitions.ts';

const EX = {
  workspace: '0193b5d2-7c1a-7a3e-9f4e-2b1c3d4e5f60',
  initiative: '0193b5d3-1000-7a00-8000-000000000001',
  workstream: '0193b5d3-2000-7a00-8000-000000000002',
  workstream2: '0193b5d3-2000-7a00-8000-000000000003',
  milestone: '0193b5d3-3000-7a00-8000-000000000004',
  task: '0193b5d3-4000-7a00-8000-000000000005',
  task2: '0193b5d3-4000-7a00-8000-000000000006',
  agent: '0193b5d3-5000-7a00-8000-000000000007',
  at: '2026-11-02T10:15:00.000Z',
};

// ---- Conventions ----

export const workspaceIdField = z
  .string()
  .max(100)
  .optional()
  .describe('Platform credentials only: the workspace (tenant id) to act in; others act in their own and may omit it');

/** Query parameters every Work route accepts. */
export const workspaceQuery = z.object({ workspace_id: workspaceIdField });

/** `limit`/`offset` of /api/client lists: default 50, 1–200; anything else is a 400. */
export const workPageQuery = {
  limit: z.coerce.number().int().min(1).max(200).default(50).describe('Page size, 1–200 (default 50)'),
  offset: z.coerce.number().int().min(0).default(0).describe('Items to skip (default 0); the next page is offset + limit'),
};

export const okData = <T extends z.ZodType>(data: T) => z.object({ ok: z.literal(true), data });
export const okList = <T extends z.ZodType>(item: T) =>
  z.object({ ok: z.literal(true), data: z.array(item), total: z.number().int(), pagination: paginationSchema });

export const idParams = <K extends string>(name: K, what: string) => z.object({ [name]: z.uuid().describe(`The ${what} id`) } as { [P in K]: z.ZodUUID });

const title = z.string().trim().min(1, 'Must not be empty').max(300, 'Must be at most 300 characters');
const longText = z.string().max(20000, 'Must be at most 20,000 characters');
const isoDate = z.iso.date('Must be a date like 2026-12-31');
const idList = (what: string, max: number) =>
  z
    .array(z.string().max(100))
    .max(max, `At most ${max}`)
    .describe(`Ids of ${what}`);

export const deletedSchema = z.object({ id: z.uuid(), deleted: z.literal(true) }).meta({ id: 'Deleted' });

export const actionBodySchema = z
  .object({
    reason: z.string().max(2000).optional().describe('Why (kept in the event)'),
    workspace_id: workspaceIdField,
  })
  .meta({ id: 'WorkActionRequest', example: { reason: 'Waiting for the vendor contract' } });

// ---- Initiative ----

export const initiativeSchema = z
  .object({
    id: z.uuid(),
    title: z.string(),
    summary: z.string().nullable(),
    status: z.enum(INITIATIVE_STATUSES),
    priority: z.enum(PRIORITIES),
    progress: z.number().int().min(0).max(100).describe('Done tasks beneath it ÷ all tasks beneath it, 0–100, rounded down (0 with no tasks)'),
    target_date: z.iso.date().nullable(),
    tasks_total: z.number().int(),
    tasks_done: z.number().int(),
    completed_at: z.iso.datetime().nullable(),
    created_at: z.iso.datetime(),
    updated_at: z.iso.datetime(),
  })
  .meta({
    id: 'Initiative',
    example: {
      id: EX.initiative,
      title: 'Launch the spring campaign',
      summary: 'Landing page, emails and ads for the March launch',
      status: 'active',
      priority: 'high',
      progress: 40,
      target_date: '2026-03-01',
      tasks_total: 5,
      tasks_done: 2,
      completed_at: null,
      created_at: EX.at,
      updated_at: EX.at,
    },
  });

export const createInitiativeBodySchema = z
  .object({
    title,
    summary: longText.nullable().optional(),
    priority: z.enum(PRIORITIES).optional().describe('Default medium'),
    status: z.enum(['draft', 'active']).optional().describe('Default draft; active launches it at once'),
    target_date: isoDate.nullable().optional(),
    workspace_id: workspaceIdField,
  })
  .meta({
    id: 'CreateInitiativeRequest',
    example: { title: 'Launch the spring campaign', summary: 'Landing page, emails and ads for the March launch', priority: 'high', target_date: '2026-03-01' },
  });

export const updateInitiativeBodySchema = z
  .object({
    title: title.optional(),
    summary: longText.nullable().optional(),
    priority: z.enum(PRIORITIES).optional(),
    target_date: isoDate.nullable().optional(),
    status: z.enum(INITIATIVE_STATUSES).optional().describe('Performs the lifecycle action leading there (409 when none does)'),
  })
  .meta({
    id: 'UpdateInitiativeRequest',
    description: 'Absent fields are left unchanged; null clears a nullable field.',
    example: { priority: 'medium', status: 'at_risk' },
  });

// ---- Workstream ----

export const workstreamSchema = z
  .object({
    id: z.uuid(),
    initiative_id: z.uuid(),
    name: z.string(),
    summary: z.string().nullable(),
    status: z.enum(WORKSTREAM_STATUSES),
    progress: z.number().int().min(0).max(100),
    depends_on: z.array(z.uuid()).describe('Workstreams that must be completed before this one is ready'),
    tasks_total: z.number().int(),
    tasks_done: z.number().int(),
    started_at: z.iso.datetime().nullable(),
    completed_at: z.iso.datetime().nullable(),
    created_at: z.iso.datetime(),
    updated_at: z.iso.datetime(),
  })
  .meta({
    id: 'Workstream',
    example: {
      id: EX.workstream2,
      initiative_id: EX.initiative,
      name: 'Email sequence',
      summary: null,
      status: 'pending',
      progress: 0,
      depends_on: [EX.workstream],
      tasks_total: 2,
      tasks_done: 0,
      started_at: null,
      completed_at: null,
      created_at: EX.at,
      updated_at: EX.at,
    },
  });

export const createWorkstreamBodySchema = z
  .object({
    initiative_id: z.string().max(100),
    name: title,
    summary: longText.nullable().optional(),
    depends_on: idList('workstreams of the same initiative', 50).optional(),
    workspace_id: workspaceIdField,
  })
  .meta({
    id: 'CreateWorkstreamRequest',
    example: { initiative_id: EX.initiative, name: 'Email sequence', depends_on: [EX.workstream] },
  });

export const updateWorkstreamBodySchema = z
  .object({
    name: title.optional(),
    summary: longText.nullable().optional(),
    depends_on: idList('workstreams of the same initiative (replaces the list)', 50).optional(),
    status: z.enum(WORKSTREAM_STATUSES).optional().describe('Performs the lifecycle action leading there (409 when none does)'),
  })
  .meta({ id: 'UpdateWorkstreamRequest', description: 'Absent fields are left unchanged.', example: { depends_on: [] } });

// ---- Milestone ----

export const milestoneSchema = z
  .object({
    id: z.uuid(),
    initiative_id: z.uuid(),
    workstream_id: z.uuid().nullable(),
    title: z.string(),
    description: z.string().nullable(),
    status: z.enum(MILESTONE_STATUSES),
    progress: z.number().int().min(0).max(100),
    due_date: z.iso.date().nullable(),
    tasks_total: z.number().int(),
    tasks_done: z.number().int(),
    completed_at: z.iso.datetime().nullable(),
    created_at: z.iso.datetime(),
    updated_at: z.iso.datetime(),
  })
  .meta({
    id: 'Milestone',
    example: {
      id: EX.milestone,
      initiative_id: EX.initiative,
      workstream_id: EX.workstream,
      title: 'Landing page live',
      description: null,
      status: 'in_progress',
      progress: 50,
      due_date: '2026-02-15',
      tasks_total: 2,
      tasks_done: 1,
      completed_at: null,
      created_at: EX.at,
      updated_at: EX.at,
    },
  });

export const createMilestoneBodySchema = z
  .object({
    initiative_id: z.string().max(100).optional().describe('Required unless workstream_id is given (then it is that workstream’s)'),
    workstream_id: z.string().max(100).nullable().optional().describe('A workstream of the same initiative, or none for a milestone of the whole initiative'),
    title,
    description: longText.nullable().optional(),
    due_date: isoDate.nullable().optional(),
    workspace_id: workspaceIdField,
  })
  .meta({ id: 'CreateMilestoneRequest', example: { workstream_id: EX.workstream, title: 'Landing page live', due_date: '2026-02-15' } });

export const updateMilestoneBodySchema = z
  .object({
    title: title.optional(),
    description: longText.nullable().optional(),
    due_date: isoDate.nullable().optional(),
    status: z.enum(MILESTONE_STATUSES).optional().describe('Performs the lifecycle action leading there (409 when none does)'),
  })
  .meta({ id: 'UpdateMilestoneRequest', description: 'Absent fields are left unchanged; null clears a nullable field.', example: { due_date: '2026-02-20' } });

// ---- Task ----

export const taskSchema = z
  .object({
    id: z.uuid(),
    initiative_id: z.uuid(),
    workstream_id: z.uuid(),
    milestone_id: z.uuid().nullable(),
    title: z.string(),
    description: z.string().nullable(),
    status: z.enum(TASK_STATUSES),
    priority: z.enum(PRIORITIES),
    sequence: z.number().int().describe('Order in its workstream: auto-continue starts the queued task with the lowest'),
    progress: z.number().int().describe('100 when done, else 0'),
    depends_on: z.array(z.uuid()).describe('Tasks that must be done before this one is queued'),
    assigned_agent_ids: z.array(z.uuid()),
    due_date: z.iso.date().nullable(),
    started_at: z.iso.datetime().nullable(),
    completed_at: z.iso.datetime().nullable(),
    created_at: z.iso.datetime(),
    updated_at: z.iso.datetime(),
  })
  .meta({
    id: 'Task',
    example: {
      id: EX.task2,
      initiative_id: EX.initiative,
      workstream_id: EX.workstream,
      milestone_id: EX.milestone,
      title: 'Write the landing page copy',
      description: 'Three variants, one per audience',
      status: 'todo',
      priority: 'high',
      sequence: 2,
      progress: 0,
      depends_on: [EX.task],
      assigned_agent_ids: [EX.agent],
      due_date: '2026-02-10',
      started_at: null,
      completed_at: null,
      created_at: EX.at,
      updated_at: EX.at,
    },
  });

const agentRefs = z
  .array(z.string().max(100))
  .max(20, 'At most 20')
  .describe('Agent ids, or agent names such as engineering-agent');

export const createTaskBodySchema = z
  .object({
    workstream_id: z.string().max(100).optional().describe("Required unless milestone_id names a milestone of a workstream (then it is that milestone's)"),
    initiative_id: z.string().max(100).optional().describe('Optional; must match the workstream’s initiative when given'),
    milestone_id: z.string().max(100).nullable().optional().describe('A milestone of the same initiative (and of the same workstream when the milestone has one)'),
    title,
    description: longText.nullable().optional(),
    priority: z.enum(PRIORITIES).optional().describe('Default medium'),
    sequence: z.number().int().min(0).max(1_000_000).optional().describe('Default: after the last task of the workstream'),
    depends_on: idList('tasks of the same initiative', 100).optional(),
    assigned_agent_ids: agentRefs.optional(),
    due_date: isoDate.nullable().optional(),
    workspace_id: workspaceIdField,
  })
  .meta({
    id: 'CreateTaskRequest',
    example: {
      workstream_id: EX.workstream,
      milestone_id: EX.milestone,
      title: 'Write the landing page copy',
      priority: 'high',
      depends_on: [EX.task],
      assigned_agent_ids: ['marketing-agent'],
    },
  });

export const updateTaskBodySchema = z
  .object({
    title: title.optional(),
    description: longText.nullable().optional(),
    priority: z.enum(PRIORITIES).optional(),
    sequence: z.number().int().min(0).max(1_000_000).optional(),
    workstream_id: z.string().max(100).optional().describe('Move to another workstream of the same initiative'),
    milestone_id: z.string().max(100).nullable().optional(),
    depends_on: idList('tasks of the same initiative (replaces the list)', 100).optional(),
    assigned_agent_ids: agentRefs.optional().describe('Replaces the list'),
    due_date: isoDate.nullable().optional(),
    status: z.enum(TASK_STATUSES).optional().describe('Performs the lifecycle action leading there (409 when none does)'),
  })
  .meta({ id: 'UpdateTaskRequest', description: 'Absent fields are left unchanged; null clears a nullable field.', example: { status: 'in_progress' } });

// ---- Decision ----

const DECISION_TYPES = ['approval', 'escalation', 'clarification', 'conflict'] as const;
export const URGENCIES = ['low', 'medium', 'high', 'critical'] as const;
export const DECISION_STATUSES = ['pending', 'approved', 'rejected', 'superseded', 'cancelled'] as const;

const actorSchema = z.object({
  type: z.enum(['agent', 'user', 'key']),
  id: z.string().nullable(),
  name: z.string().nullable(),
});

const decisionOptionSchema = z.object({ id: z.string(), label: z.string(), description: z.string().nullable() });

export const decisionSchema = z
  .object({
    id: z.uuid(),
    title: z.string(),
    summary: z.string().nullable(),
    type: z.enum(DECISION_TYPES),
    urgency: z.enum(URGENCIES),
    status: z.enum(DECISION_STATUSES),
    options: z.array(decisionOptionSchema),
    chosen_option_id: z.string().nullable(),
    resolution_note: z.string().nullable(),
    initiative_id: z.uuid().nullable(),
    task_id: z.uuid().nullable(),
    run_id: z.uuid().nullable(),
    requested_by: actorSchema,
    resolved_by: actorSchema.nullable(),
    due_at: z.iso.datetime().describe('The SLA: created_at + 72h (low), 24h (medium), 4h (high), 1h (critical)'),
    resolved_at: z.iso.datetime().nullable(),
    created_at: z.iso.datetime(),
    updated_at: z.iso.datetime(),
  })
  .meta({
    id: 'Decision',
    example: {
      id: '0193b5d3-6000-7a00-8000-000000000008',
      title: 'Which headline goes live?',
      summary: 'Two variants tested equally well',
      type: 'approval',
      urgency: 'high',
      status: 'pending',
      options: [
        { id: 'a', label: 'Smile brighter', description: null },
        { id: 'b', label: 'Your neighbourhood dentist', description: 'Local angle' },
      ],
      chosen_option_id: null,
      resolution_note: null,
      initiative_id: EX.initiative,
      task_id: EX.task,
      run_id: null,
      requested_by: { type: 'agent', id: EX.agent, name: 'marketing-agent' },
      resolved_by: null,
      due_at: '2026-11-02T14:15:00.000Z',
      resolved_at: null,
      created_at: EX.at,
      updated_at: EX.at,
    },
  });

const optionInput = z.object({
  id: z.string().trim().min(1).max(100).optional().describe('Default opt_1, opt_2, … in order'),
  label: z.string().trim().min(1, 'Must not be empty').max(300),
  description: z.string().max(2000).nullable().optional(),
});

export const createDecisionBodySchema = z
  .object({
    title,
    summary: longText.nullable().optional(),
    type: z.enum(DECISION_TYPES).optional().describe('Default approval'),
    urgency: z.enum(URGENCIES).optional().describe('Default medium; sets due_at'),
    options: z.array(optionInput).max(10, 'At most 10').optional(),
    initiative_id: z.string().max(100).optional(),
    task_id: z.string().max(100).optional().describe('Its initiative is implied (and must match initiative_id when both are given)'),
    run_id: z.string().max(100).optional().describe('Its task and initiative are implied'),
    agent_id: z.string().max(100).optional().describe('The agent asking (id or name): requested_by is then that agent, else the caller'),
    workspace_id: workspaceIdField,
  })
  .meta({
    id: 'CreateDecisionRequest',
    example: {
      title: 'Which headline goes live?',
      urgency: 'high',
      options: [{ id: 'a', label: 'Smile brighter' }, { id: 'b', label: 'Your neighbourhood dentist' }],
      task_id: EX.task,
      agent_id: 'marketing-agent',
    },
  });

export const updateDecisionBodySchema = z
  .object({
    title: title.optional(),
    summary: longText.nullable().optional(),
    urgency: z.enum(URGENCIES).optional().describe('Moves due_at to created_at + the new SLA'),
  })
  .meta({ id: 'UpdateDecisionRequest', description: 'Only while pending (409 after). Absent fields are left unchanged.', example: { urgency: 'critical' } });

export const decisionActionBodySchema = z
  .object({
    option_id: z.string().max(100).optional().describe('approve: the option chosen (one of the decision’s options)'),
    note: z.string().max(5000).optional().describe('approve, cancel, supersede: kept as resolution_note'),
    reason: z.string().max(5000).optional().describe('reject: required, kept as resolution_note'),
    workspace_id: workspaceIdField,
  })
  .meta({ id: 'DecisionActionRequest', example: { option_id: 'a', note: 'Go with the brighter one' } });
