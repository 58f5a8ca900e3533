// Wire schemas of milestones: checkpoints of an initiative or one of its workstreams
// (docs/work-api-contract.md).
import { z } from 'zod';
import { alsoKnownAs } from '../platform/lenient-fields.ts';
import { EX, isoDate, longText, title, workspaceIdField } from './schemas.ts';
import { MILESTONE_STATUSES } from './transitions.ts';

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
    title: alsoKnownAs(title, 'name'),
    description: alsoKnownAs(longText, 'summary').nullable().optional(),
    due_date: isoDate.nullable().optional(),
    workspace_id: workspaceIdField,
  })
  .meta({ id: 'CreateMilestoneRequest', example: { workstream_id: EX.workstream, title: 'Landing page live', due_date: '2026-02-15' } });

export const updateMilestoneBodySchema = z
  .object({
    title: alsoKnownAs(title, 'name').optional(),
    description: alsoKnownAs(longText, 'summary').nullable().optional(),
    due_date: isoDate.nullable().optional(),
    status: z.enum(MILESTONE_STATUSES).optional().describe('Performs the lifecycle action leading there (409 when none does)'),
  })
  .meta({ id: 'UpdateMilestoneRequest', description: 'Absent fields are left unchanged; null clears a nullable field.', example: { due_date: '2026-02-20' } });
