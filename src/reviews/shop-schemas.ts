// Wire schemas of shops and their request bodies (docs/reviews-api-contract.md). The operations
// validate with these and the OpenAPI document is generated from them.
import { z } from 'zod';
import { mapsUrlSchema, xhsInputSchema } from '../platform/listing-urls.ts';

/** The example tenant and shop the Reviews schemas' examples share. */
export const EXAMPLE_TENANT_ID = '0193b5d2-7c1a-7a3e-9f4e-2b1c3d4e5f60';
export const EXAMPLE_SHOP_ID = '0193b5d2-8a00-7b2c-8d3e-4f5a6b7c8d90';

export const shopSchema = z
  .object({
    id: z.uuid(),
    tenantId: z.uuid(),
    name: z.string(),
    address: z.string().nullable(),
    googleMapsUrl: z.string().nullable(),
    googlePlaceCid: z.string().nullable().describe('Derived from googleMapsUrl (null for a short link)'),
    googlePlaceId: z.string().nullable(),
    xhsHandle: z.string().nullable().describe('A Xiaohongshu handle, or an xhslink.com short link kept as given'),
    isDefault: z.boolean().describe("The tenant's default shop; exactly one per tenant"),
    createdAt: z.iso.datetime(),
  })
  .meta({
    id: 'Shop',
    example: {
      id: EXAMPLE_SHOP_ID,
      tenantId: EXAMPLE_TENANT_ID,
      name: 'Bright Smile Dental — Riverside',
      address: '12 River Road, Springfield',
      googleMapsUrl: 'https://maps.google.com/?cid=12345678901234567890',
      googlePlaceCid: '12345678901234567890',
      googlePlaceId: 'ChIJN1t_tDeuEmsRUsoyG83frY4',
      xhsHandle: 'brightsmile',
      isDefault: true,
      createdAt: '2026-11-01T09:30:00.000Z',
    },
  });

const shopName = z.string().trim().min(1, 'Must not be empty').max(200, 'Must be at most 200 characters');
const address = z.string().trim().max(500, 'Must be at most 500 characters');
/** Google Place IDs are URL-safe base64 (ChIJ… for most places, longer for addresses). */
const googlePlaceId = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9_-]{16,512}$/, 'Must be a Google Place ID like ChIJN1t_tDeuEmsRUsoyG83frY4');

export const createShopBodySchema = z
  .strictObject({
    name: shopName,
    address: address.nullable().optional(),
    googleMapsUrl: mapsUrlSchema.nullable().optional(),
    googlePlaceId: googlePlaceId.nullable().optional(),
    xhsHandle: xhsInputSchema.nullable().optional().describe('A Xiaohongshu profile URL, an xhslink.com link or an @handle'),
  })
  .meta({
    id: 'CreateShopRequest',
    example: {
      name: 'Bright Smile Dental — Riverside',
      address: '12 River Road, Springfield',
      googleMapsUrl: 'https://maps.google.com/?cid=12345678901234567890',
      xhsHandle: '@brightsmile',
    },
  });

export const updateShopBodySchema = z
  .strictObject({
    name: shopName.optional(),
    address: address.nullable().optional(),
    googleMapsUrl: mapsUrlSchema.nullable().optional(),
    googlePlaceId: googlePlaceId.nullable().optional(),
    xhsHandle: xhsInputSchema.nullable().optional(),
    isDefault: z.literal(true).optional().describe('Make this the default shop (the previous default stops being one)'),
  })
  .meta({
    id: 'UpdateShopRequest',
    description: 'Absent fields are left unchanged; null clears a nullable field.',
    example: { address: '14 River Road, Springfield', googlePlaceId: null },
  });

export type CreateShopBody = z.infer<typeof createShopBodySchema>;
export type UpdateShopBody = z.infer<typeof updateShopBodySchema>;
