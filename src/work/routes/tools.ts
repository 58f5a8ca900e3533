// The memory tools (orgx_search, orgx_recommend), run by id through one contract endpoint.
import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import { warningsSchema } from '../../platform/lenient-fields.ts';
import { defineWorkspaceOperation } from '../../platform/operations.ts';
import { AT_RISK_DAYS, RECOMMENDATION_KINDS, STALE_RUN_MINUTES } from '../recommend.ts';
import { workspaceIdField, workspaceQuery } from '../schemas.ts';
import { SEARCH_TYPES } from '../search.ts';
import { executeTool, recommendArgsSchema, searchArgsSchema, TOOL_IDS } from '../tools.ts';

const hitSchema = z
  .object({
    type: z.enum(SEARCH_TYPES),
    id: z.uuid(),
    title: z.string(),
    snippet: z.string().describe('Matches marked **like this**'),
    status: z.string(),
    score: z.number(),
    initiative_id: z.uuid().nullable(),
    updated_at: z.iso.datetime(),
  })
  .meta({ id: 'SearchHit' });

const recommendationSchema = z
  .object({
    kind: z.enum(RECOMMENDATION_KINDS),
    entity_type: z.enum(['decision', 'task', 'run', 'initiative']),
    entity_id: z.uuid(),
    title: z.string(),
    reason: z.string(),
    urgency: z.enum(['low', 'medium', 'high', 'critical']),
    suggested_call: z.object({
      tool: z.string().describe('The MCP tool'),
      args: z.record(z.string(), z.unknown()),
      method: z.enum(['GET', 'POST']).describe('The REST twin'),
      path: z.string(),
    }),
  })
  .meta({ id: 'Recommendation' });

const bodySchema = z
  .object({
    tool_id: z.string().max(100).describe(`One of ${TOOL_IDS.join(', ')}; any other is a 403`),
    args: z.record(z.string(), z.unknown()).nullish().describe('The tool’s arguments (OrgxSearchArgs or OrgxRecommendArgs)'),
    workspace_id: workspaceIdField,
  })
  .meta({
    id: 'ToolExecuteRequest',
    example: { tool_id: 'orgx_search', args: { query: 'landing page', type: 'task', status: 'todo', limit: 10 } },
  });

export const executeToolOperation = defineWorkspaceOperation({
  id: 'executeTool',
  method: 'POST',
  path: '/tools/execute',
  permission: 'memory:read',
  tags: ['Work: Memory'],
  summary: 'Run a memory tool (orgx_search, orgx_recommend)',
  description: [
    'The OrgX contract endpoint: `{ ok, data, tool_id, execution_time_ms }`. An unknown `tool_id` is a 403.',
    '',
    `- \`orgx_search\` → \`{ results: [SearchHit], total, next_cursor }\`: ranked search over this workspace's initiatives, tasks, decisions and artifacts: English full text first; when the words match nothing, the text as typed (substring: Chinese, partial words); when that matches nothing either, trigram similarity (typos). Snippets mark matches **like this**. Args: ${Object.keys(searchArgsSchema.shape).join(', ')}. Without \`query\`, the most recently updated items.`,
    `- \`orgx_recommend\` → \`{ recommendations: [Recommendation] }\`: pending decisions (by urgency and age), blocked tasks, runs with no update for ${STALE_RUN_MINUTES} min, initiatives at risk (marked so, blocked, or within ${AT_RISK_DAYS} days of their target date with work left), ready tasks — ordered by urgency, each with a reason and the call to make next — one this credential may make (approving needs a person and \`decisions:write\`; without a permission the suggestion falls back to reading the item, and an item the credential can make no call about is left out). Args: ${Object.keys(recommendArgsSchema.shape).join(', ')}.`,
  ].join('\n'),
  input: { query: workspaceQuery, body: bodySchema },
  output: z.object({
    ok: z.literal(true),
    data: z.union([
      z.object({ results: z.array(hitSchema), total: z.number().int(), next_cursor: z.string().nullable().describe('Pass as `cursor` for the next page; null on the last') }),
      z.object({ recommendations: z.array(recommendationSchema) }),
    ]),
    tool_id: z.enum(TOOL_IDS),
    execution_time_ms: z.number().int(),
    warnings: warningsSchema.optional(),
  }),
  errors: { 403: 'The key lacks memory:read, or the tool is not one of these' },
  async run(ctx, { body }) {
    const t0 = performance.now();
    const { data, warnings } = await executeTool(ctx, ctx.workspaceId, body.tool_id, body.args);
    const answer = { ok: true as const, data, tool_id: body.tool_id as (typeof TOOL_IDS)[number], execution_time_ms: Math.round(performance.now() - t0) };
    // Unknown arguments are named like unknown body fields (the door adds those to the same list).
    return warnings.length > 0 ? { ...answer, warnings } : answer;
  },
});

export const toolOperations = [executeToolOperation];
