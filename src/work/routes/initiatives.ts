import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { workErrorResponse } from '../../platform/http-errors.ts';
import type { Runtime } from '../../platform/runtime.ts';
import { actOnInitiative, createInitiative, deleteInitiative, getInitiative, listInitiatives, updateInitiative } from '../initiatives.ts';
import {
  actionBodySchema,
  createInitiativeBodySchema,
  deletedSchema,
  idParams,
  initiativeSchema,
  okData,
  okList,
  updateInitiativeBodySchema,
  workPageQuery,
  workspaceQuery,
} from '../schemas.ts';
import { describeTable, INITIATIVE_ACTIONS, INITIATIVE_STATUSES, type InitiativeAction } from '../transitions.ts';
import { listEnvelope, statusesOf, statusFilter, workContext } from './common.ts';

const params = idParams('initiativeId', 'initiative');
const actionParams = params.extend({ action: z.enum(Object.keys(INITIATIVE_ACTIONS) as [InitiativeAction, ...InitiativeAction[]]) });
const one = okData(initiativeSchema);

export function initiativeRoutes(app: FastifyInstance, rt: Runtime) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['Work: Initiatives'];

  r.get(
    '/api/client/initiatives',
    {
      config: { permission: 'initiatives:read' },
      schema: {
        operationId: 'listInitiatives',
        tags,
        summary: 'List initiatives',
        description: 'Newest first, every status unless filtered.',
        querystring: workspaceQuery.extend({ ...workPageQuery, status: statusFilter(INITIATIVE_STATUSES) }),
        response: { 200: okList(initiativeSchema) },
      },
    },
    async (req) => {
      const { ctx, ws } = await workContext(req, rt);
      const { items, total } = await listInitiatives(ctx, ws, { ...req.query, status: statusesOf(req.query.status) });
      return listEnvelope(items, total, req.query);
    },
  );

  r.post(
    '/api/client/initiatives',
    {
      config: { permission: 'initiatives:write' },
      schema: {
        operationId: 'createInitiative',
        tags,
        summary: 'Create an initiative',
        description: 'A draft unless `status: "active"`. Writes `initiative.created`.',
        querystring: workspaceQuery,
        body: createInitiativeBodySchema,
        response: { 201: one },
      },
    },
    async (req, reply) => {
      const { ctx, ws } = await workContext(req, rt);
      return reply.code(201).send({ ok: true, data: await createInitiative(ctx, ws, req.body) });
    },
  );

  r.get(
    '/api/client/initiatives/:initiativeId',
    {
      config: { permission: 'initiatives:read' },
      schema: { operationId: 'getInitiative', tags, summary: 'Get an initiative', params, querystring: workspaceQuery, response: { 200: one } },
    },
    async (req) => {
      const { ctx, ws } = await workContext(req, rt);
      return { ok: true as const, data: await getInitiative(ctx, ws, req.params.initiativeId) };
    },
  );

  r.patch(
    '/api/client/initiatives/:initiativeId',
    {
      config: { permission: 'initiatives:write' },
      schema: {
        operationId: 'updateInitiative',
        tags,
        summary: 'Edit an initiative',
        description: 'A `status` performs the lifecycle action that leads there (see the actions operation); 409 when none does from the current status.',
        params,
        querystring: workspaceQuery,
        body: updateInitiativeBodySchema,
        response: { 200: one, 409: workErrorResponse('No lifecycle action leads from the current status to the one requested') },
      },
    },
    async (req) => {
      const { ctx, ws } = await workContext(req, rt);
      return { ok: true as const, data: await updateInitiative(ctx, ws, req.params.initiativeId, req.body) };
    },
  );

  r.delete(
    '/api/client/initiatives/:initiativeId',
    {
      config: { permission: 'initiatives:write' },
      schema: {
        operationId: 'deleteInitiative',
        tags,
        summary: 'Delete an initiative and everything beneath it',
        description: 'Deletes its workstreams, milestones, tasks, runs and artifacts. Decisions linked to them stay, with the links cleared.',
        params,
        querystring: workspaceQuery,
        response: { 200: okData(deletedSchema) },
      },
    },
    async (req) => {
      const { ctx, ws } = await workContext(req, rt);
      return { ok: true as const, data: await deleteInitiative(ctx, ws, req.params.initiativeId) };
    },
  );

  r.post(
    '/api/client/initiatives/:initiativeId/actions/:action',
    {
      config: { permission: 'initiatives:write' },
      schema: {
        operationId: 'actOnInitiative',
        tags,
        summary: 'Move an initiative through its lifecycle',
        description: `Actions (current status → new status):\n\n${describeTable(INITIATIVE_ACTIONS)}\n\nAn initiative also completes by itself when all its workstreams are completed. Writes \`initiative.updated\`.`,
        params: actionParams,
        querystring: workspaceQuery,
        body: actionBodySchema.nullish(),
        response: { 200: one, 409: workErrorResponse('The action is not allowed from the current status') },
      },
    },
    async (req) => {
      const { ctx, ws } = await workContext(req, rt);
      return { ok: true as const, data: await actOnInitiative(ctx, ws, req.params.initiativeId, req.params.action, req.body?.reason) };
    },
  );
}
