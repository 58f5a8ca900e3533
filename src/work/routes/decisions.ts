// Decisions: approval points agents raise and people resolve.
import { z } from 'zod';
import { defineWorkspaceOperation } from '../../platform/operations.ts';
import {
  createDecisionBodySchema,
  DECISION_STATUSES,
  decisionActionBodySchema,
  decisionSchema,
  updateDecisionBodySchema,
  URGENCIES,
} from '../decision-schemas.ts';
import { createDecision, DECISION_ACTIONS, getDecision, listDecisions, resolveDecision, SLA_HOURS, updateDecision, type DecisionAction } from '../decisions.ts';
import { idParams, okData, okList, workPageQuery, workspaceQuery } from '../schemas.ts';
import { describeTable } from '../transitions.ts';
import { listEnvelope, statusesOf, statusFilter } from './common.ts';

const tags = ['Work: Decisions'];
const params = idParams('decisionId', 'decision');
const actionParams = params.extend({ action: z.enum(Object.keys(DECISION_ACTIONS) as [DecisionAction, ...DecisionAction[]]) });
const one = okData(decisionSchema);
const sla = Object.entries(SLA_HOURS)
  .map(([u, h]) => `${u} ${h}h`)
  .join(', ');

export const listDecisionsOperation = defineWorkspaceOperation({
  id: 'listDecisions',
  method: 'GET',
  path: '/decisions',
  permission: 'decisions:read',
  tags,
  summary: 'List decisions (the inbox)',
  description: 'Pending first, soonest due first; then resolved ones, newest first.',
  input: {
    query: workspaceQuery.extend({
      ...workPageQuery,
      status: statusFilter(DECISION_STATUSES),
      urgency: statusFilter(URGENCIES).describe(`Only these urgencies, comma-separated (${URGENCIES.join(', ')})`),
      initiative_id: z.string().max(100).optional().describe('Only those linked to this initiative'),
      task_id: z.string().max(100).optional().describe('Only those linked to this task'),
      run_id: z.string().max(100).optional().describe('Only those linked to this run'),
    }),
  },
  output: okList(decisionSchema),
  async run(ctx, { query }) {
    const { items, total } = await listDecisions(ctx, ctx.workspaceId, { ...query, status: statusesOf(query.status), urgency: statusesOf(query.urgency) });
    return listEnvelope(items, total, query);
  },
});

export const createDecisionOperation = defineWorkspaceOperation({
  id: 'createDecision',
  method: 'POST',
  path: '/decisions',
  permission: 'decisions:write',
  tags,
  summary: 'Ask for a decision',
  description: `Pending, due after the SLA of its urgency (${sla}). A run implies its task and initiative, a task its initiative (a mismatch is a 400); ids not in this workspace are 404. \`requested_by\` is the agent named by \`agent_id\`, else the caller. Writes \`decision.created\`.`,
  input: { query: workspaceQuery, body: createDecisionBodySchema },
  output: one,
  status: 201,
  run: async (ctx, { body }) => ({ ok: true as const, data: await createDecision(ctx, ctx.workspaceId, body) }),
});

export const getDecisionOperation = defineWorkspaceOperation({
  id: 'getDecision',
  method: 'GET',
  path: '/decisions/:decisionId',
  permission: 'decisions:read',
  tags,
  summary: 'Get a decision',
  input: { params, query: workspaceQuery },
  output: one,
  run: async (ctx, { params }) => ({ ok: true as const, data: await getDecision(ctx, ctx.workspaceId, params.decisionId) }),
});

export const updateDecisionOperation = defineWorkspaceOperation({
  id: 'updateDecision',
  method: 'PATCH',
  path: '/decisions/:decisionId',
  permission: 'decisions:write',
  tags,
  summary: 'Edit a pending decision',
  description: 'A new urgency moves `due_at` to `created_at` + its SLA. 409 once resolved. Writes `decision.updated`.',
  input: { params, query: workspaceQuery, body: updateDecisionBodySchema },
  output: one,
  errors: { 409: 'The decision is resolved' },
  run: async (ctx, { params, body }) => ({ ok: true as const, data: await updateDecision(ctx, ctx.workspaceId, params.decisionId, body) }),
});

/**
 * One REST route serves the four resolutions (`/actions/approve` …); each is also its own
 * operation in the service (approveDecision, rejectDecision, cancelDecision, supersedeDecision).
 */
export const actOnDecisionOperation = defineWorkspaceOperation({
  id: 'actOnDecision',
  method: 'POST',
  path: '/decisions/:decisionId/actions/:action',
  permission: 'decisions:write',
  tags,
  summary: 'Approve, reject, cancel or supersede a decision',
  description: `Actions (current status → new status):\n\n${describeTable(DECISION_ACTIONS)}\n\n\`approve\` and \`reject\` need a person (a dashboard session or a user key \`oxk_…\`): tenant and platform keys get 403 \`human_required\`. \`approve\` may choose \`option_id\` (one of the decision's options, else 400); \`reject\` needs a \`reason\` (400 without). A resolved decision → 409. Writes \`decision.resolved\`.`,
  input: { params: actionParams, query: workspaceQuery, body: decisionActionBodySchema.nullish() },
  output: one,
  errors: { 409: 'The decision is already resolved' },
  run: async (ctx, { params, body }) => ({ ok: true as const, data: await resolveDecision(ctx, ctx.workspaceId, params.decisionId, params.action, body ?? {}) }),
});

export const decisionOperations = [listDecisionsOperation, createDecisionOperation, getDecisionOperation, updateDecisionOperation, actOnDecisionOperation];
