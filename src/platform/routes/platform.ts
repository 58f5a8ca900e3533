// /api/v1/platform/*: what the operator's console (/super) needs beyond the tenant routes —
// platform API keys, usage per credential per hour, the audit log across tenants. Platform
// credentials only: a tenant credential gets 403.
import { z } from 'zod';
import { apiKeyListSchema, createKeyBodySchema, createKeyInput, DEFAULT_ROLL_OVERLAP_SECONDS, mintedSchema, rolledSchema, rollKeyBodySchema } from '../key-schemas.ts';
import { defineOperation } from '../operations.ts';
import { pageInfo, pageQuery } from '../pagination.ts';
import { createPlatformKey, listPlatformKeys, platformAudit, revokePlatformKey, rollPlatformKey, usage } from '../platform-console.ts';
import { auditFilterQuery, auditListSchema, auditTimes } from './audit.ts';

const tags = ['Platform'];
const keyParams = z.object({ keyId: z.uuid() });
const platformOnly = 'A tenant credential (platform credentials only)';

const usageRowSchema = z
  .object({
    credentialId: z.string().describe('The key id, or the user id for dashboard sessions'),
    kind: z.string().describe('platform, tenant, user or session'),
    prefix: z.string().nullable(),
    name: z.string().nullable().describe("The key's name or the user's username"),
    tenantId: z.uuid().nullable(),
    tenantName: z.string().nullable(),
    windowStart: z.iso.datetime().describe('The UTC hour'),
    requests: z.number().int(),
    hourlyLimit: z.number().int().nullable().describe('null for sessions (their limit follows the role)'),
  })
  .meta({ id: 'UsageRow' });

export const listPlatformKeysOperation = defineOperation({
  id: 'listPlatformKeys',
  method: 'GET',
  path: '/platform/api-keys',
  permission: 'keys:read',
  tags,
  summary: 'List platform API keys',
  description: "Newest first, revoked and expired keys included. Platform credentials only. `requestsThisHour` is each key's count in the current UTC hour (its rate-limit window).",
  input: { query: z.strictObject(pageQuery()) },
  output: apiKeyListSchema,
  errors: { 403: platformOnly },
  async run(ctx, { query }) {
    const { items, total } = await listPlatformKeys(ctx, query);
    return { apiKeys: items, ...pageInfo(query, total) };
  },
});

export const createPlatformKeyOperation = defineOperation({
  id: 'createPlatformKey',
  method: 'POST',
  path: '/platform/api-keys',
  permission: 'keys:write',
  tags,
  summary: 'Create a platform API key',
  description: "Default hourly limit 5000 and every permission; never more than the caller's own. The key is returned once, in `key`.",
  input: { body: createKeyBodySchema },
  output: mintedSchema,
  status: 201,
  errors: { 403: platformOnly },
  secretFields: ['key'],
  run: (ctx, { body }) => createPlatformKey(ctx, createKeyInput(body)),
});

export const revokePlatformKeyOperation = defineOperation({
  id: 'revokePlatformKey',
  method: 'DELETE',
  path: '/platform/api-keys/:keyId',
  permission: 'keys:write',
  tags,
  summary: 'Revoke a platform API key',
  description: 'Takes effect on every node within seconds. Revoking a revoked key is a no-op.',
  input: { params: keyParams },
  output: z.null().describe('Revoked'),
  status: 204,
  errors: { 403: platformOnly },
  async run(ctx, { params }) {
    await revokePlatformKey(ctx, params.keyId);
    return null;
  },
});

export const rollPlatformKeyOperation = defineOperation({
  id: 'rollPlatformKey',
  method: 'POST',
  path: '/platform/api-keys/:keyId/roll',
  permission: 'keys:write',
  tags,
  summary: 'Roll (rotate) a platform API key',
  description: 'A new key with the same settings; the old one keeps working for `overlapSeconds` (default 24 h).',
  input: { params: keyParams, body: rollKeyBodySchema.nullish() },
  output: rolledSchema,
  status: 201,
  errors: { 403: platformOnly, 409: 'The key is revoked' },
  secretFields: ['key'],
  run: (ctx, { params, body }) => rollPlatformKey(ctx, params.keyId, body?.overlapSeconds ?? DEFAULT_ROLL_OVERLAP_SECONDS),
});

export const getUsageOperation = defineOperation({
  id: 'getUsage',
  method: 'GET',
  path: '/platform/usage',
  permission: 'audit:read',
  tags,
  summary: 'Requests per credential per hour',
  description: 'From the rate-limit windows, newest hour first (at most 1000 rows). Platform credentials only.',
  input: {
    query: z.strictObject({
      hours: z.coerce.number().int().min(1).max(24 * 31).default(24).describe('How many hours back, this one included (default 24)'),
      tenantId: z.uuid().optional().describe("Only this tenant's credentials"),
    }),
  },
  output: z.object({ usage: z.array(usageRowSchema) }),
  errors: { 403: platformOnly },
  run: async (ctx, { query }) => ({ usage: await usage(ctx, query) }),
});

export const listPlatformAuditOperation = defineOperation({
  id: 'listPlatformAudit',
  method: 'GET',
  path: '/platform/audit',
  permission: 'audit:read',
  tags,
  summary: 'The audit log across all tenants',
  description: 'Every audited request, newest first. Platform credentials only.',
  input: {
    query: z.strictObject({
      ...pageQuery(),
      ...auditFilterQuery,
      tenantId: z.uuid().optional().describe('Only requests on this tenant'),
      status: z.coerce.number().int().min(100).max(599).optional().describe('Only this HTTP status'),
    }),
  },
  output: auditListSchema,
  errors: { 403: platformOnly },
  async run(ctx, { query }) {
    const { limit, offset, keyId, tenantId, status } = query;
    const { items, total } = await platformAudit(ctx, { keyId, tenantId, status, ...auditTimes(query) }, { limit, offset });
    return { audit: items, ...pageInfo({ limit, offset }, total) };
  },
});

export const platformConsoleOperations = [
  listPlatformKeysOperation,
  createPlatformKeyOperation,
  revokePlatformKeyOperation,
  rollPlatformKeyOperation,
  getUsageOperation,
  listPlatformAuditOperation,
];
