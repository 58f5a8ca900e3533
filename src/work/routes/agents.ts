// Agents: the seven canonical ones every workspace starts with, and custom ones.
import { z } from 'zod';
import { defineWorkspaceOperation } from '../../platform/operations.ts';
import { agentSchema, createAgentBodySchema, updateAgentBodySchema } from '../agent-schemas.ts';
import { AGENT_STATUSES, createAgent, deleteAgent, getAgent, listAgents, updateAgent } from '../agents.ts';
import { AGENT_DOMAINS } from '../canonical-agents.ts';
import { deletedSchema, okData, okList, workPageQuery, workspaceQuery } from '../schemas.ts';
import { listEnvelope, statusesOf, statusFilter } from './common.ts';

const tags = ['Work: Agents'];
const params = z.object({ agentId: z.string().min(1).max(100).describe('The agent id, or its name (engineering-agent)') });
const one = okData(agentSchema);

export const listAgentsOperation = defineWorkspaceOperation({
  id: 'listAgents',
  method: 'GET',
  path: '/agents',
  permission: 'agents:read',
  tags,
  summary: 'List agents',
  description: 'The seven canonical agents and any custom ones, by name. What each is doing now is in `live/agents`.',
  input: {
    query: workspaceQuery.extend({
      ...workPageQuery,
      domain: statusFilter(AGENT_DOMAINS).describe(`Only these domains, comma-separated (${AGENT_DOMAINS.join(', ')})`),
      status: statusFilter(AGENT_STATUSES),
    }),
  },
  output: okList(agentSchema),
  async run(ctx, { query }) {
    const { items, total } = await listAgents(ctx, ctx.workspaceId, { ...query, domain: statusesOf(query.domain), status: statusesOf(query.status) });
    return listEnvelope(items, total, query);
  },
});

export const createAgentOperation = defineWorkspaceOperation({
  id: 'createAgent',
  method: 'POST',
  path: '/agents',
  permission: 'agents:write',
  tags,
  summary: 'Add a custom agent',
  description: 'A name unique in the workspace (case-insensitive; 409 when taken) and a domain. Writes `agent.created`.',
  input: { query: workspaceQuery, body: createAgentBodySchema },
  output: one,
  status: 201,
  errors: { 409: 'An agent of that name exists' },
  run: async (ctx, { body }) => ({ ok: true as const, data: await createAgent(ctx, ctx.workspaceId, body) }),
});

export const getAgentOperation = defineWorkspaceOperation({
  id: 'getAgent',
  method: 'GET',
  path: '/agents/:agentId',
  permission: 'agents:read',
  tags,
  summary: 'Get an agent',
  description: 'By id or by name.',
  input: { params, query: workspaceQuery },
  output: one,
  run: async (ctx, { params }) => ({ ok: true as const, data: await getAgent(ctx, ctx.workspaceId, params.agentId) }),
});

export const updateAgentOperation = defineWorkspaceOperation({
  id: 'updateAgent',
  method: 'PATCH',
  path: '/agents/:agentId',
  permission: 'agents:write',
  tags,
  summary: 'Edit an agent',
  description:
    'Description and status (active, disabled: a disabled agent cannot be dispatched) of any agent; name and domain of custom agents only — a canonical agent keeps the name clients address it by (409). Writes `agent.updated`.',
  input: { params, query: workspaceQuery, body: updateAgentBodySchema },
  output: one,
  errors: { 409: 'The name is taken, or a canonical agent’s name or domain would change' },
  run: async (ctx, { params, body }) => ({ ok: true as const, data: await updateAgent(ctx, ctx.workspaceId, params.agentId, body) }),
});

export const deleteAgentOperation = defineWorkspaceOperation({
  id: 'deleteAgent',
  method: 'DELETE',
  path: '/agents/:agentId',
  permission: 'agents:write',
  tags,
  summary: 'Delete a custom agent',
  description: 'Only a custom agent that has no runs: canonical agents and agents with runs are a 409 (disable them instead). Writes `agent.deleted`.',
  input: { params, query: workspaceQuery },
  output: okData(deletedSchema),
  errors: { 409: 'A canonical agent, or one with runs' },
  run: async (ctx, { params }) => ({ ok: true as const, data: await deleteAgent(ctx, ctx.workspaceId, params.agentId) }),
});

export const agentOperations = [listAgentsOperation, createAgentOperation, getAgentOperation, updateAgentOperation, deleteAgentOperation];
