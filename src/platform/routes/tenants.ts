// Tenants: read by their own credentials; changed, suspended and deleted by platform operators.
// (Creating one is provisioning, the Reviews module's `provisionTenant`.)
import { z } from 'zod';
import { defineOperation } from '../operations.ts';
import { pageInfo, pageQuery, paginationSchema } from '../pagination.ts';
import { tenantIdParams, tenantPatchSchema, tenantSchema } from '../tenant-schemas.ts';
import { deleteTenant, getTenant, listTenants, updateTenant } from '../tenants.ts';

const tags = ['Tenants'];
const tenantResponse = z.object({ tenant: tenantSchema });

export const listTenantsOperation = defineOperation({
  id: 'listTenants',
  method: 'GET',
  path: '/tenants',
  permission: 'tenants:read',
  tags,
  summary: 'List tenants',
  description: 'Platform keys see every tenant (newest first); a tenant key sees only its own.',
  input: { query: z.strictObject(pageQuery()) },
  output: z.object({ tenants: z.array(tenantSchema), total: z.number().int(), pagination: paginationSchema }),
  async run(ctx, { query }) {
    const { items, total } = await listTenants(ctx, query);
    return { tenants: items, ...pageInfo(query, total) };
  },
});

export const getTenantOperation = defineOperation({
  id: 'getTenant',
  method: 'GET',
  path: '/tenants/:tenantId',
  permission: 'tenants:read',
  tags,
  summary: 'Get a tenant',
  input: { params: tenantIdParams },
  output: tenantResponse,
  run: async (ctx, { params }) => ({ tenant: await getTenant(ctx, params.tenantId) }),
});

export const updateTenantOperation = defineOperation({
  id: 'updateTenant',
  method: 'PATCH',
  path: '/tenants/:tenantId',
  permission: 'tenants:write',
  tags,
  summary: 'Change, suspend or reactivate a tenant',
  description: 'Platform keys only. Absent fields stay as they are; null clears a nullable one.',
  input: { params: tenantIdParams, body: tenantPatchSchema },
  output: tenantResponse,
  errors: { 409: 'The slug is taken' },
  run: async (ctx, { params, body }) => ({ tenant: await updateTenant(ctx, params.tenantId, body) }),
});

export const deleteTenantOperation = defineOperation({
  id: 'deleteTenant',
  method: 'DELETE',
  path: '/tenants/:tenantId',
  permission: 'tenants:write',
  tags,
  summary: 'Delete a tenant and all its data',
  description: "Platform keys only. Irreversible: `confirm` must repeat the tenant's slug.",
  input: { params: tenantIdParams, query: z.strictObject({ confirm: z.string().optional().describe("The tenant's slug") }) },
  output: z.null().describe('Deleted'),
  status: 204,
  async run(ctx, { params, query }) {
    await deleteTenant(ctx, params.tenantId, query.confirm);
    return null;
  },
});

export const tenantOperations = [listTenantsOperation, getTenantOperation, updateTenantOperation, deleteTenantOperation];
