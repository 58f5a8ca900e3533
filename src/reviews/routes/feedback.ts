import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { contextOf } from '../../platform/authenticate.ts';
import { csvResponse, sendCsv } from '../../platform/csv.ts';
import { pageInfo, pageQuery, paginationSchema } from '../../platform/pagination.ts';
import type { Runtime } from '../../platform/runtime.ts';
import { feedbackFormatQuery, feedbackItemSchema, feedbackQuery, resolveFeedbackBody } from '../analytics-schemas.ts';
import { feedbackCsv, MAX_FEEDBACK_EXPORT_ROWS } from '../exports.ts';
import { listFeedback, resolveFeedback } from '../feedback.ts';
import { tenantIdParams } from '../../platform/tenant-schemas.ts';

export function feedbackRoutes(app: FastifyInstance, rt: Runtime) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/api/v1/tenants/:tenantId/feedback',
    {
      config: { permission: 'feedback:read' },
      schema: {
        operationId: 'listFeedback',
        tags: ['Feedback'],
        summary: 'List private feedback',
        description:
          'Feedback customers left privately instead of a public review, newest first, with shop and employee names. ' +
          `\`format=csv\` downloads every feedback the filters match instead of one page (\`limit\` and \`offset\` do not apply), newest first, up to ${MAX_FEEDBACK_EXPORT_ROWS.toLocaleString('en')} rows — beyond that the response carries \`X-Export-Truncated: true\` — as \`feedback-<slug>-<today>.csv\`.`,
        params: tenantIdParams,
        querystring: z.strictObject({ ...pageQuery(), ...feedbackQuery, ...feedbackFormatQuery }),
        response: {
          200: {
            description: 'A page of feedback (JSON), or all of it (format=csv)',
            content: {
              'application/json': {
                schema: z.object({ feedback: z.array(feedbackItemSchema), total: z.number().int(), pagination: paginationSchema }),
              },
              'text/csv': csvResponse('Columns createdAt, shopName, employeeName, rating, message, contact, resolved, resolvedAt, sessionId'),
            },
          },
        },
      },
    },
    async (req, reply) => {
      const { limit, offset, resolved, shopId, employeeId, format } = req.query;
      const filter = { shopId, employeeId, resolved: resolved === undefined ? undefined : resolved === 'true' };
      if (format === 'csv') return sendCsv(reply, await feedbackCsv(contextOf(req, rt), req.params.tenantId, filter));
      const page = await listFeedback(contextOf(req, rt), req.params.tenantId, filter, { limit, offset });
      // Pages are cached per filter and page (listFeedback) and never mutated: each is validated
      // and serialized once by this route's schema, then its JSON is reused.
      let body = serialized.get(page);
      if (body === undefined) {
        serialized.set(page, (body = reply.serializeInput({ feedback: page.items, ...pageInfo({ limit, offset }, page.total) }, '200', 'application/json') as string));
      }
      return (reply as FastifyReply).type('application/json; charset=utf-8').send(body);
    },
  );

  r.patch(
    '/api/v1/tenants/:tenantId/feedback',
    {
      config: { permission: 'feedback:write' },
      schema: {
        operationId: 'resolveFeedback',
        tags: ['Feedback'],
        summary: 'Mark feedback resolved or unresolved',
        description: 'An unknown session, a session without feedback, or another tenant\'s session is the same 404.',
        params: tenantIdParams,
        body: resolveFeedbackBody,
        response: { 200: z.object({ feedback: feedbackItemSchema }) },
      },
    },
    async (req) => ({ feedback: await resolveFeedback(contextOf(req, rt), req.params.tenantId, req.body.sessionId, req.body.resolved) }),
  );
}

const serialized = new WeakMap<object, string>();
