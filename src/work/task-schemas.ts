// Wire schemas of tasks: the units of work (docs/work-api-contract.md).
import { z } from 'zod';
import { alsoKnownAs } from '../platform/lenient-fields.ts';
import { EX, idList, isoDate, longText, title, workspaceIdField } from './schemas.ts';
import { PRIORITIES, TASK_STATUSES } from './transitions.ts';

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
    title: alsoKnownAs(title, 'name'),
    description: alsoKnownAs(longText, 'summary').nullable().optional(),
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
    title: alsoKnownAs(title, 'name').optional(),
    description: alsoKnownAs(longText, 'summary').nullable().optional(),
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
