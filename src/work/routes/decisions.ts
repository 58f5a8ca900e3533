import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { workErrorResponse } from '../../platform/http-errors.ts';
import type { Runtime } from '../../platform/runtime.ts';
import { actOnDecision, createDecision, DECISION_ACTIONS, getDecision, listDecisions, SLA_HOURS, updateDecision, type DecisionAction } from '../decisions.ts';
import {
  createDecisionBodySchema,
  DECISION_STATUSES,
  decisionActionBodySchema,
  decisionSchema,
  idParams,
  okData,
  okList,
  updateDecisionBodySchema,
  URGENCIES,
  workPageQuery,
  workspaceQuery,
} from '../schemas.ts';
import { describeTable } from '../transitions.ts';
import { listEnvelope, statusesOf, statusFilter, workContext } from './common.ts';

const params = idParams('decisionId', 'decision');
const actionParams = params.extend({ action: z.enum(Object.keys(DECISION_ACTIONS) as [DecisionAction, ...DecisionAction[]]) });
const one = okData(decisionSchema);
const sla = Object.entries(SLA_HOURS)
  .map(([u, h]) => `${u} ${h}h`)
  .join(', ');

export function decisionRoutes(app: FastifyInstance, rt: Runtime) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['Work: Decisions'];

  r.get(
    '/api/client/decisions',
    {
      config: { permission: 'decisions:read' },
      schema: {
        operationId: 'listDecisions',
        tags,
        summary: 'List decisions (the inbox)',
        description: 'Pending first, soonest due first; then resolved ones, newest first.',
        querystring: workspaceQuery.extend({
          ...workPageQuery,
          status: statusFilter(DECISION_STATUSES),
          urgency: statusFilter(URGENCIES).describe(`Only these urgencies, comma-separated (${URGENCIES.join(', ')})`),
          initiative_id: z.string().max(100).optional().describe('Only those linked to this initiative'),
          task_id: z.string().max(100).optional().describe('Only those linked to this task'),
          run_id: z.string().max(100).optional().describe('Only those linked to this run'),
        }),
        response: { 200: okList(decisionSchema) },
      },
    },
    async (req) => {
      const { ctx, ws } = await workContext(req, rt);
      const { items, total } = await listDecisions(ctx, ws, { ...req.query, status: statusesOf(req.query.status), urgency: statusesOf(req.query.urgency) });
      return listEnvelope(items, total, req.query);
    },
  );

  r.post(
    '/api/client/decisions',
    {
      config: { permission: 'decisions:write' },
      schema: {
        operationId: 'createDecision',
        tags,
        summary: 'Ask for a decision',
        description: `Pending, due after the SLA of its urgency (${sla}). A run implies its task and initiative, a task its initiative (a mismatch is a 400); ids not in this workspace are 404. \`requested_by\` is the agent named by \`agent_id\`, else the caller. Writes \`decision.created\`.`,
        querystring: workspaceQuery,
        body: createDecisionBodySchema,
        response: { 201: one },
      },
    },
    async (req, reply) => {
      const { ctx, ws } = await workContext(req, rt);
      return reply.code(201).send({ ok: true, data: await createDecision(ctx, ws, req.body) });
    },
  );

  r.get(
    '/api/client/decisions/:decisionId',
    {
      config: { permission: 'decisions:read' },
      schema: { operationId: 'getDecision', tags, summary: 'Get a decision', params, querystring: workspaceQuery, response: { 200: one } },
    },
    async (req) => {
      const { ctx, ws } = await workContext(req, rt);
      return { ok: true as const, data: await getDecision(ctx, ws, req.params.decisionId) };
    },
  );

  r.patch(
    '/api/client/decisions/:decisionId',
    {
      config: { permission: 'decisions:write' },
      schema: {
        operationId: 'updateDecision',
        tags,
        summary: 'Edit a pending decision',
        description: 'A new urgency moves `due_at` to `created_at` + its SLA. 409 once resolved. Writes `decision.updated`.',
        params,
        querystring: workspaceQuery,
        body: updateDecisionBodySchema,
        response: { 200: one, 409: workErrorResponse('The decision is resolved') },
      },
    },
    async (req) => {
      const { ctx, ws } = await workContext(req, rt);
      return { ok: true as const, data: await updateDecision(ctx, ws, req.params.decisionId, req.body) };
    },
  );

  r.post(
    '/api/client/decisions/:decisionId/actions/:action',
    {
      config: { permission: 'decisions:write' },
      schema: {
        operationId: 'actOnDecision',
        tags,
        summary: 'Approve, reject, cancel or supersede a decision',
        description: `Actions (current status → new status):\n\n${describeTable(DECISION_ACTIONS)}\n\n\`approve\` and \`reject\` need a person (a dashboard session or a user key \`oxk_…\`): tenant and platform keys get 403 \`human_required\`. \`approve\` may choose \`option_id\` (one of the decision's options, else 400); \`reject\` needs a \`reason\` (400 without). A resolved decision → 409. Writes \`decision.resolved\`.`,
        params: actionParams,
        querystring: workspaceQuery,
        body: decisionActionBodySchema.nullish(),
        response: { 200: one, 409: workErrorResponse('The decision is already resolved') },
      },
    },
    async (req) => {
      const { ctx, ws } = await workContext(req, rt);
      return { ok: true as const, data: await actOnDecision(ctx, ws, req.params.decisionId, req.params.action, req.body ?? {}) };
    },
  );
}
