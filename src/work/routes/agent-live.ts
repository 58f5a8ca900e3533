// The contract's agent endpoints (docs/work-api-contract.md): live/agents, the spawn preflight
// and bootstrap, in their documented camelCase shapes.
import { z } from 'zod';
import { ANY_CREDENTIAL, defineWorkspaceOperation } from '../../platform/operations.ts';
import { bootstrapBodySchema, bootstrapQuerySchema, bootstrapSchema, liveAgentsResponseSchema, spawnBodySchema, spawnResultSchema } from '../agent-schemas.ts';
import { bootstrap, WORK_CAPABILITIES } from '../bootstrap.ts';
import { liveAgents } from '../live-agents.ts';
import { okData, workPageQuery, workspaceQuery } from '../schemas.ts';
import { spawnPreflight } from '../spawn.ts';

const booleanFlag = z
  .enum(['true', 'false', '1', '0'])
  .optional()
  .transform((v) => v === undefined || v === 'true' || v === '1');

export const listLiveAgentsOperation = defineWorkspaceOperation({
  id: 'listLiveAgents',
  method: 'GET',
  path: '/live/agents',
  permission: 'agents:read',
  tags: ['Work: Live'],
  summary: 'What every agent is doing now',
  description:
    'The OrgX contract endpoint: `{ agents, summary }`, with `total` and `pagination` added (default page 200). Status comes from the agent’s open runs: `running` when one runs, else `blocked`, else `queued`, else `idle`; the other fields from that run (`currentTask` is its task’s title), `instanceCount` counts its open runs. `initiative` counts only that initiative’s runs; `include_idle=false` leaves idle agents out of `agents` (the summary counts every agent).',
  input: {
    query: workspaceQuery.extend({
      initiative: z.string().max(100).optional().describe('Only runs of this initiative'),
      include_idle: booleanFlag.describe('List idle agents too (default true)'),
      // The contract's clients read every agent from one call: the default page holds them all
      // in any workspace of up to 200 agents, and `has_more` says when there are more.
      limit: z.coerce.number().int().min(1).max(200).default(200).describe('Page size, 1–200 (default 200)'),
      offset: workPageQuery.offset,
    }),
  },
  output: liveAgentsResponseSchema,
  run: (ctx, { query }) => liveAgents(ctx, ctx.workspaceId, query),
});

export const spawnPreflightOperation = defineWorkspaceOperation({
  id: 'spawnPreflight',
  method: 'POST',
  path: '/spawn',
  permission: 'agents:read',
  tags: ['Work: Agents'],
  summary: 'Ask whether an agent of a domain may be spawned now',
  description:
    'Preflight only: dispatches nothing, changes nothing. `rateLimit` is the workspace’s dispatch bucket this hour; `qualityGate` passes while the domain’s agent has fewer than 3 scored runs or the mean of its last 20 scores is at least the threshold (`WORK_QUALITY_THRESHOLD`, default 3.0); `taskAssigned` passes without `taskId`, else when the task is in this workspace, not done, and no run is open on it. `modelTier` is routed from the task’s priority and description length. `blockedReason` is present when `allowed` is false.',
  input: { query: workspaceQuery, body: spawnBodySchema },
  output: okData(spawnResultSchema),
  run: async (ctx, { body }) => ({ ok: true as const, data: await spawnPreflight(ctx, ctx.workspaceId, body) }),
});

const bootstrapDescription = `The first call of a client: proves the credential and resolves the workspace. \`capabilities\` are the Work capabilities the credential holds (${WORK_CAPABILITIES.join(', ')}); each of \`required_capabilities\` it lacks (or that is unknown) is a gap in \`setup.gaps\`, and \`setup.ready\` is false while there is any.`;

export const getBootstrapOperation = defineWorkspaceOperation({
  id: 'getBootstrap',
  method: 'GET',
  path: '/bootstrap',
  permission: ANY_CREDENTIAL,
  tags: ['Work: Workspace'],
  summary: 'Bootstrap: who am I, which workspace, what may I do',
  description: bootstrapDescription,
  input: { query: bootstrapQuerySchema },
  output: okData(bootstrapSchema),
  run: async (ctx, { query }) => ({ ok: true as const, data: await bootstrap(ctx, ctx.workspaceId, query) }),
});

export const postBootstrapOperation = defineWorkspaceOperation({
  id: 'postBootstrap',
  method: 'POST',
  path: '/bootstrap',
  permission: ANY_CREDENTIAL,
  tags: ['Work: Workspace'],
  summary: 'Bootstrap with the client’s requirements in the body',
  description: bootstrapDescription,
  input: { query: workspaceQuery, body: bootstrapBodySchema.nullish() },
  output: okData(bootstrapSchema),
  run: async (ctx, { body }) => ({ ok: true as const, data: await bootstrap(ctx, ctx.workspaceId, body ?? {}) }),
});

export const agentLiveOperations = [listLiveAgentsOperation, spawnPreflightOperation, getBootstrapOperation, postBootstrapOperation];
