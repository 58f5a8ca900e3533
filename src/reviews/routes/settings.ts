import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { contextOf } from '../../platform/authenticate.ts';
import type { Runtime } from '../../platform/runtime.ts';
import { colorSchema, mapsUrlSchema, parseXhsInput, websiteUrlSchema } from '../../platform/listing-urls.ts';
import { SUPPORTED_LANGUAGES, tenantIdParams, timezoneSchema } from '../../platform/tenant-schemas.ts';
import { getSettings, updateSettings } from '../settings.ts';

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

const settingsPatchSchema = z
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

export function settingsRoutes(app: FastifyInstance, rt: Runtime) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['Settings'];

  r.get(
    '/api/v1/tenants/:tenantId/settings',
    {
      config: { permission: 'settings:read' },
      schema: {
        operationId: 'getSettings',
        tags,
        summary: "Get a tenant's settings",
        params: tenantIdParams,
        response: { 200: z.object({ settings: settingsSchema }) },
      },
    },
    async (req) => ({ settings: await getSettings(contextOf(req, rt), req.params.tenantId) }),
  );

  r.patch(
    '/api/v1/tenants/:tenantId/settings',
    {
      config: { permission: 'settings:write' },
      schema: {
        operationId: 'updateSettings',
        tags,
        summary: "Change a tenant's settings",
        description: 'Absent fields stay as they are; null clears a nullable one. URLs are validated as in provisioning.',
        params: tenantIdParams,
        body: settingsPatchSchema,
        response: { 200: z.object({ settings: settingsSchema }) },
      },
    },
    async (req) => ({ settings: await updateSettings(contextOf(req, rt), req.params.tenantId, req.body) }),
  );
}
