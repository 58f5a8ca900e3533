// Wire schemas of initiatives, the top of the work hierarchy (docs/work-api-contract.md).
import { z } from 'zod';
import { alsoKnownAs } from '../platform/lenient-fields.ts';
import { EX, isoDate, longText, title, workspaceIdField } from './schemas.ts';
import { INITIATIVE_STATUSES, PRIORITIES } from './transitions.ts';

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
    title: alsoKnownAs(title, 'name'),
    summary: alsoKnownAs(longText, 'description').nullable().optional(),
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
    title: alsoKnownAs(title, 'name').optional(),
    summary: alsoKnownAs(longText, 'description').nullable().optional(),
    priority: z.enum(PRIORITIES).optional(),
    target_date: isoDate.nullable().optional(),
    status: z.enum(INITIATIVE_STATUSES).optional().describe('Performs the lifecycle action leading there (409 when none does)'),
  })
  .meta({
    id: 'UpdateInitiativeRequest',
    description: 'Absent fields are left unchanged; null clears a nullable field.',
    example: { priority: 'medium', status: 'at_risk' },
  });
