import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { listTenantAudit } from '../audit-query.ts';
import { contextOf } from '../authenticate.ts';
import { pageInfo, pageQuery, paginationSchema } from '../pagination.ts';
import type { Runtime } from '../runtime.ts';

export const auditEntrySchema = z
  .object({
    id: z.uuid(),
    at: z.iso.datetime(),
    requestId: z.string(),
    method: z.string(),
    route: z.string().describe('The route template, e.g. /api/v1/tenants/:tenantId'),
    status: z.number().int(),
    durationMs: z.number().int(),
    principal: z
      .object({ kind: z.string(), id: z.uuid().nullable(), keyPrefix: z.string().nullable(), userId: z.uuid().nullable() })
      .nullable()
      .describe('null when authentication failed'),
    tenantId: z.uuid().nullable(),
    ip: z.string().nullable(),
    userAgent: z.string().nullable(),
  })
  .meta({ id: 'AuditEntry' });

export function auditRoutes(app: FastifyInstance, rt: Runtime) {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/api/v1/tenants/:tenantId/audit',
    {
      config: { permission: 'audit:read' },
      schema: {
        operationId: 'listAudit',
        tags: ['Audit'],
        summary: "List a tenant's audit log",
        description:
          'Every authenticated request made with the tenant\'s credentials or by platform operators on the tenant, newest first. Rows appear within a second of the request. Never contains keys, passwords, tokens or bodies.',
        params: z.object({ tenantId: z.uuid() }),
        querystring: z.strictObject({
          ...pageQuery(),
          from: z.iso.datetime({ offset: true }).optional().describe('Earliest time, inclusive'),
          to: z.iso.datetime({ offset: true }).optional().describe('Latest time, inclusive'),
          keyId: z.uuid().optional().describe('Only requests made with this credential'),
          status: z.coerce.number().int().min(100).max(599).optional().describe('Only this HTTP status'),
        }),
        response: { 200: z.object({ audit: z.array(auditEntrySchema), total: z.number().int(), pagination: paginationSchema }) },
      },
    },
    async (req) => {
      const { limit, offset, from, to, keyId, status } = req.query;
      const filter = { keyId, status, from: from ? new Date(from) : undefined, to: to ? new Date(to) : undefined };
      const { items, total } = await listTenantAudit(contextOf(req, rt), req.params.tenantId, filter, { limit, offset });
      return { audit: items, ...pageInfo({ limit, offset }, total) };
    },
  );
}
