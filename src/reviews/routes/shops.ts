import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { contextOf } from '../../platform/authenticate.ts';
import { errorResponse } from '../../platform/http-errors.ts';
import { pageInfo, pageQuery, paginationSchema } from '../../platform/pagination.ts';
import type { Runtime } from '../../platform/runtime.ts';
import { createShopBodySchema, shopSchema, updateShopBodySchema } from '../resource-schemas.ts';
import { tenantIdParams } from '../../platform/tenant-schemas.ts';
import { createShop, deleteShop, getShop, listShops, updateShop } from '../shops.ts';

const shopParams = tenantIdParams.extend({ shopId: z.uuid().describe('The shop id') });
const shopResponse = z.object({ shop: shopSchema });
const LISTING_RULES =
  '`googleMapsUrl` must be a Google Maps URL (its `googlePlaceCid` is derived; a short link leaves it null); `xhsHandle` takes a Xiaohongshu profile URL, an xhslink.com link or an @handle.';

export function shopRoutes(app: FastifyInstance, rt: Runtime) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['Shops'];

  r.get(
    '/api/v1/tenants/:tenantId/shops',
    {
      config: { permission: 'shops:read' },
      schema: {
        operationId: 'listShops',
        tags,
        summary: "List a tenant's shops",
        description: 'Oldest first; deleted shops are not listed.',
        params: tenantIdParams,
        querystring: z.strictObject(pageQuery()),
        response: { 200: z.object({ shops: z.array(shopSchema), total: z.number().int(), pagination: paginationSchema }) },
      },
    },
    async (req) => {
      const { items, total } = await listShops(contextOf(req, rt), req.params.tenantId, req.query);
      return { shops: items, ...pageInfo(req.query, total) };
    },
  );

  r.post(
    '/api/v1/tenants/:tenantId/shops',
    {
      config: { permission: 'shops:write' },
      schema: {
        operationId: 'createShop',
        tags,
        summary: 'Create a shop',
        description: `A tenant's first shop becomes its default. ${LISTING_RULES}`,
        params: tenantIdParams,
        body: createShopBodySchema,
        response: { 201: shopResponse },
      },
    },
    async (req, reply) => reply.code(201).send({ shop: await createShop(contextOf(req, rt), req.params.tenantId, req.body) }),
  );

  r.get(
    '/api/v1/tenants/:tenantId/shops/:shopId',
    {
      config: { permission: 'shops:read' },
      schema: {
        operationId: 'getShop',
        tags,
        summary: 'Get a shop',
        params: shopParams,
        response: { 200: shopResponse },
      },
    },
    async (req) => ({ shop: await getShop(contextOf(req, rt), req.params.tenantId, req.params.shopId) }),
  );

  r.patch(
    '/api/v1/tenants/:tenantId/shops/:shopId',
    {
      config: { permission: 'shops:write' },
      schema: {
        operationId: 'updateShop',
        tags,
        summary: 'Update a shop',
        description: `Absent fields are unchanged; null clears a nullable field; \`isDefault: true\` makes this the default shop. ${LISTING_RULES}`,
        params: shopParams,
        body: updateShopBodySchema,
        response: { 200: shopResponse },
      },
    },
    async (req) => ({ shop: await updateShop(contextOf(req, rt), req.params.tenantId, req.params.shopId, req.body) }),
  );

  r.delete(
    '/api/v1/tenants/:tenantId/shops/:shopId',
    {
      config: { permission: 'shops:write' },
      schema: {
        operationId: 'deleteShop',
        tags,
        summary: 'Delete a shop',
        description:
          "Refused (409) while the shop has active employees or is the tenant's only shop. Deleting the default shop makes the oldest remaining shop the default. The shop is hidden, not erased: its employees' history still refers to it.",
        params: shopParams,
        response: { 204: z.null().describe('Deleted'), 409: errorResponse('The shop has active employees, or is the only shop') },
      },
    },
    async (req, reply) => {
      await deleteShop(contextOf(req, rt), req.params.tenantId, req.params.shopId);
      return reply.code(204).send(null);
    },
  );
}
