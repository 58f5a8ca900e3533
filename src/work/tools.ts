// POST /api/client/tools/execute (a contract endpoint of docs/work-api-contract.md): the memory
// tools — orgx_search and orgx_recommend — run by id with their arguments. Any other tool id is a
// 403: the contract answers so for a tool the caller may not run, and an unknown one is no
// different.
import { z } from 'zod';
import { AppError, badRequest, type FieldErrors } from '../platform/errors.ts';
import { readLeniently, type FieldWarning } from '../platform/lenient-fields.ts';
import { authorizeTenant, type ServiceContext } from '../platform/principal.ts';
import { recommend, type Recommendation } from './recommend.ts';
import { decodeCursor, runSearch, SEARCH_SCOPES, SEARCH_TYPES, type SearchHit, type SearchType } from './search.ts';

export const TOOL_IDS = ['orgx_search', 'orgx_recommend'] as const;

/** `decision`, `decisions`, `Decision`: the type names clients send. */
const searchType = z
  .string()
  .trim()
  .toLowerCase()
  .transform((v) => (v.endsWith('s') ? v.slice(0, -1) : v))
  .pipe(z.enum(SEARCH_TYPES, `Must be one of ${SEARCH_TYPES.join(', ')}`));

/** One value, an array, or a comma-separated list. */
const listOf = <T extends z.ZodType<unknown, string>>(item: T) =>
  z.union([z.array(z.string()).max(20, 'At most 20'), z.string().max(500)]).transform((v) => (Array.isArray(v) ? v : v.split(',')).map((s) => s.trim()).filter(Boolean)).pipe(z.array(item));

export const searchArgsSchema = z
  .object({
    query: z.string().max(500, 'Must be at most 500 characters').optional().describe('Words to find; websearch syntax ("a phrase", or, -not). Without one, the most recently updated items'),
    type: listOf(searchType).optional().describe(`Only these types: ${SEARCH_TYPES.join(', ')} (one, a list, or comma-separated)`),
    status: listOf(z.string().max(40)).optional().describe('Only items in these statuses (one, a list, or comma-separated), e.g. pending'),
    scope: z.enum(SEARCH_SCOPES).optional().describe('all (default), artifacts, decisions, or initiatives (initiatives and their tasks)'),
    limit: z.coerce.number().int().min(1).max(50).optional().describe('1–50, default 10'),
    cursor: z.string().max(200).optional().describe('The next page: `next_cursor` of the previous answer, with the same other arguments'),
  })
  .meta({ id: 'OrgxSearchArgs' });

export const recommendArgsSchema = z
  .object({ limit: z.coerce.number().int().min(1).max(50).optional().describe('1–50, default 20') })
  .meta({ id: 'OrgxRecommendArgs' });

export type ToolData = { results: SearchHit[]; total: number; next_cursor: string | null } | { recommendations: Recommendation[] };

/**
 * The tool's arguments read like a request body (platform/lenient-fields.ts): other casings are
 * aliases, unknown arguments are named in `warnings` (`args.colour`), invalid ones are a 400.
 */
function parseArgs<T extends z.ZodType>(schema: T, args: unknown, warnings: FieldWarning[]): z.output<T> {
  const read = readLeniently(schema, args ?? {}, { prefix: 'args', what: 'argument' });
  warnings.push(...read.warnings);
  const parsed = schema.safeParse(read.value);
  if (parsed.success) return parsed.data;
  const fields: FieldErrors = {};
  for (const issue of parsed.error.issues) {
    // The argument, not the element of a list: `args.type`, not `args.type.0`.
    const key = issue.path.length ? `args.${String(issue.path[0])}` : 'args';
    (fields[key] ??= []).push(issue.message);
  }
  throw badRequest(fields);
}

export async function executeTool(ctx: ServiceContext, workspaceId: string, toolId: string, args: unknown): Promise<{ data: ToolData; warnings: FieldWarning[] }> {
  if (!(TOOL_IDS as readonly string[]).includes(toolId)) {
    throw new AppError(403, 'forbidden', `Tool ${JSON.stringify(toolId.slice(0, 100))} is not available: tools are ${TOOL_IDS.join(', ')}`);
  }
  const t = authorizeTenant(ctx, workspaceId, 'memory:read');
  const warnings: FieldWarning[] = [];
  if (toolId === 'orgx_search') {
    const a = parseArgs(searchArgsSchema, args, warnings);
    const after = a.cursor ? decodeCursor(a.cursor) : undefined;
    if (after === null) throw badRequest({ 'args.cursor': ['Not a cursor of this search: pass next_cursor from the previous answer'] });
    const data = await runSearch(ctx.rt.db, t, {
      after,
      query: a.query ?? '',
      types: (a.type?.length ? a.type : SEARCH_TYPES) as SearchType[],
      scope: a.scope ?? 'all',
      statuses: a.status?.length ? a.status : null,
      limit: a.limit ?? 10,
    });
    return { data, warnings };
  }
  const a = parseArgs(recommendArgsSchema, args, warnings);
  const p = ctx.principal;
  // Suggested calls are the ones this caller can make (recommend.ts).
  const caller = { permissions: p.permissions, human: p.human, workspaceId: p.tenantId === null ? t : undefined };
  return { data: { recommendations: await recommend(ctx.rt.db, t, caller, { limit: a.limit ?? 20 }) }, warnings };
}
