// Initiatives: the top of the work hierarchy.
import { z } from 'zod';
import { defineWorkspaceOperation } from '../../platform/operations.ts';
import { createInitiativeBodySchema, initiativeSchema, updateInitiativeBodySchema } from '../initiative-schemas.ts';
import { actOnInitiative, createInitiative, deleteInitiative, getInitiative, listInitiatives, updateInitiative } from '../initiatives.ts';
import { actionBodySchema, deletedSchema, idParams, okData, okList, workPageQuery, workspaceQuery } from '../schemas.ts';
import { describeTable, INITIATIVE_ACTIONS, INITIATIVE_STATUSES, type InitiativeAction } from '../transitions.ts';
import { listEnvelope, statusesOf, statusFilter } from './common.ts';

const tags = ['Work: Initiatives'];
const params = idParams('initiativeId', 'initiative');
const actionParams = params.extend({ action: z.enum(Object.keys(INITIATIVE_ACTIONS) as [InitiativeAction, ...InitiativeAction[]]) });
const one = okData(initiativeSchema);

export const listInitiativesOperation = defineWorkspaceOperation({
  id: 'listInitiatives',
  method: 'GET',
  path: '/initiatives',
  permission: 'initiatives:read',
  tags,
  summary: 'List initiatives',
  description: 'Newest first, every status unless filtered.',
  input: { query: workspaceQuery.extend({ ...workPageQuery, status: statusFilter(INITIATIVE_STATUSES) }) },
  output: okList(initiativeSchema),
  async run(ctx, { query }) {
    const { items, total } = await listInitiatives(ctx, ctx.workspaceId, { ...query, status: statusesOf(query.status) });
    return listEnvelope(items, total, query);
  },
});

export const createInitiativeOperation = defineWorkspaceOperation({
  id: 'createInitiative',
  method: 'POST',
  path: '/initiatives',
  permission: 'initiatives:write',
  tags,
  summary: 'Create an initiative',
  description: 'A draft unless `status: "active"`. Writes `initiative.created`.',
  input: { query: workspaceQuery, body: createInitiativeBodySchema },
  output: one,
  status: 201,
  run: async (ctx, { body }) => ({ ok: true as const, data: await createInitiative(ctx, ctx.workspaceId, body) }),
});

export const getInitiativeOperation = defineWorkspaceOperation({
  id: 'getInitiative',
  method: 'GET',
  path: '/initiatives/:initiativeId',
  permission: 'initiatives:read',
  tags,
  summary: 'Get an initiative',
  input: { params, query: workspaceQuery },
  output: one,
  run: async (ctx, { params }) => ({ ok: true as const, data: await getInitiative(ctx, ctx.workspaceId, params.initiativeId) }),
});

export const updateInitiativeOperation = defineWorkspaceOperation({
  id: 'updateInitiative',
  method: 'PATCH',
  path: '/initiatives/:initiativeId',
  permission: 'initiatives:write',
  tags,
  summary: 'Edit an initiative',
  description: 'A `status` performs the lifecycle action that leads there (see the actions operation); 409 when none does from the current status.',
  input: { params, query: workspaceQuery, body: updateInitiativeBodySchema },
  output: one,
  errors: { 409: 'No lifecycle action leads from the current status to the one requested' },
  run: async (ctx, { params, body }) => ({ ok: true as const, data: await updateInitiative(ctx, ctx.workspaceId, params.initiativeId, body) }),
});

export const deleteInitiativeOperation = defineWorkspaceOperation({
  id: 'deleteInitiative',
  method: 'DELETE',
  path: '/initiatives/:initiativeId',
  permission: 'initiatives:write',
  tags,
  summary: 'Delete an initiative and everything beneath it',
  description: 'Deletes its workstreams, milestones, tasks, runs and artifacts. Decisions linked to them stay, with the links cleared.',
  input: { params, query: workspaceQuery },
  output: okData(deletedSchema),
  run: async (ctx, { params }) => ({ ok: true as const, data: await deleteInitiative(ctx, ctx.workspaceId, params.initiativeId) }),
});

/**
 * One REST route serves the whole lifecycle (`/actions/launch` …); the service names each verb
 * (launchInitiative, pauseInitiative, … in initiatives.ts).
 */
export const actOnInitiativeOperation = defineWorkspaceOperation({
  id: 'actOnInitiative',
  method: 'POST',
  path: '/initiatives/:initiativeId/actions/:action',
  permission: 'initiatives:write',
  tags,
  summary: 'Move an initiative through its lifecycle',
  description: `Actions (current status → new status):\n\n${describeTable(INITIATIVE_ACTIONS)}\n\nAn initiative also completes by itself when all its workstreams are completed. Writes \`initiative.updated\`.`,
  input: { params: actionParams, query: workspaceQuery, body: actionBodySchema.nullish() },
  output: one,
  errors: { 409: 'The action is not allowed from the current status' },
  run: async (ctx, { params, body }) => ({
    ok: true as const,
    data: await actOnInitiative(ctx, ctx.workspaceId, params.initiativeId, params.action, body?.reason),
  }),
});

export const initiativeOperations = [
  listInitiativesOperation,
  createInitiativeOperation,
  getInitiativeOperation,
  updateInitiativeOperation,
  deleteInitiativeOperation,
  actOnInitiativeOperation,
];
