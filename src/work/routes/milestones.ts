import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { workErrorResponse } from '../../platform/http-errors.ts';
import type { Runtime } from '../../platform/runtime.ts';
import { actOnMilestone, createMilestone, deleteMilestone, getMilestone, listMilestones, updateMilestone } from '../milestones.ts';
import {
  actionBodySchema,
  createMilestoneBodySchema,
  deletedSchema,
  idParams,
  milestoneSchema,
  okData,
  okList,
  updateMilestoneBodySchema,
  workPageQuery,
  workspaceQuery,
} from '../schemas.ts';
import { describeTable, MILESTONE_ACTIONS, MILESTONE_STATUSES, type MilestoneAction } from '../transitions.ts';
import { listEnvelope, statusesOf, statusFilter, workContext } from './common.ts';

const params = idParams('milestoneId', 'milestone');
const actionParams = params.extend({ action: z.enum(Object.keys(MILESTONE_ACTIONS) as [MilestoneAction, ...MilestoneAction[]]) });
const one = okData(milestoneSchema);

export function milestoneRoutes(app: FastifyInstance, rt: Runtime) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['Work: Milestones'];

  r.get(
    '/api/client/milestones',
    {
      config: { permission: 'initiatives:read' },
      schema: {
        operationId: 'listMilestones',
        tags,
        summary: 'List milestones',
        description: 'Oldest first.',
        querystring: workspaceQuery.extend({
          ...workPageQuery,
          initiative_id: z.string().max(100).optional().describe('Only this initiative’s'),
          workstream_id: z.string().max(100).optional().describe('Only this workstream’s'),
          status: statusFilter(MILESTONE_STATUSES),
        }),
        response: { 200: okList(milestoneSchema) },
      },
    },
    async (req) => {
      const { ctx, ws } = await workContext(req, rt);
      const { items, total } = await listMilestones(ctx, ws, { ...req.query, status: statusesOf(req.query.status) });
      return listEnvelope(items, total, req.query);
    },
  );

  r.post(
    '/api/client/milestones',
    {
      config: { permission: 'initiatives:write' },
      schema: {
        operationId: 'createMilestone',
        tags,
        summary: 'Create a milestone',
        description:
          'In an initiative (`initiative_id`), optionally within one of its workstreams (`workstream_id`; the initiative is then implied). A workstream of another initiative than `initiative_id` is a 400. 409 when the initiative or workstream takes no new work. Writes `milestone.created`.',
        querystring: workspaceQuery,
        body: createMilestoneBodySchema,
        response: { 201: one, 409: workErrorResponse('The initiative or workstream takes no new work') },
      },
    },
    async (req, reply) => {
      const { ctx, ws } = await workContext(req, rt);
      return reply.code(201).send({ ok: true, data: await createMilestone(ctx, ws, req.body) });
    },
  );

  r.get(
    '/api/client/milestones/:milestoneId',
    {
      config: { permission: 'initiatives:read' },
      schema: { operationId: 'getMilestone', tags, summary: 'Get a milestone', params, querystring: workspaceQuery, response: { 200: one } },
    },
    async (req) => {
      const { ctx, ws } = await workContext(req, rt);
      return { ok: true as const, data: await getMilestone(ctx, ws, req.params.milestoneId) };
    },
  );

  r.patch(
    '/api/client/milestones/:milestoneId',
    {
      config: { permission: 'initiatives:write' },
      schema: {
        operationId: 'updateMilestone',
        tags,
        summary: 'Edit a milestone',
        description: 'A `status` performs the lifecycle action leading there; 409 when none does.',
        params,
        querystring: workspaceQuery,
        body: updateMilestoneBodySchema,
        response: { 200: one, 409: workErrorResponse('No lifecycle action leads from the current status to the one requested') },
      },
    },
    async (req) => {
      const { ctx, ws } = await workContext(req, rt);
      return { ok: true as const, data: await updateMilestone(ctx, ws, req.params.milestoneId, req.body) };
    },
  );

  r.delete(
    '/api/client/milestones/:milestoneId',
    {
      config: { permission: 'initiatives:write' },
      schema: {
        operationId: 'deleteMilestone',
        tags,
        summary: 'Delete a milestone',
        description: 'Its tasks stay, without a milestone.',
        params,
        querystring: workspaceQuery,
        response: { 200: okData(deletedSchema) },
      },
    },
    async (req) => {
      const { ctx, ws } = await workContext(req, rt);
      return { ok: true as const, data: await deleteMilestone(ctx, ws, req.params.milestoneId) };
    },
  );

  r.post(
    '/api/client/milestones/:milestoneId/actions/:action',
    {
      config: { permission: 'initiatives:write' },
      schema: {
        operationId: 'actOnMilestone',
        tags,
        summary: 'Move a milestone through its lifecycle',
        description: `Actions (current status → new status):\n\n${describeTable(MILESTONE_ACTIONS)}\n\n\`complete\` needs every task done (409 otherwise); a milestone also completes by itself when its last task is done, and goes in progress when one of its tasks starts. Writes \`milestone.updated\`.`,
        params: actionParams,
        querystring: workspaceQuery,
        body: actionBodySchema.nullish(),
        response: { 200: one, 409: workErrorResponse('The action is not allowed from the current status') },
      },
    },
    async (req) => {
      const { ctx, ws } = await workContext(req, rt);
      return { ok: true as const, data: await actOnMilestone(ctx, ws, req.params.milestoneId, req.params.action, req.body?.reason) };
    },
  );
}
