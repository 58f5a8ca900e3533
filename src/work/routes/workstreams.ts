// Workstreams: parallel lines of an initiative's work, ordered by their dependencies.
import { z } from 'zod';
import { defineWorkspaceOperation } from '../../platform/operations.ts';
import { actionBodySchema, deletedSchema, idParams, okData, okList, workPageQuery, workspaceQuery } from '../schemas.ts';
import { describeTable, WORKSTREAM_ACTIONS, WORKSTREAM_STATUSES, type WorkstreamAction } from '../transitions.ts';
import { createWorkstreamBodySchema, updateWorkstreamBodySchema, workstreamSchema } from '../workstream-schemas.ts';
import { actOnWorkstream, createWorkstream, deleteWorkstream, getWorkstream, listWorkstreams, updateWorkstream } from '../workstreams.ts';
import { listEnvelope, statusesOf, statusFilter } from './common.ts';

const tags = ['Work: Workstreams'];
const params = idParams('workstreamId', 'workstream');
const actionParams = params.extend({ action: z.enum(Object.keys(WORKSTREAM_ACTIONS) as [WorkstreamAction, ...WorkstreamAction[]]) });
const one = okData(workstreamSchema);

export const listWorkstreamsOperation = defineWorkspaceOperation({
  id: 'listWorkstreams',
  method: 'GET',
  path: '/workstreams',
  permission: 'initiatives:read',
  tags,
  summary: 'List workstreams',
  description: 'Oldest first.',
  input: {
    query: workspaceQuery.extend({
      ...workPageQuery,
      initiative_id: z.string().max(100).optional().describe('Only this initiative’s'),
      status: statusFilter(WORKSTREAM_STATUSES),
    }),
  },
  output: okList(workstreamSchema),
  async run(ctx, { query }) {
    const { items, total } = await listWorkstreams(ctx, ctx.workspaceId, { ...query, status: statusesOf(query.status) });
    return listEnvelope(items, total, query);
  },
});

export const createWorkstreamOperation = defineWorkspaceOperation({
  id: 'createWorkstream',
  method: 'POST',
  path: '/workstreams',
  permission: 'initiatives:write',
  tags,
  summary: 'Create a workstream in an initiative',
  description:
    '`pending` while a workstream it depends on is not completed, else `ready`. Dependencies must be workstreams of the same initiative (400) and form no cycle. 409 when the initiative is completed, archived or cancelled. Writes `workstream.created`.',
  input: { query: workspaceQuery, body: createWorkstreamBodySchema },
  output: one,
  status: 201,
  errors: { 409: 'The initiative takes no new work' },
  run: async (ctx, { body }) => ({ ok: true as const, data: await createWorkstream(ctx, ctx.workspaceId, body) }),
});

export const getWorkstreamOperation = defineWorkspaceOperation({
  id: 'getWorkstream',
  method: 'GET',
  path: '/workstreams/:workstreamId',
  permission: 'initiatives:read',
  tags,
  summary: 'Get a workstream',
  input: { params, query: workspaceQuery },
  output: one,
  run: async (ctx, { params }) => ({ ok: true as const, data: await getWorkstream(ctx, ctx.workspaceId, params.workstreamId) }),
});

export const updateWorkstreamOperation = defineWorkspaceOperation({
  id: 'updateWorkstream',
  method: 'PATCH',
  path: '/workstreams/:workstreamId',
  permission: 'initiatives:write',
  tags,
  summary: 'Edit a workstream',
  description:
    'A new `depends_on` replaces the list (same initiative, not itself, no cycle: else 400) and re-evaluates pending/ready. A `status` performs the lifecycle action leading there; 409 when none does.',
  input: { params, query: workspaceQuery, body: updateWorkstreamBodySchema },
  output: one,
  errors: { 409: 'No lifecycle action leads from the current status to the one requested' },
  run: async (ctx, { params, body }) => ({ ok: true as const, data: await updateWorkstream(ctx, ctx.workspaceId, params.workstreamId, body) }),
});

export const deleteWorkstreamOperation = defineWorkspaceOperation({
  id: 'deleteWorkstream',
  method: 'DELETE',
  path: '/workstreams/:workstreamId',
  permission: 'initiatives:write',
  tags,
  summary: 'Delete a workstream with its milestones and tasks',
  description: 'Workstreams that depended on it are re-evaluated; the initiative’s progress is recounted.',
  input: { params, query: workspaceQuery },
  output: okData(deletedSchema),
  run: async (ctx, { params }) => ({ ok: true as const, data: await deleteWorkstream(ctx, ctx.workspaceId, params.workstreamId) }),
});

/**
 * One REST route serves the whole lifecycle (`/actions/start` …); the service names each verb
 * (startWorkstream, pauseWorkstream, … in workstreams.ts).
 */
export const actOnWorkstreamOperation = defineWorkspaceOperation({
  id: 'actOnWorkstream',
  method: 'POST',
  path: '/workstreams/:workstreamId/actions/:action',
  permission: 'initiatives:write',
  tags,
  summary: 'Move a workstream through its lifecycle',
  description: `Actions (current status → new status):\n\n${describeTable(WORKSTREAM_ACTIONS)}\n\n\`complete\` needs every task done (409 otherwise); a workstream also completes by itself when its last task is done, and becomes active when one of its tasks starts. \`pending\`/\`ready\` follow its dependencies. Writes \`workstream.updated\`.`,
  input: { params: actionParams, query: workspaceQuery, body: actionBodySchema.nullish() },
  output: one,
  errors: { 409: 'The action is not allowed from the current status' },
  run: async (ctx, { params, body }) => ({
    ok: true as const,
    data: await actOnWorkstream(ctx, ctx.workspaceId, params.workstreamId, params.action, body?.reason),
  }),
});

export const workstreamOperations = [
  listWorkstreamsOperation,
  createWorkstreamOperation,
  getWorkstreamOperation,
  updateWorkstreamOperation,
  deleteWorkstreamOperation,
  actOnWorkstreamOperation,
];
