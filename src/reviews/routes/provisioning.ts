// Provisioning: one call makes a working tenant (POST /api/v1/tenants, platform keys only).
import { z } from 'zod';
import { V1_PREFIX } from '../../platform/apis.ts';
import { defineOperation, RawResponse } from '../../platform/operations.ts';
import { orgstackUserAgent } from '../../platform/safe-fetch.ts';
import { provisionRequestSchema, provisionResponseSchema } from '../provision-schema.ts';
import { provisionTenant } from '../provisioning.ts';

export const provisionTenantOperation = defineOperation({
  id: 'provisionTenant',
  method: 'POST',
  path: '/tenants',
  permission: 'tenants:write',
  tags: ['Tenants'],
  summary: 'Provision a tenant',
  description: [
    'Platform keys only. Atomically creates the tenant, its default shop (carrying the Maps/Xiaohongshu listing), a login user (username from the slug, role `owner`), 10 templates per language (en, zh-CN) for the vertical, and Trial billing (plan `trial`, 14 days). If any part fails nothing remains, and a retry with the same body succeeds.',
    'Before that, outside the transaction: a Maps short link is resolved for `googlePlaceCid`; `websiteUrl` is fetched once for `<meta name="theme-color">` (→ `brandPrimaryColor`, with a derived `brandAccentColor`) and its icon (PNG, JPEG, WebP or ICO, ≤ 256 KB, never SVG), which is then served from our own origin as `logoUrl`. Only public addresses are fetched, with a few seconds\' timeout and a size cap; a slow, failing or hostile site never fails provisioning — the field keeps its default. For vertical `other`, the templates are written from `businessDescription` by the configured LLM, or by a built-in generator.',
    '`ownerEmail` set → mode `owner`: a single-use reset-password link (valid 72 h) is emailed, `temporaryPassword` is null. Otherwise mode `demo`: a generated password is returned once in `temporaryPassword` and must be changed at first sign-in.',
  ].join('\n\n'),
  input: { body: provisionRequestSchema },
  output: provisionResponseSchema,
  status: 201,
  errors: { 409: 'The explicit slug is taken' },
  // The demo password is shown once: an idempotent replay returns it as null.
  secretFields: ['temporaryPassword'],
  async run(ctx, { body }) {
    const rt = ctx.rt;
    const outbound = { userAgent: orgstackUserAgent(rt.config.publicUrl), ...rt.outbound };
    const created = await provisionTenant(ctx, body, { outbound, mailer: rt.mailer, llm: rt.config.llm });
    // The answer names the new tenant in Location, a header the door does not set on JSON; so it
    // is encoded here exactly as the door would encode it (the output schema, then JSON).
    const json = JSON.stringify(z.encode(provisionResponseSchema, created));
    return new RawResponse('application/json; charset=utf-8', json, { location: `${V1_PREFIX}/tenants/${created.id}` });
  },
});

export const provisioningOperations = [provisionTenantOperation];
