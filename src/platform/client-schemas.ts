// The wire conventions of /api/client that every module's operations there share
// (docs/work-api-contract.md §2): the `workspace_id` a platform credential names, list paging
// (default 50, 1–200), and the `{ ok, data }` envelope with `total` and `pagination` on lists.
import { z } from 'zod';
import { paginationSchema } from './pagination.ts';

export const workspaceIdField = z
  .string()
  .max(100)
  .optional()
  .describe('Platform credentials only: the workspace (tenant id) to act in; others act in their own and may omit it');

/** Query parameters every Work route accepts. */
export const workspaceQuery = z.object({ workspace_id: workspaceIdField });

/** `limit`/`offset` of /api/client lists: default 50, 1–200; anything else is a 400. */
export const workPageQuery = {
  limit: z.coerce.number().int().min(1).max(200).default(50).describe('Page size, 1–200 (default 50)'),
  offset: z.coerce.number().int().min(0).default(0).describe('Items to skip (default 0); the next page is offset + limit'),
};

export const okData = <T extends z.ZodType>(data: T) => z.object({ ok: z.literal(true), data });
export const okList = <T extends z.ZodType>(item: T) =>
  z.object({ ok: z.literal(true), data: z.array(item), total: z.number().int(), pagination: paginationSchema });
