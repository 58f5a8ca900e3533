// Wire schemas of provisioning (docs/reviews-api-contract.md §4 ProvisionRequest / ProvisionResponse, §7).
// Every rule is checked at once, so a bad request names all its offending fields in one 400.
import { z } from 'zod';
import { badRequest, type FieldErrors } from '../platform/errors.ts';
import { mapsUrlSchema, websiteUrlSchema, xhsInputSchema } from '../platform/listing-urls.ts';
import { slugSchema } from '../platform/tenant-schemas.ts';
import { TENANT_VERTICALS } from './template-library.ts';
import { UNRESOLVED_FIELDS } from './unresolved.ts';


const required = (what: string) => ({
  error: (issue: { input?: unknown }) => (issue.input === undefined ? 'Required' : `Must be ${what}`),
});
// Cross-field rules run even when a field already failed, so every problem is reported together.
const always = { when: () => true };
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const blank = (v: unknown) => v === undefined || v === null || (typeof v === 'string' && v.trim() === '');

const EXAMPLE_REQUEST = {
  name: 'Bright Smile Dental',
  vertical: 'clinic',
  mapsUrl: 'https://maps.app.goo.gl/AbCdEfGh12345',
  xhsInput: '@brightsmile',
  websiteUrl: 'https://brightsmile.example',
  ownerEmail: 'owner@brightsmile.example',
};

export const provisionRequestSchema = z
  .strictObject({
    name: z
      .string(required('a string'))
      .trim()
      .min(2, 'Must be at least 2 characters')
      .max(200, 'Must be at most 200 characters')
      .describe('The business name (at least 2 characters)'),
    slug: slugSchema.nullish().describe('URL name of the tenant; derived from the name when omitted (a taken explicit slug is a 409)'),
    vertical: z
      .enum(TENANT_VERTICALS, { error: (i) => (i.input === undefined ? 'Required' : `Must be one of ${TENANT_VERTICALS.join(', ')}`) })
      .describe('Picks the built-in templates; `other` generates them from `businessDescription`'),
    businessDescription: z
      .string()
      .trim()
      .max(2000, 'Must be at most 2000 characters')
      .nullish()
      .describe('Required when vertical is `other`: what the business is and does'),
    mapsUrl: mapsUrlSchema.nullish().describe('A Google Maps URL of the business (short links are resolved); this or `xhsInput` is required'),
    xhsInput: xhsInputSchema.nullish().describe('A Xiaohongshu profile URL, an xhslink.com link or an @handle; this or `mapsUrl` is required'),
    websiteUrl: websiteUrlSchema.nullish().describe('Fetched once for its favicon (→ logoUrl) and theme-color (→ brandPrimaryColor)'),
    ownerEmail: z.email('Must be an email address').max(254).nullish().describe('When set, the owner gets a reset-password email (mode `owner`); otherwise mode `demo`'),
  })
  .refine((v) => !isObject(v) || v.vertical !== 'other' || !blank(v.businessDescription), {
    message: 'Required when vertical is "other"',
    path: ['businessDescription'],
    ...always,
  })
  .refine((v) => !isObject(v) || !blank(v.mapsUrl) || !blank(v.xhsInput), {
    message: 'Give mapsUrl or xhsInput (at least one is required)',
    path: ['mapsUrl'],
    ...always,
  })
  .refine((v) => !isObject(v) || !blank(v.mapsUrl) || !blank(v.xhsInput), {
    message: 'Give mapsUrl or xhsInput (at least one is required)',
    path: ['xhsInput'],
    ...always,
  })
  .meta({ id: 'ProvisionRequest', example: EXAMPLE_REQUEST });

export type ProvisionRequest = z.output<typeof provisionRequestSchema>;

/** The same validation for callers that are not HTTP routes (MCP tools): every field at once. */
export function parseProvisionRequest(input: unknown): ProvisionRequest {
  const parsed = provisionRequestSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const fieldErrors: FieldErrors = {};
  for (const issue of parsed.error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) (fieldErrors[key] ??= []).push('Unknown field');
      continue;
    }
    (fieldErrors[issue.path.join('.') || 'body'] ??= []).push(issue.message);
  }
  throw badRequest(fieldErrors);
}

export const provisionResponseSchema = z
  .object({
    id: z.uuid().describe('The new tenant id'),
    slug: z.string(),
    mode: z
      .enum(['owner', 'demo'])
      .describe(
        'How the owner gets in. `owner` (ownerEmail was given): the owner is emailed a single-use link (72 h) to choose a password; ' +
          'no password is returned. `demo` (no ownerEmail): the response carries a `temporaryPassword`, shown once, that you hand over ' +
          'yourself; it must be changed at first sign-in. Both tenants are the same real, 14-day Trial tenant: `demo` says nothing about its data.',
      ),
    loginUsername: z.string().describe('The login user, derived from the slug'),
    temporaryPassword: z
      .string()
      .nullable()
      .describe('Demo mode only, shown once (it must be changed at first sign-in); null in owner mode and on an idempotent replay'),
    shopId: z.uuid().describe('The default shop, carrying the Maps/Xiaohongshu listing'),
    dashboardUrl: z.url(),
    trialEndsAt: z.iso.datetime().describe('Trial plan, 14 days'),
    templatesCreated: z.number().int().describe('10 per language (en, zh-CN)'),
    unresolved: z
      .array(
        z.object({
          field: z
            .enum(UNRESOLVED_FIELDS)
            .describe('The request or tenant field concerned'),
          reason: z.string().describe('What could not be fetched or resolved, and what was done instead'),
        }),
      )
      .describe(
        'What could not be fetched or resolved; provisioning succeeds anyway with defaults. `websiteUrl`: the site could not be fetched ' +
          '(default colours, no logo); `brandPrimaryColor`: no usable theme-color; `logoUrl`: no usable icon; `mapsUrl`: the short link ' +
          'could not be followed; `googlePlaceCid`: no place id (CID) was found, so the review button opens the listing instead of the ' +
          'write-review form; `xhsInput`: the Xiaohongshu short link could not be resolved. Empty when everything was resolved. Fix them with ' +
          'PATCH /tenants/{id}, the shop, or PUT …/logo.',
      ),
  })
  .meta({
    id: 'ProvisionResponse',
    example: {
      id: '0193b5d2-7c1a-7a3e-9f4e-2b1c3d4e5f60',
      slug: 'bright-smile-dental',
      mode: 'demo',
      loginUsername: 'bright-smile-dental',
      temporaryPassword: 'h7Kq2-Xw9Pz-4mTbR-c8YvN',
      shopId: '0193b5d2-7c1b-7d40-8a11-6f2e9c0b1a22',
      dashboardUrl: 'https://reviews.example.com/dashboard',
      trialEndsAt: '2026-11-15T09:30:00.000Z',
      templatesCreated: 20,
      unresolved: [{ field: 'logoUrl', reason: 'The website has no icon we could use (a PNG, JPEG, WebP or ICO of at most 256 KB): there is no logo; upload one in the settings' }],
    },
  });

export type ProvisionResponse = z.infer<typeof provisionResponseSchema>;
