// The tenant on the wire: the Tenant resource, its path parameter and the fields operators may
// change. The tenant's public listings and brand are part of it (docs/reviews-api-contract.md).
import { z } from 'zod';
import { colorSchema, mapsUrlSchema, websiteUrlSchema } from './listing-urls.ts';

/** The business verticals that have a built-in template library. */
export const VERTICALS = ['auto', 'fnb', 'beauty', 'clinic', 'retail', 'services'] as const;
export type Vertical = (typeof VERTICALS)[number];
/** What a tenant may be: a library vertical, or `other` (templates written from its description). */
export const TENANT_VERTICALS = [...VERTICALS, 'other'] as const;

const color = z.string().regex(/^#[0-9a-f]{6}$/i, 'Must be a #rrggbb colour');

export const tenantSchema = z
  .object({
    id: z.uuid(),
    slug: z.string(),
    name: z.string(),
    vertical: z.string().nullable(),
    websiteUrl: z.string().nullable(),
    googleMapsUrl: z.string().nullable(),
    googlePlaceCid: z.string().nullable(),
    xhsHandle: z.string().nullable(),
    logoUrl: z.string().nullable().describe('Served from our own origin'),
    brandPrimaryColor: color,
    brandAccentColor: color,
    createdAt: z.iso.datetime(),
    plan: z.string(),
    trialEndsAt: z.iso.datetime().nullable(),
    status: z.enum(['active', 'suspended']),
  })
  .meta({
    id: 'Tenant',
    example: {
      id: '0193b5d2-7c1a-7a3e-9f4e-2b1c3d4e5f60',
      slug: 'bright-smile-dental',
      name: 'Bright Smile Dental',
      vertical: 'clinic',
      websiteUrl: 'https://brightsmile.example',
      googleMapsUrl: 'https://maps.google.com/?cid=12345678901234567890',
      googlePlaceCid: '12345678901234567890',
      xhsHandle: 'brightsmile',
      logoUrl: 'https://reviews.example.com/assets/logos/0193b5d2.png',
      brandPrimaryColor: '#0f766e',
      brandAccentColor: '#f59e0b',
      createdAt: '2026-11-01T09:30:00.000Z',
      plan: 'trial',
      trialEndsAt: '2026-11-15T09:30:00.000Z',
      status: 'active',
    },
  });

export const tenantIdParams = z.object({ tenantId: z.uuid().describe('The tenant id') });

export const slugSchema = z
  .string()
  .regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])$/, 'Use 2–63 lowercase letters, digits and hyphens (not at either end)');

const isTimeZone = (tz: string) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
};
export const timezoneSchema = z.string().max(64).refine(isTimeZone, 'Must be an IANA time zone such as Europe/London');
export const SUPPORTED_LANGUAGES = ['en', 'zh-CN'] as const;

export const tenantPatchSchema = z
  .strictObject({
    name: z.string().trim().min(2, 'Must be at least 2 characters').max(200).optional(),
    slug: slugSchema.optional(),
    vertical: z.enum(TENANT_VERTICALS).nullable().optional(),
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
export type TenantPatch = z.infer<typeof tenantPatchSchema>;
