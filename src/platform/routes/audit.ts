// A tenant's audit log: every authenticated request made on the tenant, as recorded.
import { z } from 'zod';
import { listTenantAudit } from '../audit-query.ts';
import { defineOperation } from '../operations.ts';
import { pageInfo, pageQuery, paginationSchema } from '../pagination.ts';

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

/** A page of audit entries, as both audit lists (a tenant's, the platform's) answer it. */
export const auditListSchema = z.object({ audit: z.array(auditEntrySchema), total: z.number().int(), pagination: paginationSchema });

/** The filters both audit lists take. */
export const auditFilterQuery = {
  from: z.iso.datetime({ offset: true }).optional().describe('Earliest time, inclusive'),
  to: z.iso.datetime({ offset: true }).optional().describe('Latest time, inclusive'),
  keyId: z.uuid().optional().describe('Only requests made with this credential'),
};

/** `from`/`to` as the audit query takes them. */
export const auditTimes = (query: { from?: string; to?: string }) => ({
  from: query.from ? new Date(query.from) : undefined,
  to: query.to ? new Date(query.to) : undefined,
});

export const listAuditOperation = defineOperation({
  id: 'listAudit',
  method: 'GET',
  path: '/tenants/:tenantId/audit',
  permission: 'audit:read',
  tags: ['Audit'],
  summary: "List a tenant's audit log",
  description:
    'Every authenticated request made with the tenant\'s credentials or by platform operators on the tenant, newest first. Rows appear within a second of the request. Never contains keys, passwords, tokens or bodies.',
  input: {
    params: z.object({ tenantId: z.uuid() }),
    query: z.strictObject({
      ...pageQuery(),
      ...auditFilterQuery,
      status: z.coerce.number().int().min(100).max(599).optional().describe('Only this HTTP status'),
    }),
  },
  output: auditListSchema,
  async run(ctx, { params, query }) {
    const { limit, offset, keyId, status } = query;
    const { items, total } = await listTenantAudit(ctx, params.tenantId, { keyId, status, ...auditTimes(query) }, { limit, offset });
    return { audit: items, ...pageInfo({ limit, offset }, total) };
  },
});

export const auditOperations = [listAuditOperation];
