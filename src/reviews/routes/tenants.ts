import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { contextOf } from '../../platform/authenticate.ts';
import { pageInfo, pageQuery, paginationSchema } from '../../platform/pagination.ts';
import type { Runtime } from '../../platform/runtime.ts';
import { tenantIdParams, tenantSchema } from '../schemas.ts';
import { getTenant, listTenants } from '../tenants.ts';

export function tenantRoutes(app: FastifyInstance, rt: Runtime) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/api/v1/tenants',
    {
      config: { permission: 'tenants:read' },
      schema: {
        operationId: 'listTenants',
        tags: ['Tenants'],
        summary: 'List tenants',
        description: 'Platform keys see every tenant (newest first); a tenant key sees only its own.',
        querystring: z.strictObject(pageQuery()),
        response: { 200: z.object({ tenants: z.array(tenantSchema), total: z.number().int(), pagination: paginationSchema }) },
      },
    },
    async (req) => {
      const { items, total } = await listTenants(contextOf(req, rt), req.query);
      return { tenants: items, ...pageInfo(req.query, total) };
    },
  );

  r.get(
    '/api/v1/tenants/:tenantId',
    {
      config: { permission: 'tenants:read' },
      schema: {
        operationId: 'getTenant',
        tags: ['Tenants'],
        summary: 'Get a tenant',
        params: tenantIdParams,
        response: { 200: z.object({ tenant: tenantSchema }) },
      },
    },
    async (req) => ({ tenant: await getTenant(contextOf(req, rt), req.params.tenantId) }),
  );
}
