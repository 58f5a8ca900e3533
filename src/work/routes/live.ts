import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { pageInfo, paginationSchema } from '../../platform/pagination.ts';
import type { Runtime } from '../../platform/runtime.ts';
import { liveInitiatives } from '../live.ts';
import { initiativeSchema, workPageQuery, workspaceQuery } from '../schemas.ts';
import { workContext } from './common.ts';

export function liveRoutes(app: FastifyInstance, rt: Runtime) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['Work: Live'];

  r.get(
    '/api/client/live/initiatives',
    {
      config: { permission: 'initiatives:read' },
      schema: {
        operationId: 'listLiveInitiatives',
        tags,
        summary: 'Initiatives in play, with status and progress',
        description:
          'The OrgX contract endpoint: `{ initiatives, total, pagination }`. Every initiative that is not archived or cancelled, newest first; with `id`, only that one (whatever its status; none when it is not in this workspace).',
        querystring: workspaceQuery.extend({ ...workPageQuery, id: z.string().max(100).optional().describe('Only this initiative') }),
        response: { 200: z.object({ initiatives: z.array(initiativeSchema), total: z.number().int(), pagination: paginationSchema }) },
      },
    },
    async (req, reply) => {
      const { ctx, ws } = await workContext(req, rt);
      const page = await liveInitiatives(ctx, ws, req.query);
      // Pages are cached (liveInitiatives) and never mutated: each is validated and serialized
      // once by this route's schema, then its JSON is reused.
      let body = serialized.get(page);
      if (body === undefined) {
        serialized.set(page, (body = reply.serializeInput({ initiatives: page.items, ...pageInfo(req.query, page.total) }, '200') as string));
      }
      return (reply as FastifyReply).type('application/json; charset=utf-8').send(body);
    },
  );
}

const serialized = new WeakMap<object, string>();
