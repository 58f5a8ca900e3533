// Runs: one dispatch of an agent on a task, and what it reports while it works.
import { z } from 'zod';
import { defineWorkspaceOperation } from '../../platform/operations.ts';
import { activitySchema, dispatchRunBodySchema, postActivityBodySchema, runActionBodySchema, runSchema } from '../agent-schemas.ts';
import { liveActivity, postActivity } from '../run-activity.ts';
import { actOnRun, dispatchRun, getRun, listRuns, RUN_ACTIONS, RUN_STATUSES, type RunAction } from '../runs.ts';
import { idParams, okData, okList, workPageQuery, workspaceQuery } from '../schemas.ts';
import { describeTable } from '../transitions.ts';
import { listEnvelope, statusesOf, statusFilter } from './common.ts';

const tags = ['Work: Runs'];
const params = idParams('runId', 'run');
const actionParams = params.extend({ action: z.enum(Object.keys(RUN_ACTIONS) as [RunAction, ...RunAction[]]) });
const one = okData(runSchema);

export const listRunsOperation = defineWorkspaceOperation({
  id: 'listRuns',
  method: 'GET',
  path: '/runs',
  permission: 'agents:read',
  tags,
  summary: 'List runs',
  description: 'Newest first.',
  input: {
    query: workspaceQuery.extend({
      ...workPageQuery,
      agent_id: z.string().max(100).optional().describe('Only this agent’s (id or name)'),
      task_id: z.string().max(100).optional().describe('Only runs on this task'),
      initiative_id: z.string().max(100).optional().describe('Only runs in this initiative'),
      status: statusFilter(RUN_STATUSES),
    }),
  },
  output: okList(runSchema),
  async run(ctx, { query }) {
    const { items, total } = await listRuns(ctx, ctx.workspaceId, { ...query, status: statusesOf(query.status) });
    return listEnvelope(items, total, query);
  },
});

export const dispatchRunOperation = defineWorkspaceOperation({
  id: 'dispatchRun',
  method: 'POST',
  path: '/runs',
  permission: 'agents:write',
  tags,
  summary: 'Dispatch an agent on a task',
  description:
    'Creates a run in status `running` (the client runs the agent and reports back). The task starts as with its `start` action — its workstream becomes active — and must be allowed to (409 otherwise; 409 too when the task is done, the agent disabled, or the agent already has an open run on the task). Counts against the workspace’s dispatch bucket (`WORK_DISPATCHES_PER_HOUR` per UTC hour): 429 `rate_limited` with Retry-After when it is full. Writes `run.created` and `agent.started` (and the task’s events).',
  input: { query: workspaceQuery, body: dispatchRunBodySchema },
  output: one,
  status: 201,
  errors: {
    409: 'The task or agent cannot take this dispatch',
    429: 'Over the dispatch bucket (`rate_limited`) or the hourly key limit; see Retry-After',
  },
  run: async (ctx, { body }) => ({ ok: true as const, data: await dispatchRun(ctx, ctx.workspaceId, body) }),
});

export const getRunOperation = defineWorkspaceOperation({
  id: 'getRun',
  method: 'GET',
  path: '/runs/:runId',
  permission: 'agents:read',
  tags,
  summary: 'Get a run',
  input: { params, query: workspaceQuery },
  output: one,
  run: async (ctx, { params }) => ({ ok: true as const, data: await getRun(ctx, ctx.workspaceId, params.runId) }),
});

/**
 * One REST route serves the whole lifecycle (`/actions/complete` …); the service names each verb
 * (startRun, completeRun, failRun, … in runs.ts).
 */
export const actOnRunOperation = defineWorkspaceOperation({
  id: 'actOnRun',
  method: 'POST',
  path: '/runs/:runId/actions/:action',
  permission: 'agents:write',
  tags,
  summary: 'Start, block, unblock, complete, fail or cancel a run',
  description: `Actions (current status → new status):\n\n${describeTable(RUN_ACTIONS)}\n\n\`complete\` and \`fail\` take a \`summary\`; \`complete\` an optional \`quality_score\` 1–5 (400 on other actions) and completes the run's task — with the cascade of its task action — when no other run is open on it (\`complete_task: false\` to keep the task open). \`block\` takes \`blockers\`. Writes \`agent.started\` (queued → running), \`agent.completed\`, \`agent.failed\`, else \`run.updated\`.`,
  input: { params: actionParams, query: workspaceQuery, body: runActionBodySchema.nullish() },
  output: one,
  errors: { 409: 'The action is not allowed from the run’s current status' },
  run: async (ctx, { params, body }) => ({ ok: true as const, data: await actOnRun(ctx, ctx.workspaceId, params.runId, params.action, body ?? {}) }),
});

export const postRunActivityOperation = defineWorkspaceOperation({
  id: 'postRunActivity',
  method: 'POST',
  path: '/runs/:runId/activity',
  permission: 'agents:write',
  tags,
  summary: 'Report what a run is doing',
  description:
    'Only while the run is open (409 once completed, failed or cancelled). The first activity of a queued run starts it (`agent.started`); phase `blocked` blocks it with the message as a blocker; `progress_pct` becomes its progress (`run.updated`). Writes `run.activity`.',
  input: { params, query: workspaceQuery, body: postActivityBodySchema },
  output: okData(activitySchema),
  status: 201,
  errors: { 409: 'The run is no longer open' },
  run: async (ctx, { params, body }) => ({ ok: true as const, data: await postActivity(ctx, ctx.workspaceId, params.runId, body) }),
});

export const listLiveActivityOperation = defineWorkspaceOperation({
  id: 'listLiveActivity',
  method: 'GET',
  path: '/live/activity',
  permission: 'agents:read',
  tags: ['Work: Live'],
  summary: 'Recent activity of the agents’ runs',
  description: 'Newest first.',
  input: {
    query: workspaceQuery.extend({
      ...workPageQuery,
      run_id: z.string().max(100).optional().describe('Only this run’s'),
      initiative_id: z.string().max(100).optional().describe('Only this initiative’s'),
      agent_id: z.string().max(100).optional().describe('Only this agent’s (id or name)'),
    }),
  },
  output: okList(activitySchema),
  async run(ctx, { query }) {
    const { items, total } = await liveActivity(ctx, ctx.workspaceId, query);
    return listEnvelope(items, total, query);
  },
});

export const runOperations = [
  listRunsOperation,
  dispatchRunOperation,
  getRunOperation,
  actOnRunOperation,
  postRunActivityOperation,
  listLiveActivityOperation,
];
