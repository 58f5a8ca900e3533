// Milestones: checkpoints of an initiative or one of its workstreams.
import { z } from 'zod';
import { defineWorkspaceOperation } from '../../platform/operations.ts';
import { createMilestoneBodySchema, milestoneSchema, updateMilestoneBodySchema } from '../milestone-schemas.ts';
import { actOnMilestone, createMilestone, deleteMilestone, getMilestone, listMilestones, updateMilestone } from '../milestones.ts';
import { actionBodySchema, deletedSchema, idParams, okData, okList, workPageQuery, workspaceQuery } from '../schemas.ts';
import { describeTable, MILESTONE_ACTIONS, MILESTONE_STATUSES, type MilestoneAction } from '../transitions.ts';
import { listEnvelope, statusesOf, statusFilter } from './common.ts';

const tags = ['Work: Milestones'];
const params = idParams('milestoneId', 'milestone');
const actionParams = params.extend({ action: z.enum(Object.keys(MILESTONE_ACTIONS) as [MilestoneAction, ...MilestoneAction[]]) });
const one = okData(milestoneSchema);

export const listMilestonesOperation = defineWorkspaceOperation({
  id: 'listMilestones',
  method: 'GET',
  path: '/milestones',
  permission: 'initiatives:read',
  tags,
  summary: 'List milestones',
  description: 'Oldest first.',
  input: {
    query: workspaceQuery.extend({
      ...workPageQuery,
      initiative_id: z.string().max(100).optional().describe('Only this initiative’s'),
      workstream_id: z.string().max(100).optional().describe('Only this workstream’s'),
      status: statusFilter(MILESTONE_STATUSES),
    }),
  },
  output: okList(milestoneSchema),
  async run(ctx, { query }) {
    const { items, total } = await listMilestones(ctx, ctx.workspaceId, { ...query, status: statusesOf(query.status) });
    return listEnvelope(items, total, query);
  },
});

export const createMilestoneOperation = defineWorkspaceOperation({
  id: 'createMilestone',
  method: 'POST',
  path: '/milestones',
  permission: 'initiatives:write',
  tags,
  summary: 'Create a milestone',
  description:
    'In an initiative (`initiative_id`), optionally within one of its workstreams (`workstream_id`; the initiative is then implied). A workstream of another initiative than `initiative_id` is a 400. 409 when the initiative or workstream takes no new work. Writes `milestone.created`.',
  input: { query: workspaceQuery, body: createMilestoneBodySchema },
  output: one,
  status: 201,
  errors: { 409: 'The initiative or workstream takes no new work' },
  run: async (ctx, { body }) => ({ ok: true as const, data: await createMilestone(ctx, ctx.workspaceId, body) }),
});

export const getMilestoneOperation = defineWorkspaceOperation({
  id: 'getMilestone',
  method: 'GET',
  path: '/milestones/:milestoneId',
  permission: 'initiatives:read',
  tags,
  summary: 'Get a milestone',
  input: { params, query: workspaceQuery },
  output: one,
  run: async (ctx, { params }) => ({ ok: true as const, data: await getMilestone(ctx, ctx.workspaceId, params.milestoneId) }),
});

export const updateMilestoneOperation = defineWorkspaceOperation({
  id: 'updateMilestone',
  method: 'PATCH',
  path: '/milestones/:milestoneId',
  permission: 'initiatives:write',
  tags,
  summary: 'Edit a milestone',
  description: 'A `status` performs the lifecycle action leading there; 409 when none does.',
  input: { params, query: workspaceQuery, body: updateMilestoneBodySchema },
  output: one,
  errors: { 409: 'No lifecycle action leads from the current status to the one requested' },
  run: async (ctx, { params, body }) => ({ ok: true as const, data: await updateMilestone(ctx, ctx.workspaceId, params.milestoneId, body) }),
});

export const deleteMilestoneOperation = defineWorkspaceOperation({
  id: 'deleteMilestone',
  method: 'DELETE',
  path: '/milestones/:milestoneId',
  permission: 'initiatives:write',
  tags,
  summary: 'Delete a milestone',
  description: 'Its tasks stay, without a milestone.',
  input: { params, query: workspaceQuery },
  output: okData(deletedSchema),
  run: async (ctx, { params }) => ({ ok: true as const, data: await deleteMilestone(ctx, ctx.workspaceId, params.milestoneId) }),
});

/**
 * One REST route serves the whole lifecycle (`/actions/start` …); the service names each verb
 * (startMilestone, completeMilestone, … in milestones.ts).
 */
export const actOnMilestoneOperation = defineWorkspaceOperation({
  id: 'actOnMilestone',
  method: 'POST',
  path: '/milestones/:milestoneId/actions/:action',
  permission: 'initiatives:write',
  tags,
  summary: 'Move a milestone through its lifecycle',
  description: `Actions (current status → new status):\n\n${describeTable(MILESTONE_ACTIONS)}\n\n\`complete\` needs every task done (409 otherwise); a milestone also completes by itself when its last task is done, and goes in progress when one of its tasks starts. Writes \`milestone.updated\`.`,
  input: { params: actionParams, query: workspaceQuery, body: actionBodySchema.nullish() },
  output: one,
  errors: { 409: 'The action is not allowed from the current status' },
  run: async (ctx, { params, body }) => ({
    ok: true as const,
    data: await actOnMilestone(ctx, ctx.workspaceId, params.milestoneId, params.action, body?.reason),
  }),
});

export const milestoneOperations = [
  listMilestonesOperation,
  createMilestoneOperation,
  getMilestoneOperation,
  updateMilestoneOperation,
  deleteMilestoneOperation,
  actOnMilestoneOperation,
];
