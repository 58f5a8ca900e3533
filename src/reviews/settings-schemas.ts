// Wire schemas of a tenant's Reviews settings, their change and the logo upload
// (docs/reviews-api-contract.md).
import { z } from 'zod';
import { colorSchema, mapsUrlSchema, parseXhsInput, websiteUrlSchema } from '../platform/listing-urls.ts';
import { SUPPORTED_LANGUAGES, timezoneSchema } from '../platform/tenant-schemas.ts';

export const settingsSchema = z
  .object({
    timezone: z.string(),
    ratingThreshold: z.number().int(),
    defaultLanguage: z.string(),
    feedbackContactRetentionDays: z.number().int(),
    notifyOnNegativeFeedback: z.boolean(),
    brandPrimaryColor: z.string(),
    brandAccentColor: z.string(),
    logoUrl: z.string().nullable(),
    websiteUrl: z.string().nullable(),
    googleMapsUrl: z.string().nullable(),
    googlePlaceCid: z.string().nullable(),
    xhsHandle: z.string().nullable(),
  })
  .meta({
    id: 'TenantSettings',
    example: {
      timezone: 'Asia/Shanghai',
      ratingThreshold: 4,
      defaultLanguage: 'zh-CN',
      feedbackContactRetentionDays: 365,
      notifyOnNegativeFeedback: true,
      brandPrimaryColor: '#0f766e',
      brandAccentColor: '#f59e0b',
      logoUrl: null,
      websiteUrl: 'https://brightsmile.example',
      googleMapsUrl: 'https://maps.google.com/?cid=12345678901234567890',
      googlePlaceCid: '12345678901234567890',
      xhsHandle: 'brightsmile',
    },
  });

export const settingsPatchSchema = z
  .strictObject({
    timezone: timezoneSchema.optional(),
    ratingThreshold: z.number().int().min(1).max(5).optional().describe('Ratings below this lead with the private feedback form'),
    defaultLanguage: z.enum(SUPPORTED_LANGUAGES).optional(),
    feedbackContactRetentionDays: z.number().int().min(1).max(3650).optional(),
    notifyOnNegativeFeedback: z.boolean().optional(),
    brandPrimaryColor: colorSchema.optional(),
    brandAccentColor: colorSchema.optional(),
    logoUrl: z.null().optional().describe('null removes the logo'),
    websiteUrl: websiteUrlSchema.nullable().optional(),
    googleMapsUrl: mapsUrlSchema.nullable().optional(),
    xhsInput: z
      .string()
      .trim()
      .refine((v) => {
        const parsed = parseXhsInput(v);
        return parsed !== null && 'handle' in parsed;
      }, 'Must be a Xiaohongshu profile URL or an @handle')
      .nullable()
      .optional()
      .describe('Xiaohongshu profile URL or @handle; sets xhsHandle'),
  })
  .meta({ id: 'TenantSettingsPatch', example: { timezone: 'Asia/Shanghai', ratingThreshold: 4, brandPrimaryColor: '#0f766e' } });

/** Either the image itself or an address to download it from, never both. */
export const logoBodySchema = z
  .strictObject({
    image: z.string().max(400_000, 'Must be at most 256 KB').optional().describe('The image file, base64-encoded (a data: URL prefix is allowed)'),
    url: websiteUrlSchema.optional().describe('An http(s) address the server downloads the image from, once'),
  })
  .refine((b) => (b.image === undefined) !== (b.url === undefined), { message: 'Send either image or url', path: ['image'] })
  .meta({ id: 'SetLogoRequest', example: { url: 'https://brightsmile.example/logo.png' } });
