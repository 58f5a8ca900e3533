// Private feedback: customers' messages instead of a public review; listed (JSON or a CSV of
// every match) and marked resolved.
import { z } from 'zod';
import { csvDownload, csvResponse } from '../../platform/csv.ts';
import { defineOperation } from '../../platform/operations.ts';
import { pageInfo, pageQuery, paginationSchema } from '../../platform/pagination.ts';
import { tenantIdParams } from '../../platform/tenant-schemas.ts';
import { feedbackCsv, MAX_FEEDBACK_EXPORT_ROWS } from '../exports.ts';
import { listFeedback, resolveFeedback, type FeedbackPage } from '../feedback.ts';
import { feedbackFormatQuery, feedbackItemSchema, feedbackQuery, resolveFeedbackBody } from '../feedback-schemas.ts';

const tags = ['Feedback'];

/**
 * The answer of each cached page (listFeedback keeps pages per filter, limit and offset, and
 * never mutates them), made once so that it too is shared and the door encodes it once.
 */
const answers = new WeakMap<FeedbackPage, object>();
function answerOf(page: FeedbackPage, at: { limit: number; offset: number }): object {
  let answer = answers.get(page);
  if (answer === undefined) answers.set(page, (answer = { feedback: page.items, ...pageInfo(at, page.total) }));
  return answer;
}

export const listFeedbackOperation = defineOperation({
  id: 'listFeedback',
  method: 'GET',
  path: '/tenants/:tenantId/feedback',
  permission: 'feedback:read',
  tags,
  summary: 'List private feedback',
  description:
    'Feedback customers left privately instead of a public review, newest first, with shop and employee names. ' +
    `\`format=csv\` downloads every feedback the filters match instead of one page (\`limit\` and \`offset\` do not apply), newest first, up to ${MAX_FEEDBACK_EXPORT_ROWS.toLocaleString('en')} rows — beyond that the response carries \`X-Export-Truncated: true\` — as \`feedback-<slug>-<today>.csv\`.`,
  input: { params: tenantIdParams, query: z.strictObject({ ...pageQuery(), ...feedbackQuery, ...feedbackFormatQuery }) },
  output: {
    description: 'A page of feedback (JSON), or all of it (format=csv)',
    content: {
      'application/json': {
        schema: z.object({ feedback: z.array(feedbackItemSchema), total: z.number().int(), pagination: paginationSchema }),
      },
      'text/csv': csvResponse('Columns createdAt, shopName, employeeName, rating, message, contact, resolved, resolvedAt, sessionId'),
    },
  },
  sharedAnswers: true,
  async run(ctx, { params, query }) {
    const { limit, offset, resolved, shopId, employeeId, format } = query;
    const filter = { shopId, employeeId, resolved: resolved === undefined ? undefined : resolved === 'true' };
    if (format === 'csv') return csvDownload(await feedbackCsv(ctx, params.tenantId, filter));
    return answerOf(await listFeedback(ctx, params.tenantId, filter, { limit, offset }), { limit, offset });
  },
});

export const resolveFeedbackOperation = defineOperation({
  id: 'resolveFeedback',
  method: 'PATCH',
  path: '/tenants/:tenantId/feedback',
  permission: 'feedback:write',
  tags,
  summary: 'Mark feedback resolved or unresolved',
  description: "An unknown session, a session without feedback, or another tenant's session is the same 404.",
  input: { params: tenantIdParams, body: resolveFeedbackBody },
  output: z.object({ feedback: feedbackItemSchema }),
  run: async (ctx, { params, body }) => ({ feedback: await resolveFeedback(ctx, params.tenantId, body.sessionId, body.resolved) }),
});

export const feedbackOperations = [listFeedbackOperation, resolveFeedbackOperation];
