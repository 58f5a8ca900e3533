import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { workErrorResponse } from '../../platform/http-errors.ts';
import type { Runtime } from '../../platform/runtime.ts';
import { agentSchema, createAgentBodySchema, updateAgentBodySchema } from '../agent-schemas.ts';
import { AGENT_STATUSES, createAgent, deleteAgent, getAgent, listAgents, updateAgent } from '../agents.ts';
import { AGENT_DOMAINS } from '../canonical-agents.ts';
import { deletedSchema, okData, okList, workPageQuery, workspaceQuery } from '../schemas.ts';
import { listEnvelope, statusesOf, statusFilter, workContext } from './common.ts';

const params = z.object({ agentId: z.string().min(1).max(100).describe('The agent id, or its name (engineering-agent)') });
const one = okData(agentSchema);

export function agentRoutes(app: FastifyInstance, rt: Runtime) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['Work: Agents'];

  r.get(
    '/api/client/agents',
    {
      config: { permission: 'agents:read' },
      schema: {
        operationId: 'listAgents',
        tags,
        summary: 'List agents',
        description: 'The seven canonical agents and any custom ones, by name. What each is doing now is in `live/agents`.',
        querystring: workspaceQuery.extend({
          ...workPageQuery,
          domain: statusFilter(AGENT_DOMAINS).describe(`Only these domains, comma-separated (${AGENT_DOMAINS.join(', ')})`),
          status: statusFilter(AGENT_STATUSES),
        }),
        response: { 200: okList(agentSchema) },
      },
    },
    async (req) => {
      const { ctx, ws } = await workContext(req, rt);
      const { items, total } = await listAgents(ctx, ws, { ...req.query, domain: statusesOf(req.query.domain), status: statusesOf(req.query.status) });
      return listEnvelope(items, total, req.query);
    },
  );

  r.post(
    '/api/client/agents',
    {
      config: { permission: 'agents:write' },
      schema: {
        operationId: 'createAgent',
        tags,
        summary: 'Add a custom agent',
        description: 'A name unique in the workspace (case-insensitive; 409 when taken) and a domain. Writes `agent.created`.',
        querystring: workspaceQuery,
        body: createAgentBodySchema,
        response: { 201: one, 409: workErrorResponse('An agent of that name exists') },
      },
    },
    async (req, reply) => {
      const { ctx, ws } = await workContext(req, rt);
      return reply.code(201).send({ ok: true, data: await createAgent(ctx, ws, req.body) });
    },
  );

  r.get(
    '/api/client/agents/:agentId',
    {
      config: { permission: 'agents:read' },
      schema: { operationId: 'getAgent', tags, summary: 'Get an agent', description: 'By id or by name.', params, querystring: workspaceQuery, response: { 200: one } },
    },
    async (req) => {
      const { ctx, ws } = await workContext(req, rt);
      return { ok: true as const, data: await getAgent(ctx, ws, req.params.agentId) };
    },
  );

  r.patch(
    '/api/client/agents/:agentId',
    {
      config: { permission: 'agents:write' },
      schema: {
        operationId: 'updateAgent',
        tags,
        summary: 'Edit an agent',
        description:
          'Description and status (active, disabled: a disabled agent cannot be dispatched) of any agent; name and domain of custom agents only — a canonical agent keeps the name clients address it by (409). Writes `agent.updated`.',
        params,
        querystring: workspaceQuery,
        body: updateAgentBodySchema,
        response: { 200: one, 409: workErrorResponse('The name is taken, or a canonical agent’s name or domain would change') },
      },
    },
    async (req) => {
      const { ctx, ws } = await workContext(req, rt);
      return { ok: true as const, data: await updateAgent(ctx, ws, req.params.agentId, req.body) };
    },
  );

  r.delete(
    '/api/client/agents/:agentId',
    {
      config: { permission: 'agents:write' },
      schema: {
        operationId: 'deleteAgent',
        tags,
        summary: 'Delete a custom agent',
        description: 'Only a custom agent that has no runs: canonical agents and agents with runs are a 409 (disable them instead). Writes `agent.deleted`.',
        params,
        querystring: workspaceQuery,
        response: { 200: okData(deletedSchema), 409: workErrorResponse('A canonical agent, or one with runs') },
      },
    },
    async (req) => {
      const { ctx, ws } = await workContext(req, rt);
      return { ok: true as const, data: await deleteAgent(ctx, ws, req.params.agentId) };
    },
  );
}
