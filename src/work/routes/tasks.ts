// Tasks: the units of work; completing one drives the cascade.
import { z } from 'zod';
import { defineWorkspaceOperation } from '../../platform/operations.ts';
import { actionBodySchema, deletedSchema, idParams, okData, okList, workPageQuery, workspaceQuery } from '../schemas.ts';
import { actOnTask } from '../task-lifecycle.ts';
import { createTaskBodySchema, taskSchema, updateTaskBodySchema } from '../task-schemas.ts';
import { createTask, deleteTask, getTask, listTasks, updateTask } from '../tasks.ts';
import { describeTable, TASK_ACTIONS, TASK_STATUSES, type TaskAction } from '../transitions.ts';
import { listEnvelope, statusesOf, statusFilter } from './common.ts';

const tags = ['Work: Tasks'];
const params = idParams('taskId', 'task');
const actionParams = params.extend({ action: z.enum(Object.keys(TASK_ACTIONS) as [TaskAction, ...TaskAction[]]) });
const one = okData(taskSchema);

const CASCADE = `When a task is done: its workstream, milestone and initiative count it (progress = done ÷ all, rounded down); the queued task with the lowest \`sequence\` in the same workstream (todo, all its dependencies done) starts if the workstream is active, and each of its active assigned agents gets a run in status \`queued\`; a milestone completes when all its tasks are done; a workstream completes when all its tasks are done, and workstreams depending on it go from pending to ready; the initiative completes when all its workstreams are completed.`;

export const listTasksOperation = defineWorkspaceOperation({
  id: 'listTasks',
  method: 'GET',
  path: '/tasks',
  permission: 'initiatives:read',
  tags,
  summary: 'List tasks',
  description: 'Oldest first; filtered by a workstream, in `sequence` order.',
  input: {
    query: workspaceQuery.extend({
      ...workPageQuery,
      initiative_id: z.string().max(100).optional().describe('Only this initiative’s'),
      workstream_id: z.string().max(100).optional().describe('Only this workstream’s'),
      milestone_id: z.string().max(100).optional().describe('Only this milestone’s'),
      status: statusFilter(TASK_STATUSES),
    }),
  },
  output: okList(taskSchema),
  async run(ctx, { query }) {
    const { items, total } = await listTasks(ctx, ctx.workspaceId, { ...query, status: statusesOf(query.status) });
    return listEnvelope(items, total, query);
  },
});

export const createTaskOperation = defineWorkspaceOperation({
  id: 'createTask',
  method: 'POST',
  path: '/tasks',
  permission: 'initiatives:write',
  tags,
  summary: 'Create a task',
  description:
    'In a workstream (or the workstream of `milestone_id`), status `todo`. The milestone must be of the same initiative and workstream (400); dependencies tasks of the same initiative (400); ids not in this workspace are 404. 409 when the initiative, workstream or milestone takes no new work. Writes `task.created`, and `initiative.updated` when its progress moves.',
  input: { query: workspaceQuery, body: createTaskBodySchema },
  output: one,
  status: 201,
  errors: { 409: 'The initiative, workstream or milestone takes no new work' },
  run: async (ctx, { body }) => ({ ok: true as const, data: await createTask(ctx, ctx.workspaceId, body) }),
});

export const getTaskOperation = defineWorkspaceOperation({
  id: 'getTask',
  method: 'GET',
  path: '/tasks/:taskId',
  permission: 'initiatives:read',
  tags,
  summary: 'Get a task',
  input: { params, query: workspaceQuery },
  output: one,
  run: async (ctx, { params }) => ({ ok: true as const, data: await getTask(ctx, ctx.workspaceId, params.taskId) }),
});

export const updateTaskOperation = defineWorkspaceOperation({
  id: 'updateTask',
  method: 'PATCH',
  path: '/tasks/:taskId',
  permission: 'initiatives:write',
  tags,
  summary: 'Edit, move or re-plan a task',
  description:
    'New `depends_on` or `assigned_agent_ids` lists replace the old ones; a dependency on itself or one closing a cycle is a 400. A `status` performs the lifecycle action leading there (409 when none does), with the same cascade as the action.',
  input: { params, query: workspaceQuery, body: updateTaskBodySchema },
  output: one,
  errors: { 409: 'No lifecycle action leads from the current status to the one requested, or the task cannot start yet' },
  run: async (ctx, { params, body }) => ({ ok: true as const, data: await updateTask(ctx, ctx.workspaceId, params.taskId, body) }),
});

export const deleteTaskOperation = defineWorkspaceOperation({
  id: 'deleteTask',
  method: 'DELETE',
  path: '/tasks/:taskId',
  permission: 'initiatives:write',
  tags,
  summary: 'Delete a task',
  description: 'With its runs and artifacts; decisions about it stay, unlinked. Progress is recounted.',
  input: { params, query: workspaceQuery },
  output: okData(deletedSchema),
  run: async (ctx, { params }) => ({ ok: true as const, data: await deleteTask(ctx, ctx.workspaceId, params.taskId) }),
});

/**
 * One REST route serves the four actions (`/actions/start` …); the service names each verb
 * (startTask, completeTask, blockTask, unblockTask in task-lifecycle.ts).
 */
export const actOnTaskOperation = defineWorkspaceOperation({
  id: 'actOnTask',
  method: 'POST',
  path: '/tasks/:taskId/actions/:action',
  permission: 'initiatives:write',
  tags,
  summary: 'Start, complete, block or unblock a task',
  description: `Actions (current status → new status):\n\n${describeTable(TASK_ACTIONS)}\n\nA task starts (or completes without having started) only while its initiative is draft, active, blocked or at risk, its workstream is not pending or paused, and every task it depends on is done (409 otherwise); its workstream then becomes active. ${CASCADE} Writes \`task.completed\` or \`task.updated\`, then the events of the cascade.`,
  input: { params: actionParams, query: workspaceQuery, body: actionBodySchema.nullish() },
  output: one,
  errors: { 409: 'The action is not allowed from the current status, or the task cannot start yet' },
  run: async (ctx, { params, body }) => ({ ok: true as const, data: await actOnTask(ctx, ctx.workspaceId, params.taskId, params.action, body?.reason) }),
});

export const taskOperations = [listTasksOperation, createTaskOperation, getTaskOperation, updateTaskOperation, deleteTaskOperation, actOnTaskOperation];
