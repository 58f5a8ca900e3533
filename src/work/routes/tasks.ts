import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { workErrorResponse } from '../../platform/http-errors.ts';
import type { Runtime } from '../../platform/runtime.ts';
import {
  actionBodySchema,
  createTaskBodySchema,
  deletedSchema,
  idParams,
  okData,
  okList,
  taskSchema,
  updateTaskBodySchema,
  workPageQuery,
  workspaceQuery,
} from '../schemas.ts';
import { actOnTask, createTask, deleteTask, getTask, listTasks, updateTask } from '../tasks.ts';
import { describeTable, TASK_ACTIONS, TASK_STATUSES, type TaskAction } from '../transitions.ts';
import { listEnvelope, statusesOf, statusFilter, workContext } from './common.ts';

const params = idParams('taskId', 'task');
const actionParams = params.extend({ action: z.enum(Object.keys(TASK_ACTIONS) as [TaskAction, ...TaskAction[]]) });
const one = okData(taskSchema);

const CASCADE = `When a task is done: its workstream, milestone and initiative count it (progress = done ÷ all, rounded down); the queued task with the lowest \`sequence\` in the same workstream (todo, all its dependencies done) starts if the workstream is active, and each of its active assigned agents gets a run in status \`queued\`; a milestone completes when all its tasks are done; a workstream completes when all its tasks are done, and workstreams depending on it go from pending to ready; the initiative completes when all its workstreams are completed.`;

export function taskRoutes(app: FastifyInstance, rt: Runtime) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['Work: Tasks'];

  r.get(
    '/api/client/tasks',
    {
      config: { permission: 'initiatives:read' },
      schema: {
        operationId: 'listTasks',
        tags,
        summary: 'List tasks',
        description: 'Oldest first; filtered by a workstream, in `sequence` order.',
        querystring: workspaceQuery.extend({
          ...workPageQuery,
          initiative_id: z.string().max(100).optional().describe('Only this initiative’s'),
          workstream_id: z.string().max(100).optional().describe('Only this workstream’s'),
          milestone_id: z.string().max(100).optional().describe('Only this milestone’s'),
          status: statusFilter(TASK_STATUSES),
        }),
        response: { 200: okList(taskSchema) },
      },
    },
    async (req) => {
      const { ctx, ws } = await workContext(req, rt);
      const { items, total } = await listTasks(ctx, ws, { ...req.query, status: statusesOf(req.query.status) });
      return listEnvelope(items, total, req.query);
    },
  );

  r.post(
    '/api/client/tasks',
    {
      config: { permission: 'initiatives:write' },
      schema: {
        operationId: 'createTask',
        tags,
        summary: 'Create a task',
        description:
          'In a workstream (or the workstream of `milestone_id`), status `todo`. The milestone must be of the same initiative and workstream (400); dependencies tasks of the same initiative (400); ids not in this workspace are 404. 409 when the initiative, workstream or milestone takes no new work. Writes `task.created`, and `initiative.updated` when its progress moves.',
        querystring: workspaceQuery,
        body: createTaskBodySchema,
        response: { 201: one, 409: workErrorResponse('The initiative, workstream or milestone takes no new work') },
      },
    },
    async (req, reply) => {
      const { ctx, ws } = await workContext(req, rt);
      return reply.code(201).send({ ok: true, data: await createTask(ctx, ws, req.body) });
    },
  );

  r.get(
    '/api/client/tasks/:taskId',
    {
      config: { permission: 'initiatives:read' },
      schema: { operationId: 'getTask', tags, summary: 'Get a task', params, querystring: workspaceQuery, response: { 200: one } },
    },
    async (req) => {
      const { ctx, ws } = await workContext(req, rt);
      return { ok: true as const, data: await getTask(ctx, ws, req.params.taskId) };
    },
  );

  r.patch(
    '/api/client/tasks/:taskId',
    {
      config: { permission: 'initiatives:write' },
      schema: {
        operationId: 'updateTask',
        tags,
        summary: 'Edit, move or re-plan a task',
        description:
          'New `depends_on` or `assigned_agent_ids` lists replace the old ones; a dependency on itself or one closing a cycle is a 400. A `status` performs the lifecycle action leading there (409 when none does), with the same cascade as the action.',
        params,
        querystring: workspaceQuery,
        body: updateTaskBodySchema,
        response: { 200: one, 409: workErrorResponse('No lifecycle action leads from the current status to the one requested, or the task cannot start yet') },
      },
    },
    async (req) => {
      const { ctx, ws } = await workContext(req, rt);
      return { ok: true as const, data: await updateTask(ctx, ws, req.params.taskId, req.body) };
    },
  );

  r.delete(
    '/api/client/tasks/:taskId',
    {
      config: { permission: 'initiatives:write' },
      schema: {
        operationId: 'deleteTask',
        tags,
        summary: 'Delete a task',
        description: 'With its runs and artifacts; decisions about it stay, unlinked. Progress is recounted.',
        params,
        querystring: workspaceQuery,
        response: { 200: okData(deletedSchema) },
      },
    },
    async (req) => {
      const { ctx, ws } = await workContext(req, rt);
      return { ok: true as const, data: await deleteTask(ctx, ws, req.params.taskId) };
    },
  );

  r.post(
    '/api/client/tasks/:taskId/actions/:action',
    {
      config: { permission: 'initiatives:write' },
      schema: {
        operationId: 'actOnTask',
        tags,
        summary: 'Start, complete, block or unblock a task',
        description: `Actions (current status → new status):\n\n${describeTable(TASK_ACTIONS)}\n\nA task starts (or completes without having started) only while its initiative is draft, active, blocked or at risk, its workstream is not pending or paused, and every task it depends on is done (409 otherwise); its workstream then becomes active. ${CASCADE} Writes \`task.completed\` or \`task.updated\`, then the events of the cascade.`,
        params: actionParams,
        querystring: workspaceQuery,
        body: actionBodySchema.nullish(),
        response: { 200: one, 409: workErrorResponse('The action is not allowed from the current status, or the task cannot start yet') },
      },
    },
    async (req) => {
      const { ctx, ws } = await workContext(req, rt);
      return { ok: true as const, data: await actOnTask(ctx, ws, req.params.taskId, req.params.action, req.body?.reason) };
    },
  );
}
