// Shops: a tenant's locations, each with its own Google Maps / Xiaohongshu listing.
import { z } from 'zod';
import { defineOperation } from '../../platform/operations.ts';
import { pageInfo, pageQuery, paginationSchema } from '../../platform/pagination.ts';
import { tenantIdParams } from '../../platform/tenant-schemas.ts';
import { createShopBodySchema, shopSchema, updateShopBodySchema } from '../shop-schemas.ts';
import { createShop, deleteShop, getShop, listShops, updateShop } from '../shops.ts';

const tags = ['Shops'];
const shopParams = tenantIdParams.extend({ shopId: z.uuid().describe('The shop id') });
const shopResponse = z.object({ shop: shopSchema });
const LISTING_RULES =
  '`googleMapsUrl` must be a Google Maps URL (its `googlePlaceCid` is derived; a short link leaves it null); `xhsHandle` takes a Xiaohongshu profile URL, an xhslink.com link or an @handle.';

export const listShopsOperation = defineOperation({
  id: 'listShops',
  method: 'GET',
  path: '/tenants/:tenantId/shops',
  permission: 'shops:read',
  tags,
  summary: "List a tenant's shops",
  description: 'Oldest first; deleted shops are not listed.',
  input: { params: tenantIdParams, query: z.strictObject(pageQuery()) },
  output: z.object({ shops: z.array(shopSchema), total: z.number().int(), pagination: paginationSchema }),
  async run(ctx, { params, query }) {
    const { items, total } = await listShops(ctx, params.tenantId, query);
    return { shops: items, ...pageInfo(query, total) };
  },
});

export const createShopOperation = defineOperation({
  id: 'createShop',
  method: 'POST',
  path: '/tenants/:tenantId/shops',
  permission: 'shops:write',
  tags,
  summary: 'Create a shop',
  description: `A tenant's first shop becomes its default. ${LISTING_RULES}`,
  input: { params: tenantIdParams, body: createShopBodySchema },
  output: shopResponse,
  status: 201,
  run: async (ctx, { params, body }) => ({ shop: await createShop(ctx, params.tenantId, body) }),
});

export const getShopOperation = defineOperation({
  id: 'getShop',
  method: 'GET',
  path: '/tenants/:tenantId/shops/:shopId',
  permission: 'shops:read',
  tags,
  summary: 'Get a shop',
  input: { params: shopParams },
  output: shopResponse,
  run: async (ctx, { params }) => ({ shop: await getShop(ctx, params.tenantId, params.shopId) }),
});

export const updateShopOperation = defineOperation({
  id: 'updateShop',
  method: 'PATCH',
  path: '/tenants/:tenantId/shops/:shopId',
  permission: 'shops:write',
  tags,
  summary: 'Update a shop',
  description: `Absent fields are unchanged; null clears a nullable field; \`isDefault: true\` makes this the default shop. ${LISTING_RULES}`,
  input: { params: shopParams, body: updateShopBodySchema },
  output: shopResponse,
  run: async (ctx, { params, body }) => ({ shop: await updateShop(ctx, params.tenantId, params.shopId, body) }),
});

export const deleteShopOperation = defineOperation({
  id: 'deleteShop',
  method: 'DELETE',
  path: '/tenants/:tenantId/shops/:shopId',
  permission: 'shops:write',
  tags,
  summary: 'Delete a shop',
  description:
    "Refused (409) while the shop has active employees or is the tenant's only shop. Deleting the default shop makes the oldest remaining shop the default. The shop is hidden, not erased: its employees' history still refers to it.",
  input: { params: shopParams },
  output: z.null().describe('Deleted'),
  status: 204,
  errors: { 409: 'The shop has active employees, or is the only shop' },
  async run(ctx, { params }) {
    await deleteShop(ctx, params.tenantId, params.shopId);
    return null;
  },
});

export const shopOperations = [listShopsOperation, createShopOperation, getShopOperation, updateShopOperation, deleteShopOperation];
