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

/**
 * A page of rows and the total they belong to. A page shorter than its limit already tells the
 * total: the rows before it plus its own (in the page's own snapshot, so the two cannot disagree).
 * The count runs only for a full page, or for an empty one past the start (the total is then
 * below the offset). Most lists fit one page, so most answers take one statement instead of two;
 * a full page's count waits for the page instead of running beside it.
 */
export async function pageAndTotal<Row>(
  page: { limit?: number | null; offset: number },
  rows: () => PromiseLike<Row[]>,
  count: () => PromiseLike<readonly { n: number | string }[]>,
): Promise<[Row[], number]> {
  const items = await rows();
  if (items.length < (page.limit ?? Infinity) && (items.length > 0 || page.offset === 0)) return [items, page.offset + items.length];
  const [{ n }] = await count();
  return [items, Number(n)];
}

/**
 * A page whose statement also selects the list's total (`keptTotal`, a kept count cheap enough to
 * read with every page): one statement instead of two. Only an empty page past the start, which
 * has no row to carry the total, asks `count`.
 */
export async function pageWithTotal<Row extends { total: number }>(
  page: { offset: number },
  rows: () => PromiseLike<Row[]>,
  count: () => PromiseLike<readonly { n: number | string }[]>,
): Promise<[Row[], number]> {
  const items = await rows();
  if (items.length > 0) return [items, items[0].total];
  if (page.offset === 0) return [items, 0];
  const [{ n }] = await count();
  return [items, Number(n)];
}
