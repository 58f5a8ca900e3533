import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { contextOf } from '../authenticate.ts';
import { errorResponse } from '../http-errors.ts';
import { createTenantKey, listTenantKeys, revokeTenantKey, rollTenantKey } from '../keys.ts';
import { apiKeyListItemSchema, apiKeySchema, createKeyBodySchema, DEFAULT_ROLL_OVERLAP_SECONDS, rollKeyBodySchema } from '../key-schemas.ts';
import { pageInfo, pageQuery, paginationSchema } from '../pagination.ts';
import type { Runtime } from '../runtime.ts';

const tenantParams = z.object({ tenantId: z.uuid() });
const keyParams = z.object({ tenantId: z.uuid(), keyId: z.uuid() });
/** A freshly minted key (tenant, platform or personal): the same answer on every key route. */
export const mintedSchema = z.object({
  apiKey: apiKeySchema,
  key: z.string().nullable().describe('The secret, shown exactly once (null when an idempotent request is replayed)'),
});

export function apiKeyRoutes(app: FastifyInstance, rt: Runtime) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['API keys'];

  r.get(
    '/api/v1/tenants/:tenantId/api-keys',
    {
      config: { permission: 'keys:read' },
      schema: {
        operationId: 'listApiKeys',
        tags,
        summary: "List a tenant's API keys",
        description: "Newest first, revoked and expired keys included. Never shows the secrets. `requestsThisHour` is each key's count in the current UTC hour (its rate-limit window).",
        params: tenantParams,
        querystring: z.strictObject(pageQuery()),
        response: { 200: z.object({ apiKeys: z.array(apiKeyListItemSchema), total: z.number().int(), pagination: paginationSchema }) },
      },
    },
    async (req) => {
      const { items, total } = await listTenantKeys(contextOf(req, rt), req.params.tenantId, req.query);
      return { apiKeys: items, ...pageInfo(req.query, total) };
    },
  );

  r.post(
    '/api/v1/tenants/:tenantId/api-keys',
    {
      // The secret is shown once: an idempotent replay stores and returns `key` as null.
      config: { permission: 'keys:write', secretFields: ['key'] },
      schema: {
        operationId: 'createApiKey',
        tags,
        summary: 'Create a tenant API key',
        description:
          'The key is returned once, in `key`; only its SHA-256 is stored. Permissions and hourly limit can never exceed the caller\'s own. A tenant has at most 100 active keys (409 beyond). Platform keys may create keys for any tenant.',
        params: tenantParams,
        body: createKeyBodySchema,
        response: { 201: mintedSchema, 409: errorResponse('The tenant already has 100 active keys') },
      },
    },
    async (req, reply) => {
      const { expiresAt, ...rest } = req.body;
      const minted = await createTenantKey(contextOf(req, rt), req.params.tenantId, {
        ...rest,
        expiresAt: expiresAt ? new Date(expiresAt) : null,
      });
      return reply.code(201).send(minted);
    },
  );

  r.delete(
    '/api/v1/tenants/:tenantId/api-keys/:keyId',
    {
      config: { permission: 'keys:write' },
      schema: {
        operationId: 'revokeApiKey',
        tags,
        summary: 'Revoke an API key',
        description: 'Takes effect on every node within seconds. Revoking a revoked key is a no-op.',
        params: keyParams,
        response: { 204: z.null().describe('Revoked') },
      },
    },
    async (req, reply) => {
      await revokeTenantKey(contextOf(req, rt), req.params.tenantId, req.params.keyId);
      return reply.code(204).send(null);
    },
  );

  r.post(
    '/api/v1/tenants/:tenantId/api-keys/:keyId/roll',
    {
      config: { permission: 'keys:write', secretFields: ['key'] },
      schema: {
        operationId: 'rollApiKey',
        tags,
        summary: 'Roll (rotate) an API key',
        description:
          'Issues a new key with the same name, permissions, limit and expiry; the old key keeps working for `overlapSeconds` (default 24 h), then expires. The body is optional. Like creating, rolling never hands out more than the caller holds: a key with permissions or a limit beyond the caller\'s own cannot be rolled by it (403).',
        params: keyParams,
        body: rollKeyBodySchema.nullish(),
        response: { 201: mintedSchema.extend({ previous: apiKeySchema }), 409: errorResponse('The key is revoked') },
      },
    },
    async (req, reply) => {
      const overlap = req.body?.overlapSeconds ?? DEFAULT_ROLL_OVERLAP_SECONDS;
      const rolled = await rollTenantKey(contextOf(req, rt), req.params.tenantId, req.params.keyId, overlap);
      return reply.code(201).send(rolled);
    },
  );
}
