import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { workErrorResponse } from '../../platform/http-errors.ts';
import type { Runtime } from '../../platform/runtime.ts';
import {
  actionBodySchema,
  createWorkstreamBodySchema,
  deletedSchema,
  idParams,
  okData,
  okList,
  updateWorkstreamBodySchema,
  workPageQuery,
  workspaceQuery,
  workstreamSchema,
} from '../schemas.ts';
import { describeTable, WORKSTREAM_ACTIONS, WORKSTREAM_STATUSES, type WorkstreamAction } from '../transitions.ts';
import { actOnWorkstream, createWorkstream, deleteWorkstream, getWorkstream, listWorkstreams, updateWorkstream } from '../workstreams.ts';
import { listEnvelope, statusesOf, statusFilter, workContext } from './common.ts';

const params = idParams('workstreamId', 'workstream');
const actionParams = params.extend({ action: z.enum(Object.keys(WORKSTREAM_ACTIONS) as [WorkstreamAction, ...WorkstreamAction[]]) });
const one = okData(workstreamSchema);

export function workstreamRoutes(app: FastifyInstance, rt: Runtime) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['Work: Workstreams'];

  r.get(
    '/api/client/workstreams',
    {
      config: { permission: 'initiatives:read' },
      schema: {
        operationId: 'listWorkstreams',
        tags,
        summary: 'List workstreams',
        description: 'Oldest first.',
        querystring: workspaceQuery.extend({
          ...workPageQuery,
          initiative_id: z.string().max(100).optional().describe('Only this initiative’s'),
          status: statusFilter(WORKSTREAM_STATUSES),
        }),
        response: { 200: okList(workstreamSchema) },
      },
    },
    async (req) => {
      const { ctx, ws } = await workContext(req, rt);
      const { items, total } = await listWorkstreams(ctx, ws, { ...req.query, status: statusesOf(req.query.status) });
      return listEnvelope(items, total, req.query);
    },
  );

  r.post(
    '/api/client/workstreams',
    {
      config: { permission: 'initiatives:write' },
      schema: {
        operationId: 'createWorkstream',
        tags,
        summary: 'Create a workstream in an initiative',
        description:
          '`pending` while a workstream it depends on is not completed, else `ready`. Dependencies must be workstreams of the same initiative (400) and form no cycle. 409 when the initiative is completed, archived or cancelled. Writes `workstream.created`.',
        querystring: workspaceQuery,
        body: createWorkstreamBodySchema,
        response: { 201: one, 409: workErrorResponse('The initiative takes no new work') },
      },
    },
    async (req, reply) => {
      const { ctx, ws } = await workContext(req, rt);
      return reply.code(201).send({ ok: true, data: await createWorkstream(ctx, ws, req.body) });
    },
  );

  r.get(
    '/api/client/workstreams/:workstreamId',
    {
      config: { permission: 'initiatives:read' },
      schema: { operationId: 'getWorkstream', tags, summary: 'Get a workstream', params, querystring: workspaceQuery, response: { 200: one } },
    },
    async (req) => {
      const { ctx, ws } = await workContext(req, rt);
      return { ok: true as const, data: await getWorkstream(ctx, ws, req.params.workstreamId) };
    },
  );

  r.patch(
    '/api/client/workstreams/:workstreamId',
    {
      config: { permission: 'initiatives:write' },
      schema: {
        operationId: 'updateWorkstream',
        tags,
        summary: 'Edit a workstream',
        description:
          'A new `depends_on` replaces the list (same initiative, not itself, no cycle: else 400) and re-evaluates pending/ready. A `status` performs the lifecycle action leading there; 409 when none does.',
        params,
        querystring: workspaceQuery,
        body: updateWorkstreamBodySchema,
        response: { 200: one, 409: workErrorResponse('No lifecycle action leads from the current status to the one requested') },
      },
    },
    async (req) => {
      const { ctx, ws } = await workContext(req, rt);
      return { ok: true as const, data: await updateWorkstream(ctx, ws, req.params.workstreamId, req.body) };
    },
  );

  r.delete(
    '/api/client/workstreams/:workstreamId',
    {
      config: { permission: 'initiatives:write' },
      schema: {
        operationId: 'deleteWorkstream',
        tags,
        summary: 'Delete a workstream with its milestones and tasks',
        description: 'Workstreams that depended on it are re-evaluated; the initiative’s progress is recounted.',
        params,
        querystring: workspaceQuery,
        response: { 200: okData(deletedSchema) },
      },
    },
    async (req) => {
      const { ctx, ws } = await workContext(req, rt);
      return { ok: true as const, data: await deleteWorkstream(ctx, ws, req.params.workstreamId) };
    },
  );

  r.post(
    '/api/client/workstreams/:workstreamId/actions/:action',
    {
      config: { permission: 'initiatives:write' },
      schema: {
        operationId: 'actOnWorkstream',
        tags,
        summary: 'Move a workstream through its lifecycle',
        description: `Actions (current status → new status):\n\n${describeTable(WORKSTREAM_ACTIONS)}\n\n\`complete\` needs every task done (409 otherwise); a workstream also completes by itself when its last task is done, and becomes active when one of its tasks starts. \`pending\`/\`ready\` follow its dependencies. Writes \`workstream.updated\`.`,
        params: actionParams,
        querystring: workspaceQuery,
        body: actionBodySchema.nullish(),
        response: { 200: one, 409: workErrorResponse('The action is not allowed from the current status') },
      },
    },
    async (req) => {
      const { ctx, ws } = await workContext(req, rt);
      return { ok: true as const, data: await actOnWorkstream(ctx, ws, req.params.workstreamId, req.params.action, req.body?.reason) };
    },
  );
}
