// Wire schemas of workstreams: parallel lines of an initiative's work (docs/work-api-contract.md).
import { z } from 'zod';
import { alsoKnownAs } from '../platform/lenient-fields.ts';
import { EX, idList, longText, title, workspaceIdField } from './schemas.ts';
import { WORKSTREAM_STATUSES } from './transitions.ts';

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
    name: alsoKnownAs(title, 'title'),
    summary: alsoKnownAs(longText, 'description').nullable().optional(),
    depends_on: idList('workstreams of the same initiative', 50).optional(),
    workspace_id: workspaceIdField,
  })
  .meta({
    id: 'CreateWorkstreamRequest',
    example: { initiative_id: EX.initiative, name: 'Email sequence', depends_on: [EX.workstream] },
  });

export const updateWorkstreamBodySchema = z
  .object({
    name: alsoKnownAs(title, 'title').optional(),
    summary: alsoKnownAs(longText, 'description').nullable().optional(),
    depends_on: idList('workstreams of the same initiative (replaces the list)', 50).optional(),
    status: z.enum(WORKSTREAM_STATUSES).optional().describe('Performs the lifecycle action leading there (409 when none does)'),
  })
  .meta({ id: 'UpdateWorkstreamRequest', description: 'Absent fields are left unchanged.', example: { depends_on: [] } });
