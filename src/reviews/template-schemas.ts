// Wire schemas of review templates and their request bodies (docs/reviews-api-contract.md).
import { z } from 'zod';
import { EXAMPLE_TENANT_ID } from './shop-schemas.ts';
import { TENANT_VERTICALS, unknownPlaceholders } from './template-library.ts';

export const templateSchema = z
  .object({
    id: z.uuid(),
    tenantId: z.uuid(),
    vertical: z.string(),
    language: z.string().describe('BCP 47'),
    body: z.string().describe("A suggested review text the customer may copy, as saved: `{employee}` is replaced with the employee's first name on the review page"),
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

// `{employee}` is filled with the employee's first name on the review page; any other `{…}` would
// reach no customer (the page leaves such a text out), so it is refused here, where the owner sees why.
const templateText = z
  .string()
  .trim()
  .min(1, 'Must not be empty')
  .max(1000, 'Must be at most 1000 characters')
  .superRefine((body, ctx) => {
    const unknown = unknownPlaceholders(body);
    if (unknown.length) {
      const list = unknown.map((p) => p.slice(0, 40)).join(', ');
      ctx.addIssue({ code: 'custom', message: `Unknown placeholder ${list}: the only placeholder is {employee} (the employee's first name)` });
    }
  })
  .describe("A suggested review text; `{employee}` is replaced with the employee's first name where the customer sees it");
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
