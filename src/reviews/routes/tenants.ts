import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { contextOf } from '../../platform/authenticate.ts';
import { pageInfo, pageQuery, paginationSchema } from '../../platform/pagination.ts';
import type { Runtime } from '../../platform/runtime.ts';
import { errorResponse } from '../../platform/http-errors.ts';
import { colorSchema, mapsUrlSchema, websiteUrlSchema } from '../listing-urls.ts';
import { slugSchema, tenantIdParams, tenantSchema } from '../schemas.ts';
import { deleteTenant, getTenant, listTenants, updateTenant } from '../tenants.ts';

const tenantPatchSchema = z
  .strictObject({
    name: z.string().trim().min(2, 'Must be at least 2 characters').max(200).optional(),
    slug: slugSchema.optional(),
    vertical: z.enum(['auto', 'fnb', 'beauty', 'clinic', 'retail', 'services', 'other']).nullable().optional(),
    websiteUrl: websiteUrlSchema.nullable().optional(),
    googleMapsUrl: mapsUrlSchema.nullable().optional(),
    googlePlaceCid: z.string().regex(/^\d{1,20}$/, 'Must be a decimal place CID').nullable().optional(),
    xhsHandle: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'Must be a Xiaohongshu handle').nullable().optional(),
    logoUrl: z.null().optional().describe('null removes the logo'),
    brandPrimaryColor: colorSchema.optional(),
    brandAccentColor: colorSchema.optional(),
    plan: z.string().trim().min(1).max(50).optional(),
    trialEndsAt: z.iso.datetime({ offset: true }).nullable().optional(),
    status: z.enum(['active', 'suspended']).optional().describe("'suspended' cuts off every credential of the tenant within seconds"),
  })
  .meta({ id: 'TenantPatch', example: { status: 'suspended' } });

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
