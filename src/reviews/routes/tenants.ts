import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { contextOf } from '../../platform/authenticate.ts';
import { pageInfo, pageQuery, paginationSchema } from '../../platform/pagination.ts';
import type { Runtime } from '../../platform/runtime.ts';
import { errorResponse } from '../../platform/http-errors.ts';
import { tenantIdParams, tenantPatchSchema, tenantSchema } from '../schemas.ts';
import { deleteTenant, getTenant, listTenants, updateTenant } from '../tenants.ts';

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

  r.patch(
    '/api/v1/tenants/:tenantId',
    {
      config: { permission: 'tenants:write' },
      schema: {
        operationId: 'updateTenant',
        tags: ['Tenants'],
        summary: 'Change, suspend or reactivate a tenant',
        description: 'Platform keys only. Absent fields stay as they are; null clears a nullable one.',
        params: tenantIdParams,
        body: tenantPatchSchema,
        response: { 200: z.object({ tenant: tenantSchema }), 409: errorResponse('The slug is taken') },
      },
    },
    async (req) => ({ tenant: await updateTenant(contextOf(req, rt), req.params.tenantId, req.body) }),
  );

  r.delete(
    '/api/v1/tenants/:tenantId',
    {
      config: { permission: 'tenants:write' },
      schema: {
        operationId: 'deleteTenant',
        tags: ['Tenants'],
        summary: 'Delete a tenant and all its data',
        description: 'Platform keys only. Irreversible: `confirm` must repeat the tenant\'s slug.',
        params: tenantIdParams,
        querystring: z.strictObject({ confirm: z.string().optional().describe("The tenant's slug") }),
        response: { 204: z.null().describe('Deleted') },
      },
    },
    async (req, reply) => {
      await deleteTenant(contextOf(req, rt), req.params.tenantId, req.query.confirm);
      return reply.code(204).send(null);
    },
  );
}
