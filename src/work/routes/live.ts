// The live view every connected client polls: the initiatives in play.
import { z } from 'zod';
import { defineWorkspaceOperation } from '../../platform/operations.ts';
import { paginationSchema } from '../../platform/pagination.ts';
import { initiativeSchema } from '../initiative-schemas.ts';
import { liveInitiatives } from '../live.ts';
import { workPageQuery, workspaceQuery } from '../schemas.ts';

export const listLiveInitiativesOperation = defineWorkspaceOperation({
  id: 'listLiveInitiatives',
  method: 'GET',
  path: '/live/initiatives',
  permission: 'initiatives:read',
  tags: ['Work: Live'],
  summary: 'Initiatives in play, with status and progress',
  description:
    'The OrgX contract endpoint: `{ initiatives, total, pagination }`. Every initiative that is not archived or cancelled, newest first; with `id`, only that one (whatever its status; none when it is not in this workspace).',
  input: { query: workspaceQuery.extend({ ...workPageQuery, id: z.string().max(100).optional().describe('Only this initiative') }) },
  output: z.object({ initiatives: z.array(initiativeSchema), total: z.number().int(), pagination: paginationSchema }),
  // Answers are kept per node (liveInitiatives) and never mutated: each is encoded once.
  sharedAnswers: true,
  run: (ctx, { query }) => liveInitiatives(ctx, ctx.workspaceId, query),
});

export const liveOperations = [listLiveInitiativesOperation];
