// Wire schemas of decisions: approval points agents raise and people resolve
// (docs/work-api-contract.md).
import { z } from 'zod';
import { EX, longText, title, workspaceIdField } from './schemas.ts';

const DECISION_TYPES = ['approval', 'escalation', 'clarification', 'conflict'] as const;
export const URGENCIES = ['low', 'medium', 'high', 'critical'] as const;
export const DECISION_STATUSES = ['pending', 'approved', 'rejected', 'superseded', 'cancelled'] as const;

const actorSchema = z.object({
  type: z.enum(['agent', 'user', 'key']),
  id: z.string().nullable(),
  name: z.string().nullable(),
  key_name: z.string().nullable().optional().describe("Keys only: the key's own name, for people to read (null when it has none or is not this workspace's)"),
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
