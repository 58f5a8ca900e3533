// A tenant's API keys: listed, created, revoked and rolled by the tenant's credentials (and by
// platform operators on any tenant).
import { z } from 'zod';
import { createTenantKey, listTenantKeys, revokeTenantKey, rollTenantKey } from '../keys.ts';
import { apiKeyListSchema, createKeyBodySchema, createKeyInput, DEFAULT_ROLL_OVERLAP_SECONDS, mintedSchema, rolledSchema, rollKeyBodySchema } from '../key-schemas.ts';
import { defineOperation } from '../operations.ts';
import { pageInfo, pageQuery } from '../pagination.ts';

const tags = ['API keys'];
const tenantParams = z.object({ tenantId: z.uuid() });
const keyParams = z.object({ tenantId: z.uuid(), keyId: z.uuid() });

export const listApiKeysOperation = defineOperation({
  id: 'listApiKeys',
  method: 'GET',
  path: '/tenants/:tenantId/api-keys',
  permission: 'keys:read',
  tags,
  summary: "List a tenant's API keys",
  description: "Newest first, revoked and expired keys included. Never shows the secrets. `requestsThisHour` is each key's count in the current UTC hour (its rate-limit window).",
  input: { params: tenantParams, query: z.strictObject(pageQuery()) },
  output: apiKeyListSchema,
  async run(ctx, { params, query }) {
    const { items, total } = await listTenantKeys(ctx, params.tenantId, query);
    return { apiKeys: items, ...pageInfo(query, total) };
  },
});

export const createApiKeyOperation = defineOperation({
  id: 'createApiKey',
  method: 'POST',
  path: '/tenants/:tenantId/api-keys',
  permission: 'keys:write',
  tags,
  summary: 'Create a tenant API key',
  description:
    'The key is returned once, in `key`; only its SHA-256 is stored. Permissions and hourly limit can never exceed the caller\'s own. A tenant has at most 100 active keys (409 beyond). Platform keys may create keys for any tenant.',
  input: { params: tenantParams, body: createKeyBodySchema },
  output: mintedSchema,
  status: 201,
  errors: { 409: 'The tenant already has 100 active keys' },
  // The secret is shown once: an idempotent replay stores and returns `key` as null.
  secretFields: ['key'],
  run: (ctx, { params, body }) => createTenantKey(ctx, params.tenantId, createKeyInput(body)),
});

export const revokeApiKeyOperation = defineOperation({
  id: 'revokeApiKey',
  method: 'DELETE',
  path: '/tenants/:tenantId/api-keys/:keyId',
  permission: 'keys:write',
  tags,
  summary: 'Revoke an API key',
  description: 'Takes effect on every node within seconds. Revoking a revoked key is a no-op.',
  input: { params: keyParams },
  output: z.null().describe('Revoked'),
  status: 204,
  async run(ctx, { params }) {
    await revokeTenantKey(ctx, params.tenantId, params.keyId);
    return null;
  },
});

export const rollApiKeyOperation = defineOperation({
  id: 'rollApiKey',
  method: 'POST',
  path: '/tenants/:tenantId/api-keys/:keyId/roll',
  permission: 'keys:write',
  tags,
  summary: 'Roll (rotate) an API key',
  description:
    'Issues a new key with the same name, permissions, limit and expiry; the old key keeps working for `overlapSeconds` (default 24 h), then expires. The body is optional. Like creating, rolling never hands out more than the caller holds: a key with permissions or a limit beyond the caller\'s own cannot be rolled by it (403).',
  input: { params: keyParams, body: rollKeyBodySchema.nullish() },
  output: rolledSchema,
  status: 201,
  errors: { 409: 'The key is revoked' },
  secretFields: ['key'],
  run: (ctx, { params, body }) => rollTenantKey(ctx, params.tenantId, params.keyId, body?.overlapSeconds ?? DEFAULT_ROLL_OVERLAP_SECONDS),
});

export const apiKeyOperations = [listApiKeysOperation, createApiKeyOperation, revokeApiKeyOperation, rollApiKeyOperation];
