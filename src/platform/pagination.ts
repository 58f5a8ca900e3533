// The list convention of /api/v1: ?limit=1–500 (default 100) and ?offset=, answered with
// `total` and `pagination: { limit, offset, has_more }` beside the items.
import { z } from 'zod';

export interface Page {
  limit: number;
  offset: number;
}

/** The page size of a list called without `limit`. */
export const DEFAULT_PAGE_SIZE = 100;

export const pageQuery = (defaultLimit = DEFAULT_PAGE_SIZE, max = 500) => ({
  limit: z.coerce.number().int().min(1).max(max).default(defaultLimit).describe(`Page size, 1–${max} (default ${defaultLimit})`),
  offset: z.coerce.number().int().min(0).default(0).describe('Items to skip (default 0)'),
});

export const paginationSchema = z.object({
  limit: z.number().int(),
  offset: z.number().int(),
  has_more: z.boolean(),
});

export const pageInfo = (page: Page, total: number) => ({
  total,
  pagination: { limit: page.limit, offset: page.offset, has_more: page.offset + page.limit < total },
});
