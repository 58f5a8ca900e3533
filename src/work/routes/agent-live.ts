// The documented agent endpoints of the contract (work-api.md §4): live/agents, the spawn
// preflight and bootstrap, in their documented camelCase shapes.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ANY_CREDENTIAL } from '../../platform/operations.ts';
import type { Runtime } from '../../platform/runtime.ts';
import { bootstrapBodySchema, bootstrapQuerySchema, bootstrapSchema, liveAgentsResponseSchema, spawnBodySchema, spawnResultSchema } from '../agent-schemas.ts';
import { bootstrap, WORK_CAPABILITIES } from '../bootstrap.ts';
import { liveAgents } from '../live-agents.ts';
import { okData, workspaceQuery } from '../schemas.ts';
import { spawnPreflight } from '../spawn.ts';
import { workContext } from './common.ts';

const booleanFlag = z
  .enum(['true', 'false', '1', '0'])
  .optional()
  .transform((v) => v === undefined || v === 'true' || v === '1');

export function agentLiveRoutes(app: FastifyInstance, rt: Runtime) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/api/client/live/agents',
    {
      config: { permission: 'agents:read' },
      schema: {
        operationId: 'listLiveAgents',
        tags: ['Work: Live'],
        summary: 'What every agent is doing now',
        description:
          'The OrgX contract endpoint: `{ agents, summary }`. Status comes from the agent’s open runs: `running` when one runs, else `blocked`, else `queued`, else `idle`; the other fields from that run (`currentTask` is its task’s title), `instanceCount` counts its open runs. `initiative` counts only that initiative’s runs; `include_idle=false` leaves idle agents out of `agents` (the summary counts every agent).',
        querystring: workspaceQuery.extend({
          initiative: z.string().max(100).optional().describe('Only runs of this initiative'),
          include_idle: booleanFlag.describe('List idle agents too (default true)'),
        }),
        response: { 200: liveAgentsResponseSchema },
      },
    },
    async (req) => {
      const { ctx, ws } = await workContext(req, rt);
      return liveAgents(ctx, ws, { initiative: req.query.initiative, include_idle: req.query.include_idle });
    },
  );

  r.post(
    '/api/client/spawn',
    {
      config: { permission: 'agents:read' },
      schema: {
        operationId: 'spawnPreflight',
        tags: ['Work: Agents'],
        summary: 'Ask whether an agent of a domain may be spawned now',
        description:
          'Preflight only: dispatches nothing, changes nothing. `rateLimit` is the workspace’s dispatch bucket this hour; `qualityGate` passes while the domain’s agent has fewer than 3 scored runs or the mean of its last 20 scores is at least the threshold (`WORK_QUALITY_THRESHOLD`, default 3.0); `taskAssigned` passes without `taskId`, else when the task is in this workspace, not done, and no run is open on it. `modelTier` is routed from the task’s priority and description length. `blockedReason` is present when `allowed` is false.',
        querystring: workspaceQuery,
        body: spawnBodySchema,
        response: { 200: okData(spawnResultSchema) },
      },
    },
    async (req) => {
      const { ctx, ws } = await workContext(req, rt);
      return { ok: true as const, data: await spawnPreflight(ctx, ws, req.body) };
    },
  );

  const bootstrapDescription = `The first call of a client: proves the credential and resolves the workspace. \`capabilities\` are the Work capabilities the credential holds (${WORK_CAPABILITIES.join(', ')}); each of \`required_capabilities\` it lacks (or that is unknown) is a gap in \`setup.gaps\`, and \`setup.ready\` is false while there is any.`;

  r.get(
    '/api/client/bootstrap',
    {
      config: { permission: ANY_CREDENTIAL },
      schema: {
        operationId: 'getBootstrap',
        tags: ['Work: Workspace'],
        summary: 'Bootstrap: who am I, which workspace, what may I do',
        description: bootstrapDescription,
        querystring: bootstrapQuerySchema,
        response: { 200: okData(bootstrapSchema) },
      },
    },
    async (req) => {
      const { ctx, ws } = await workContext(req, rt);
      return { ok: true as const, data: await bootstrap(ctx, ws, req.query) };
    },
  );

  r.post(
    '/api/client/bootstrap',
    {
      config: { permission: ANY_CREDENTIAL },
      schema: {
        operationId: 'postBootstrap',
        tags: ['Work: Workspace'],
        summary: 'Bootstrap with the client’s requirements in the body',
        description: bootstrapDescription,
        querystring: workspaceQuery,
        body: bootstrapBodySchema.nullish(),
        response: { 200: okData(bootstrapSchema) },
      },
    },
    async (req) => {
      const { ctx, ws } = await workContext(req, rt);
      return { ok: true as const, data: await bootstrap(ctx, ws, req.body ?? {}) };
    },
  );
}
