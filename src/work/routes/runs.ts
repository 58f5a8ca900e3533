import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { workErrorResponse } from '../../platform/http-errors.ts';
import type { Runtime } from '../../platform/runtime.ts';
import { activitySchema, dispatchRunBodySchema, postActivityBodySchema, runActionBodySchema, runSchema } from '../agent-schemas.ts';
import { actOnRun, dispatchRun, getRun, listRuns, liveActivity, postActivity, RUN_ACTIONS, RUN_STATUSES, type RunAction } from '../runs.ts';
import { idParams, okData, okList, workPageQuery, workspaceQuery } from '../schemas.ts';
import { describeTable } from '../transitions.ts';
import { listEnvelope, statusesOf, statusFilter, workContext } from './common.ts';

const params = idParams('runId', 'run');
const actionParams = params.extend({ action: z.enum(Object.keys(RUN_ACTIONS) as [RunAction, ...RunAction[]]) });
const one = okData(runSchema);

export function runRoutes(app: FastifyInstance, rt: Runtime) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['Work: Runs'];

  r.get(
    '/api/client/runs',
    {
      config: { permission: 'agents:read' },
      schema: {
        operationId: 'listRuns',
        tags,
        summary: 'List runs',
        description: 'Newest first.',
        querystring: workspaceQuery.extend({
          ...workPageQuery,
          agent_id: z.string().max(100).optional().describe('Only this agent’s (id or name)'),
          task_id: z.string().max(100).optional().describe('Only runs on this task'),
          initiative_id: z.string().max(100).optional().describe('Only runs in this initiative'),
          status: statusFilter(RUN_STATUSES),
        }),
        response: { 200: okList(runSchema) },
      },
    },
    async (req) => {
      const { ctx, ws } = await workContext(req, rt);
      const { items, total } = await listRuns(ctx, ws, { ...req.query, status: statusesOf(req.query.status) });
      return listEnvelope(items, total, req.query);
    },
  );

  r.post(
    '/api/client/runs',
    {
      config: { permission: 'agents:write' },
      schema: {
        operationId: 'dispatchRun',
        tags,
        summary: 'Dispatch an agent on a task',
        description:
          'Creates a run in status `running` (the client runs the agent and reports back). The task starts as with its `start` action — its workstream becomes active — and must be allowed to (409 otherwise; 409 too when the task is done, the agent disabled, or the agent already has an open run on the task). Counts against the workspace’s dispatch bucket (`WORK_DISPATCHES_PER_HOUR` per UTC hour): 429 `rate_limited` with Retry-After when it is full. Writes `run.created` and `agent.started` (and the task’s events).',
        querystring: workspaceQuery,
        body: dispatchRunBodySchema,
        response: { 201: one, 409: workErrorResponse('The task or agent cannot take this dispatch'), 429: workErrorResponse('Over the dispatch bucket (`rate_limited`) or the hourly key limit; see Retry-After') },
      },
    },
    async (req, reply) => {
      const { ctx, ws } = await workContext(req, rt);
      return reply.code(201).send({ ok: true, data: await dispatchRun(ctx, ws, req.body) });
    },
  );

  r.get(
    '/api/client/runs/:runId',
    {
      config: { permission: 'agents:read' },
      schema: { operationId: 'getRun', tags, summary: 'Get a run', params, querystring: workspaceQuery, response: { 200: one } },
    },
    async (req) => {
      const { ctx, ws } = await workContext(req, rt);
      return { ok: true as const, data: await getRun(ctx, ws, req.params.runId) };
    },
  );

  r.post(
    '/api/client/runs/:runId/actions/:action',
    {
      config: { permission: 'agents:write' },
      schema: {
        operationId: 'actOnRun',
        tags,
        summary: 'Start, block, unblock, complete, fail or cancel a run',
        description: `Actions (current status → new status):\n\n${describeTable(RUN_ACTIONS)}\n\n\`complete\` and \`fail\` take a \`summary\`; \`complete\` an optional \`quality_score\` 1–5 (400 on other actions) and completes the run's task — with the cascade of its task action — when no other run is open on it (\`complete_task: false\` to keep the task open). \`block\` takes \`blockers\`. Writes \`agent.started\` (queued → running), \`agent.completed\`, \`agent.failed\`, else \`run.updated\`.`,
        params: actionParams,
        querystring: workspaceQuery,
        body: runActionBodySchema.nullish(),
        response: { 200: one, 409: workErrorResponse('The action is not allowed from the run’s current status') },
      },
    },
    async (req) => {
      const { ctx, ws } = await workContext(req, rt);
      return { ok: true as const, data: await actOnRun(ctx, ws, req.params.runId, req.params.action, req.body ?? {}) };
    },
  );

  r.post(
    '/api/client/runs/:runId/activity',
    {
      config: { permission: 'agents:write' },
      schema: {
        operationId: 'postRunActivity',
        tags,
        summary: 'Report what a run is doing',
        description:
          'Only while the run is open (409 once completed, failed or cancelled). The first activity of a queued run starts it (`agent.started`); phase `blocked` blocks it with the message as a blocker; `progress_pct` becomes its progress (`run.updated`). Writes `run.activity`.',
        params,
        querystring: workspaceQuery,
        body: postActivityBodySchema,
        response: { 201: okData(activitySchema), 409: workErrorResponse('The run is no longer open') },
      },
    },
    async (req, reply) => {
      const { ctx, ws } = await workContext(req, rt);
      return reply.code(201).send({ ok: true, data: await postActivity(ctx, ws, req.params.runId, req.body) });
    },
  );

  r.get(
    '/api/client/live/activity',
    {
      config: { permission: 'agents:read' },
      schema: {
        operationId: 'listLiveActivity',
        tags: ['Work: Live'],
        summary: 'Recent activity of the agents’ runs',
        description: 'Newest first.',
        querystring: workspaceQuery.extend({
          ...workPageQuery,
          run_id: z.string().max(100).optional().describe('Only this run’s'),
          initiative_id: z.string().max(100).optional().describe('Only this initiative’s'),
          agent_id: z.string().max(100).optional().describe('Only this agent’s (id or name)'),
        }),
        response: { 200: okList(activitySchema) },
      },
    },
    async (req) => {
      const { ctx, ws } = await workContext(req, rt);
      const { items, total } = await liveActivity(ctx, ws, req.query);
      return listEnvelope(items, total, req.query);
    },
  );
}
