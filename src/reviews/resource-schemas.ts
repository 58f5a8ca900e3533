// Wire schemas of shops, employees and templates (reviews-api.md §4) and their request bodies.
// The routes validate with these and the OpenAPI document is generated from them.
import { z } from 'zod';
import { mapsUrlSchema, xhsInputSchema } from '../platform/listing-urls.ts';
import { TENANT_VERTICALS } from './template-library.ts';

const EXAMPLE_TENANT_ID = '0193b5d2-7c1a-7a3e-9f4e-2b1c3d4e5f60';
const EXAMPLE_SHOP_ID = '0193b5d2-8a00-7b2c-8d3e-4f5a6b7c8d90';

// ---- Shop ----

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

// ---- Employee ----

export const employeeSchema = z
  .object({
    id: z.uuid(),
    tenantId: z.uuid(),
    shopId: z.uuid(),
    shopName: z.string(),
    name: z.string(),
    code: z.string().describe('The short, unguessable public code of the review link'),
    reviewUrl: z.string().describe('PUBLIC_URL/r/<code>'),
    active: z.boolean().describe('false: deactivated; the history stays and the link shows a "no longer here" page'),
    createdAt: z.iso.datetime(),
  })
  .meta({
    id: 'Employee',
    example: {
      id: '0193b5d2-9b11-7c3d-9e4f-5a6b7c8d9e01',
      tenantId: EXAMPLE_TENANT_ID,
      shopId: EXAMPLE_SHOP_ID,
      shopName: 'Bright Smile Dental — Riverside',
      name: 'Mei Lin',
      code: 'k3F9xQ2pLm',
      reviewUrl: 'https://reviews.example.com/r/k3F9xQ2pLm',
      active: true,
      createdAt: '2026-11-01T09:35:00.000Z',
    },
  });

const employeeName = z.string().trim().min(1, 'Must not be empty').max(200, 'Must be at most 200 characters');

export const createEmployeeBodySchema = z
  .strictObject({
    shopId: z.uuid().describe("One of this tenant's shops"),
    name: employeeName,
  })
  .meta({ id: 'CreateEmployeeRequest', example: { shopId: EXAMPLE_SHOP_ID, name: 'Mei Lin' } });

export const updateEmployeeBodySchema = z
  .strictObject({
    name: employeeName.optional(),
    shopId: z.uuid().optional().describe("Move to another of this tenant's shops"),
    active: z.boolean().optional().describe('false deactivates, true reactivates'),
  })
  .meta({ id: 'UpdateEmployeeRequest', description: 'Absent fields are left unchanged.', example: { active: false } });

export type UpdateEmployeeBody = z.infer<typeof updateEmployeeBodySchema>;

// ---- Template ----

export const templateSchema = z
  .object({
    id: z.uuid(),
    tenantId: z.uuid(),
    vertical: z.string(),
    language: z.string().describe('BCP 47'),
    body: z.string().describe('A suggested review text the customer may copy'),
    active: z.boolean(),
    sortOrder: z.number().int(),
    createdAt: z.iso.datetime(),
  })
  .meta({
    id: 'Template',
    example: {
      id: '0193b5d2-a0c2-7d4e-8f50-6b7c8d9e0f12',
      tenantId: EXAMPLE_TENANT_ID,
      vertical: 'clinic',
      language: 'en',
      body: 'Gentle, thorough and on time. {employee} explained every step and I left without a worry.',
      active: true,
      sortOrder: 3,
      createdAt: '2026-11-01T09:30:00.000Z',
    },
  });

/** A BCP 47 tag, stored in canonical case (`zh-cn` → `zh-CN`). */
export const languageTagSchema = z
  .string()
  .trim()
  .max(35)
  .refine((v) => canonicalLanguage(v) !== null, 'Must be a BCP 47 language tag such as en or zh-CN')
  .transform((v) => canonicalLanguage(v)!);

function canonicalLanguage(tag: string): string | null {
  if (!/^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$/.test(tag)) return null;
  try {
    return Intl.getCanonicalLocales(tag)[0] ?? null;
  } catch {
    return null;
  }
}

const templateText = z.string().trim().min(1, 'Must not be empty').max(1000, 'Must be at most 1000 characters');
const sortOrder = z.number().int().min(0).max(1_000_000);

export const createTemplateBodySchema = z
  .strictObject({
    body: templateText,
    language: languageTagSchema.optional().describe("Default: the tenant's default language (en unless changed)"),
    vertical: z.enum(TENANT_VERTICALS).optional().describe("Default: the tenant's vertical (other when it has none)"),
    sortOrder: sortOrder.optional().describe("Default: after the last template of the same language"),
    active: z.boolean().optional().describe('Default true'),
  })
  .meta({
    id: 'CreateTemplateRequest',
    example: { body: 'Friendly team and spotless rooms. Booking was easy and they kept to the time.', language: 'en' },
  });

export const updateTemplateBodySchema = z
  .strictObject({
    body: templateText.optional(),
    language: languageTagSchema.optional(),
    active: z.boolean().optional(),
    sortOrder: sortOrder.optional(),
  })
  .meta({ id: 'UpdateTemplateRequest', description: 'Absent fields are left unchanged.', example: { active: false } });

export type CreateTemplateBody = z.infer<typeof createTemplateBodySchema>;
export type UpdateTemplateBody = z.infer<typeof updateTemplateBodySchema>;

/** `?active=true|false` (a plain z.coerce.boolean would read "false" as true). */
export const booleanQuery = z.enum(['true', 'false']).transform((v) => v === 'true');
